#include "curcrunch/billing/cost_rows.hpp"

namespace curcrunch::billing {

UsageSlice usage_slice(const CostRow& r) {
    return {r.payer, r.account, r.service, r.usage_type, r.line_item_type, r.currency};
}

void CostRowSet::index_accounts() {
    by_account_.clear();
    for (const CostRow& r : rows)
        by_account_[r.account].push_back(&r);
}

const std::vector<const CostRow*>& CostRowSet::of_account(std::string_view account) const {
    auto it = by_account_.find(account);
    return it == by_account_.end() ? none_ : it->second;
}

}  // namespace curcrunch::billing
