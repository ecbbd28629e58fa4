#pragma once
// The AWS side of a billing period as billing reads it: the daily cost rollup summed over the
// period by the dimensions pricing needs. Strings are views into the set's own storage.
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "curcrunch/core/money.hpp"

namespace curcrunch::billing {

struct CostRow {
    std::string_view payer, account, service, service_name, usage_type, operation, line_item_type,
        billing_entity, commitment_owner, currency;
    Amount unblended = 0, net_unblended = 0, amortized = 0, net_amortized = 0, public_on_demand = 0,
           usage = 0;
};

class CostRowSet {
  public:
    // A stable view of `s` (stored once).
    std::string_view intern(std::string_view s) { return *strings_.emplace(s).first; }
    std::vector<CostRow> rows;

    // Indexes rows by usage account; call once after the rows are complete.
    void index_accounts();
    // The rows of `account` (empty when it has none).
    const std::vector<const CostRow*>& of_account(std::string_view account) const;

  private:
    std::unordered_map<std::string_view, std::vector<const CostRow*>> by_account_;
    std::vector<const CostRow*> none_;
    std::unordered_set<std::string> strings_;  // node-based: views stay valid
};

}  // namespace curcrunch::billing
