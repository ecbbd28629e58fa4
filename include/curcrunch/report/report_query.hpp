#pragma once
// The store query of a report's (or a dashboard view's) scope: its dates, payer, account,
// service and region filters and its measure, grouped by nothing yet. Pages that query the
// store directly (tag groupings, month over month) start from it so they cannot drift from the
// scope the report's own figures use.
#include "curcrunch/report/report_params.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::report {

store::Query scope_query(const ReportParams& p);

}  // namespace curcrunch::report
