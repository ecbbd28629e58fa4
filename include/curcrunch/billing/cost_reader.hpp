#pragma once
// Reads a billing period's AWS cost rows from the store's daily cost rollup, summed over the
// month per (payer, account, service, usage type, operation, line item type, billing entity,
// commitment owner, currency).
//
// The billing entity, the commitment owner and net amortized cost are columns of the store's
// (payer, period) schema; on a store without them (schema 3) every row has an empty billing
// entity and no commitment owner, so covered usage counts as covered from outside any group,
// and net amortized cost equals amortized cost. `coverage` says which it was.
#include "curcrunch/billing/cost_rows.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct CostCoverage {
    bool billing_entity = false, commitment_owner = false, net_amortized = false;
};

CostCoverage read_cost_rows(store::Database& db, Period period, CostRowSet& out);

}  // namespace curcrunch::billing
