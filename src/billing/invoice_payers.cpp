#include "curcrunch/billing/invoice_payers.hpp"

#include <algorithm>
#include <optional>

#include "curcrunch/store/account_directory.hpp"

namespace curcrunch::billing {
namespace {

// Every (usage account, payer) pair of one month's rows over the days its units cover (they may
// reach before the first of the month): one range of the cost_daily_day index, however many
// accounts ask and however long the store's history.
const char* kMonthAccountPayers =
    "SELECT u.value, p.value FROM (SELECT DISTINCT usage_account, payer_account FROM cost_daily "
    "WHERE day BETWEEN ? AND ? AND period = ?) c JOIN dim u ON u.id = c.usage_account JOIN dim "
    "p ON p.id = c.payer_account";

// The payers each account's rows of `month` name.
std::map<std::string, std::set<std::string>, std::less<>> payers_in_month(
    store::Database& db, Period month, const std::vector<store::UnitCoverage>& units) {
    std::map<std::string, std::set<std::string>, std::less<>> out;
    Day from = 0, through = 0;
    for (const store::UnitCoverage& u : units) {
        if (u.period != month) continue;
        from = from == 0 ? u.covers_from() : std::min(from, u.covers_from());
        through = std::max(through, u.data_through);
    }
    if (through == 0) return out;
    auto st = db.prepare(kMonthAccountPayers);
    st.bind(1, static_cast<int64_t>(to_yyyymmdd(from)))
        .bind(2, static_cast<int64_t>(to_yyyymmdd(through)))
        .bind(3, static_cast<int64_t>(month));
    while (st.step())
        out[st.column_text(0)].insert(st.column_text(1));
    return out;
}

}  // namespace

AccountPayers::AccountPayers(store::Database& db, Period period, const CostRowSet& rows,
                             const std::set<std::string>& accounts,
                             const std::set<std::string>& seen,
                             const std::vector<store::UnitCoverage>& units) {
    if (accounts.empty()) return;
    // Only the month before is looked at. Payers deliver every month, so an account with costs
    // then and none yet now is most likely waiting for its payer's month (the case that made a
    // fee-only invoice final); one quiet for longer is idle or gone, and waiting on its old
    // payer would keep its invoices draft for as long as that payer stays away (it may never
    // come back after a move). The price: a payer two months late looks like idle accounts.
    const auto before = payers_in_month(db, add_months(period, -1), units);
    std::optional<store::AccountDirectory> directory;
    for (const std::string& a : accounts) {
        AccountDependency& d = of_[a];
        for (const CostRow* r : rows.of_account(a))
            d.payers.insert(std::string(r->payer));
        if (!d.payers.empty()) {
            d.basis = AccountDependency::Basis::rows;
            continue;
        }
        if (auto it = before.find(a); it != before.end()) {
            d.basis = AccountDependency::Basis::month_before;
            d.payers = it->second;
            continue;
        }
        if (seen.contains(a)) {
            d.basis = AccountDependency::Basis::idle;
            continue;
        }
        // Organizations' payer is today's, not the month's: it stands in only for an account
        // the store has no rows of, and only when that payer's CUR is one the store receives.
        if (!directory) directory = store::AccountDirectory::load(db, false);
        const store::AccountInfo* info = directory->find(a);
        if (!info || info->payer.empty()) continue;  // unknown
        const std::string& p = info->payer;
        const bool delivers = std::any_of(units.begin(), units.end(), [&](const auto& u) {
            return u.payer == p && u.period <= period;
        });
        if (delivers) {
            d.basis = AccountDependency::Basis::directory;
            d.payers.insert(p);
        } else {
            d.basis = AccountDependency::Basis::directory_unwaited;
            d.directory_payer = p;
        }
    }
}

const AccountDependency& AccountPayers::of(const std::string& account) const {
    auto it = of_.find(account);
    return it == of_.end() ? unknown_ : it->second;
}

}  // namespace curcrunch::billing
