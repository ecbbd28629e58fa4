#include "curcrunch/report/report_params.hpp"

#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/cost_scan.hpp"

namespace curcrunch::report {

ScanFilter scan_filter(const ReportParams& p) {
    return ScanFilter{p.accounts, p.services, p.regions,
                      p.payers,   p.measure,  p.every_currency ? "" : p.currency};
}

void TotalsBuilder::add(const CostRow& r) {
    total_ += r.cost;
    if (r.day != last_day_) {
        last_day_ = r.day;
        last_month_ = &months_[period_of(r.day)];  // std::map: the reference stays valid
    }
    *last_month_ += r.cost;
    services_[r.product_code] += r.cost;
    accounts_[r.account] += r.cost;
    if (!fingerprinting_) return;
    Sums& s = service_days_[{r.product_code, r.day}];
    s.unblended += r.unblended;
    s.amortized += r.amortized;
    s.rows += r.rows;
}

ReportTotals TotalsBuilder::totals(store::DimNames& dims) const {
    ReportTotals t;
    t.total = total_;
    for (const auto& [m, v] : months_)
        t.by_month[format_period(m)] += v;
    for (const auto& [id, v] : services_)
        t.by_service[dims(id)] += v;
    for (const auto& [id, v] : accounts_)
        t.by_account[dims(id)] += v;
    return t;
}

std::string TotalsBuilder::fingerprint(store::DimNames& dims) const {
    // Lines "day|service|unblended|amortized|rows" ordered by service code, then day.
    std::map<std::pair<std::string, Day>, Sums> ordered;
    for (const auto& [key, s] : service_days_) {
        Sums& o = ordered[{dims(key.first), key.second}];
        o.unblended += s.unblended;
        o.amortized += s.amortized;
        o.rows += s.rows;
    }
    Sha256 h;
    for (const auto& [key, s] : ordered) {
        std::string line = format_day(key.second);
        line.append("|").append(key.first).append("|").append(to_plain_string(s.unblended));
        line.append("|").append(to_plain_string(s.amortized)).append("|");
        line.append(std::to_string(s.rows)).append("\n");
        h.update(line);
    }
    return h.hex_digest();
}

ReportTotals compute_totals(store::Database& db, const ReportParams& p) {
    TotalsBuilder b;
    scan_costs(db, p.from, p.to, scan_filter(p), [&](const CostRow& r) { b.add(r); });
    DimText dims(db);
    return b.totals(dims);
}

std::string data_fingerprint(store::Database& db, const ReportParams& p) {
    TotalsBuilder b;
    scan_costs(db, p.from, p.to, scan_filter(p), [&](const CostRow& r) { b.add(r); });
    DimText dims(db);
    return b.fingerprint(dims);
}

}  // namespace curcrunch::report
