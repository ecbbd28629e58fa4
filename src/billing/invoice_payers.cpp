#include "curcrunch/billing/invoice_payers.hpp"

#include <algorithm>

#include "curcrunch/store/account_directory.hpp"

namespace curcrunch::billing {
namespace {

// The accounts a unit's rows bill, over all its days (min_day to max_day, which may reach
// before the first of its month); the (day, payer_account) index narrows it to the unit.
const char* kUnitAccounts =
    "SELECT value FROM dim WHERE id IN (SELECT DISTINCT c.usage_account FROM cost_daily c JOIN "
    "dim p ON p.id = c.payer_account WHERE c.day BETWEEN ? AND ? AND p.value = ? AND "
    "c.period = ?)";

}  // namespace

AccountPayers::AccountPayers(store::Database& db, Period period, const CostRowSet& rows,
                             const std::set<std::string>& accounts,
                             const std::vector<store::UnitCoverage>& units) {
    if (accounts.empty()) return;
    const store::AccountDirectory directory = store::AccountDirectory::load(db, false);
    for (const std::string& a : accounts) {
        std::set<std::string>& p = payers_[a];
        for (const CostRow* r : rows.of_account(a))
            p.insert(std::string(r->payer));
        if (const store::AccountInfo* info = directory.find(a); info && !info->payer.empty())
            p.insert(info->payer);
    }
    // Back month by month, only as far as some account has not been found yet: a store of many
    // months is read no further back than its accounts' last earlier month.
    std::vector<const store::UnitCoverage*> earlier;
    for (const store::UnitCoverage& u : units)
        if (u.period < period) earlier.push_back(&u);
    std::stable_sort(earlier.begin(), earlier.end(),
                     [](const auto* x, const auto* y) { return x->period > y->period; });
    std::set<std::string> looking = accounts;
    auto st = db.prepare(kUnitAccounts);
    for (size_t i = 0; i < earlier.size() && !looking.empty();) {
        const Period month = earlier[i]->period;
        std::set<std::string> found;
        for (; i < earlier.size() && earlier[i]->period == month; ++i) {
            const store::UnitCoverage& u = *earlier[i];
            st.reset();
            st.bind(1, static_cast<int64_t>(to_yyyymmdd(u.first_day)))
                .bind(2, static_cast<int64_t>(to_yyyymmdd(u.data_through)))
                .bind(3, u.payer)
                .bind(4, static_cast<int64_t>(u.period));
            while (st.step())
                if (std::string a = st.column_text(0); looking.contains(a)) {
                    payers_[a].insert(u.payer);
                    found.insert(std::move(a));
                }
        }
        for (const std::string& a : found)
            looking.erase(a);
    }
}

const std::set<std::string>& AccountPayers::of(const std::string& account) const {
    auto it = payers_.find(account);
    return it == payers_.end() ? none_ : it->second;
}

}  // namespace curcrunch::billing
