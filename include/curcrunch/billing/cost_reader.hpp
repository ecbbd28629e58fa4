#pragma once
// Reads a billing period's AWS cost rows from the store, one (payer, billing period) unit at a
// time (store/coverage.hpp): each unit's daily cost rows summed over the month per (payer,
// account, service, usage type, operation, line item type, billing entity, commitment owner,
// currency), with every measure pricing and the margin report may use (unblended, net
// unblended, amortized, net amortized, public on-demand, usage).
//
// The billing entity and the commitment owner (the account of the Savings Plan or reservation
// ARN) are dimensions of the store since schema 6; a unit carried over from an older store
// (UnitCoverage::migrated) has them empty until its month is re-ingested, so its covered usage
// counts as covered from outside every group. The run warns about such units.
#include <vector>

#include "curcrunch/billing/cost_rows.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

// The units of `period` the rows came from, ordered by payer, with what coverage says of each.
std::vector<store::UnitCoverage> read_cost_rows(store::Database& db, Period period,
                                                CostRowSet& out);

// The pricing units of every usage slice of `units` (CostRowSet::units), from the line-item
// rollup; read only when a tiering rule is limited to a unit, since the line items are many.
void read_usage_units(store::Database& db, const std::vector<store::UnitCoverage>& units,
                      CostRowSet& out);

}  // namespace curcrunch::billing
