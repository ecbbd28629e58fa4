#pragma once
// The AWS side of a billing period as billing reads it: the daily cost rollup summed over the
// period by the dimensions pricing needs. Strings are views into the set's own storage.
#include <map>
#include <string>
#include <string_view>
#include <tuple>
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

// The rows of one usage type of an account in the month: (payer, account, service, usage
// type, line item type, currency), the dimensions cost rows share with the line-item rollup.
using UsageSlice = std::tuple<std::string_view, std::string_view, std::string_view,
                              std::string_view, std::string_view, std::string_view>;
UsageSlice usage_slice(const CostRow& r);

class CostRowSet {
  public:
    // A stable view of `s` (stored once).
    std::string_view intern(std::string_view s) { return *strings_.emplace(s).first; }
    std::vector<CostRow> rows;

    // Indexes rows by usage account; call once after the rows are complete.
    void index_accounts();
    // The rows of `account` (empty when it has none).
    const std::vector<const CostRow*>& of_account(std::string_view account) const;

    // The pricing units of each slice's rows (the CUR's pricing/unit), sorted. Cost rows carry
    // no unit: the line-item rollup keeps it per slice and description (read_usage_units), so a
    // row's unit is known when its slice has one. Empty until read.
    std::map<UsageSlice, std::vector<std::string_view>> units;
    bool units_read = false;

  private:
    std::unordered_map<std::string_view, std::vector<const CostRow*>> by_account_;
    std::vector<const CostRow*> none_;
    std::unordered_set<std::string> strings_;  // node-based: views stay valid
};

}  // namespace curcrunch::billing
