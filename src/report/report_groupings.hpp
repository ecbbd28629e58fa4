#pragma once
// The "Cost by" tag key / cost category figures of a report (ReportData::groupings), internal to
// src/report: gather_report calls it after the scan, whose total they must add up to.
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::report {

// Fills d.groupings and d.mom for every ReportParams::groupings from the store's tag rollup
// (store::run_query, store::month_over_month); `mom_end` is where the month-over-month months
// end (as for the other month-over-month tables). d.totals must be gathered.
// Errors: Error(usage) for a region filter (the tag rollup keeps none); Error(internal) when a
// grouping's values do not add up to the period's total.
void gather_groupings(ReportData& d, store::Database& db, Day mom_end);

}  // namespace curcrunch::report
