#pragma once
// The JSON document embedded in every report PDF (schema "curcrunch-report", version 1): the
// report id, parameters and filters, totals by month/service/account, the data fingerprint,
// the sources and the tool version. import-pdf validates it strictly; audit recomputes its
// totals from today's store.
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/report/report_data.hpp"

namespace curcrunch::report {

inline constexpr int kReportSchemaVersion = 1;
inline constexpr const char* kReportSchemaName = "curcrunch-report";
inline constexpr const char* kAttachmentName = "curcrunch-report.json";

std::string report_json(const ReportData& d);

struct ReportMeta {
    std::string report_id, generated_at, tool_version, currency, fingerprint;
    int schema_version = 0;
    ReportParams params;
    ReportTotals totals;
};

// Throws Error(input) saying what is wrong: not JSON, too deep, another schema, an unknown
// version, a missing or malformed field, totals that do not add up.
ReportMeta parse_report_json(std::string_view json);

std::string new_report_id();  // a random (version 4) UUID

}  // namespace curcrunch::report
