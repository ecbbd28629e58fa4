#include "curcrunch/billing/period_status.hpp"

#include <algorithm>

namespace curcrunch::billing {
namespace {

void split_ids(const std::string& ids, std::vector<std::string>& out) {
    size_t start = 0;
    while (start <= ids.size()) {
        const size_t comma = std::min(ids.find(',', start), ids.size());
        if (comma > start) out.push_back(ids.substr(start, comma - start));
        start = comma + 1;
    }
}

// The AWS invoices `fetch` stored for a final unit whose rows carry no invoice id: the same
// selection coverage.cpp makes it final by (month invoices, not Marketplace or purchases).
void fetched_ids(store::Database& db, const store::UnitCoverage& u, std::vector<std::string>& out) {
    auto st = db.prepare(
        "SELECT invoice_id FROM invoice WHERE account_id = ? AND period = ? AND "
        "upper(invoice_type) = 'INVOICE' AND upper(billing_entity) NOT LIKE '%MARKETPLACE%' AND "
        "upper(bill_type) NOT LIKE '%PURCHASE%' ORDER BY invoice_id");
    st.bind(1, u.payer).bind(2, static_cast<int64_t>(u.period));
    while (st.step())
        out.push_back(st.column_text(0));
}

}  // namespace

PeriodStatus aws_period_status(store::Database& db, const std::vector<store::UnitCoverage>& units,
                               const std::set<std::string>& payers) {
    PeriodStatus s;
    size_t seen = 0;
    for (const store::UnitCoverage& u : units) {
        if (!payers.empty() && !payers.contains(u.payer)) continue;
        ++seen;
        if (u.status != store::PeriodStatus::final) {
            s.waiting.push_back("payer " + u.payer + ": " + store::period_status_name(u.status) +
                                " (" + u.status_basis + ")");
            continue;
        }
        if (!u.invoice_ids.empty())
            split_ids(u.invoice_ids, s.aws_invoices);
        else
            fetched_ids(db, u, s.aws_invoices);
    }
    for (const std::string& p : payers)
        if (std::none_of(units.begin(), units.end(), [&](const auto& u) { return u.payer == p; }))
            s.waiting.push_back("payer " + p + ": no costs in the store for the month");
    std::sort(s.aws_invoices.begin(), s.aws_invoices.end());
    s.aws_invoices.erase(std::unique(s.aws_invoices.begin(), s.aws_invoices.end()),
                         s.aws_invoices.end());
    s.final = seen > 0 && s.waiting.empty();
    return s;
}

}  // namespace curcrunch::billing
