#pragma once
// The recommendations of a report (internal to src/report), from the scan's aggregates.
#include "report_scan.hpp"

namespace curcrunch::report {

void recommend(ReportData& d, const Aggregates& a, DimText& dims);

}  // namespace curcrunch::report
