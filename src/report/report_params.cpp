#include "curcrunch/report/report_params.hpp"

#include "curcrunch/core/sha256.hpp"

namespace curcrunch::report {
namespace {

store::Query base_query(const ReportParams& p, store::Grain g, store::Dimension d) {
    store::Query q;
    q.from = p.from;
    q.to = p.to;
    q.accounts = p.accounts;
    q.services = p.services;
    q.grain = g;
    q.by = d;
    return q;
}

}  // namespace

ReportTotals compute_totals(store::Database& db, const ReportParams& p) {
    ReportTotals t;
    for (const auto& r :
         store::run_query(db, base_query(p, store::Grain::month, store::Dimension::none))) {
        t.by_month[r.bucket] += r.unblended;
        t.total += r.unblended;
    }
    for (const auto& r :
         store::run_query(db, base_query(p, store::Grain::total, store::Dimension::service)))
        t.by_service[r.key] += r.unblended;
    for (const auto& r :
         store::run_query(db, base_query(p, store::Grain::total, store::Dimension::account)))
        t.by_account[r.key] += r.unblended;
    return t;
}

std::string data_fingerprint(store::Database& db, const ReportParams& p) {
    Sha256 h;
    for (const auto& r : store::run_query(db, [&] {
             store::Query q = base_query(p, store::Grain::day, store::Dimension::service);
             q.sort = store::SortOrder::key_asc;
             return q;
         }())) {
        const std::string line = r.bucket + "|" + r.key + "|" + to_plain_string(r.unblended) + "|" +
                                 to_plain_string(r.amortized) + "|" + std::to_string(r.rows) + "\n";
        h.update(line);
    }
    return h.hex_digest();
}

}  // namespace curcrunch::report
