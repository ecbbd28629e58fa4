#pragma once
// Whether a customer's invoice for a month is final: a bill built on AWS costs that may still
// change is a draft. It is final once every (payer, billing period) unit its costs came from is
// final by the store's coverage (store/coverage.hpp): its rows carry AWS invoice ids, or
// `fetch` stored the payer's AWS invoice for the month. A customer without AWS costs that month
// (usage only, or groups whose accounts had no rows) waits for every unit of the month; a month
// without any unit stays draft.
#include <set>
#include <string>
#include <vector>

#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct PeriodStatus {
    bool final = false;
    std::vector<std::string> aws_invoices;  // the invoices that made it final, sorted
    std::vector<std::string> waiting;       // "payer P: accruing (no invoice id yet)", ...
};

// `units`: the period's units (cost_reader.hpp); `payers`: those the bill's costs came from
// (empty: every unit).
PeriodStatus aws_period_status(store::Database& db, const std::vector<store::UnitCoverage>& units,
                               const std::set<std::string>& payers);

}  // namespace curcrunch::billing
