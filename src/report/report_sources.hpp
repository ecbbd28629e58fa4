#pragma once
// The files behind a report's figures (internal to src/report).
#include "curcrunch/report/report_data.hpp"

namespace curcrunch::report {

// The files of the latest delivery of each (payer, billing period) unit within the report's
// months, each with the periods it fed — never a superseded file, never one of another period.
void gather_sources(ReportData& d, store::Database& db);

}  // namespace curcrunch::report
