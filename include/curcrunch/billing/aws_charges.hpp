#pragma once
// A billing group's AWS charges for one period: its accounts' cost rows (cost_rows.hpp), each
// given its role (commitments.hpp) and priced by the group's plan (pricing_rules.hpp), summed
// exactly into one line per (account, service) and kind (none where that is exactly 0); tiering
// rules give one line per rule.
// Amounts are in the costs' currency; the invoice converts them.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/cost_rows.hpp"
#include "curcrunch/billing/invoice.hpp"

namespace curcrunch::billing {

struct GroupCharges {
    std::string currency;            // of the costs ("" when the group had no rows)
    std::vector<InvoiceLine> lines;  // exact amounts; `amount` not yet set
    Fraction savings_plan_benefit;   // priced like the usage it covers
    // AWS cost by the margin measure, per (service, account), every row of the group counted.
    std::map<std::pair<std::string, std::string>, Amount> cost;
    std::map<std::string, std::string> service_names;  // product code -> product name
    std::vector<std::string> warnings;                 // "warning: ..." lines for the run
};

GroupCharges price_group(const BillingConfig& c, const BillingGroup& g, const PricingPlan& plan,
                         const CostRowSet& rows, const std::string& margin_measure);

// A row's AWS cost by a margin measure (unblended, net_unblended, amortized, net_amortized,
// public_on_demand).
Amount cost_by_measure(const CostRow& r, const std::string& measure);

// The plan a group uses in `period` (nullptr when none: config_check prevents that).
const PricingPlan* plan_for(const BillingConfig& c, const BillingGroup& g, Period period);

}  // namespace curcrunch::billing
