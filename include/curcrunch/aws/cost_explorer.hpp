#pragma once
// Cost Explorer GetCostAndUsage (reference: aws-vault-wire.md §2.1), grouped by LINKED_ACCOUNT
// x SERVICE, every page. Each page is a paid request ($0.01): callers opt in and report the
// count. Amounts arrive as strings and stay exact.
#include <string>
#include <vector>

#include "curcrunch/aws/json_service.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"

namespace curcrunch::aws {

enum class CeGranularity { monthly, daily };

struct CeCostRow {
    Day start = 0;  // the result's TimePeriod.Start
    std::string account, service, unit;
    Amount amount = 0;
    bool estimated = false;
};

struct CeResult {
    std::vector<CeCostRow> rows;
    int pages = 0;  // paid requests that succeeded
};

// [from, to_exclusive), metric UnblendedCost.
CeResult get_cost_and_usage(JsonServiceClient& ce, Day from, Day to_exclusive, CeGranularity g);

}  // namespace curcrunch::aws
