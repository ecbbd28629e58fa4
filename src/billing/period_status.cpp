#include "curcrunch/billing/period_status.hpp"

#include <algorithm>
#include <map>

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

PeriodStatus customer_period_status(store::Database& db, const BillingConfig& c, const Customer& cu,
                                    Period period, const CostRowSet& rows,
                                    const std::vector<store::UnitCoverage>& units,
                                    const AccountPayers& payers) {
    const std::string who = "warning: " + cu.id + " " + format_period(period) + ": ";
    std::map<std::string, std::vector<std::string>> groups_of_payer;
    bool has_groups = false, payer_unknown = false;
    std::vector<std::string> warnings;
    for (const BillingGroup& g : c.groups) {
        if (g.customer != cu.id || !g.months.contains(period)) continue;
        has_groups = true;
        bool costs = false, known = false;
        std::string accounts;
        for (const std::string& a : g.accounts) {
            costs = costs || !rows.of_account(a).empty();
            const AccountDependency& d = payers.of(a);
            known = known || d.basis != AccountDependency::Basis::unknown;
            for (const std::string& p : d.payers) {
                auto& gs = groups_of_payer[p];
                if (gs.empty() || gs.back() != g.id) gs.push_back(g.id);
            }
            if (d.basis == AccountDependency::Basis::directory_unwaited)
                warnings.push_back(who + "account " + a + " of billing group " + g.id +
                                   " has no AWS costs in the store yet and the account directory "
                                   "lists it under payer " +
                                   d.directory_payer + ", which has no month in the store up to " +
                                   format_period(period) +
                                   " (billing transfer, or a CUR that is not ingested): the "
                                   "invoice does not wait for it");
            accounts += (accounts.empty() ? "" : ", ") + a;
        }
        if (!costs)
            warnings.push_back(who + "billing group " + g.id +
                               " has no AWS costs in the store for " + format_period(period) +
                               " (accounts " + accounts + ")");
        if (!known) {
            payer_unknown = true;
            warnings.push_back(who + "the invoice stays draft: no payer of billing group " + g.id +
                               "'s accounts is known (the store has no AWS costs of them in any "
                               "month and the account directory does not list them; `fetch` "
                               "stores the directory)");
        }
    }
    // Every account idle (or under a payer the store never receives): nothing to wait for but
    // the month itself, so the invoice is final once every unit of the month is.
    if (!has_groups || (groups_of_payer.empty() && !payer_unknown)) {
        PeriodStatus s = aws_period_status(db, units, {});
        s.warnings = std::move(warnings);
        return s;
    }
    std::set<std::string> depends;
    for (const auto& [payer, groups] : groups_of_payer) {
        const std::string& p = payer;  // clang 14 cannot capture a structured binding
        depends.insert(p);
        if (std::any_of(units.begin(), units.end(), [&](const auto& u) { return u.payer == p; }))
            continue;
        std::string names;
        for (const auto& g : groups)
            names += (names.empty() ? "" : ", ") + g;
        warnings.push_back(who + "the invoice stays draft: the AWS costs of payer " + p + " for " +
                           format_period(period) + " are not in the store (it pays for " +
                           "billing group " + names + "); ingest its CUR for the month");
    }
    PeriodStatus s = aws_period_status(db, units, depends);
    if (payer_unknown) s.final = false;
    s.warnings = std::move(warnings);
    return s;
}

}  // namespace curcrunch::billing
