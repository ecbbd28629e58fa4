#pragma once
// Invoices against the CUR (and Cost Explorer), per billing month (internal to src/report).
#include "report_scan.hpp"

namespace curcrunch::report {

void reconcile(ReportData& d, store::Database& db, const RowSource& src);

}  // namespace curcrunch::report
