#pragma once
// What a report's Info dictionary must say, given its embedded JSON (internal to src/report):
// the custom keys repeat the JSON, and the standard ones a reader shows (Title, Subject,
// Keywords) are the ones the writer derives from it (pdf_report.cpp).
#include <string>

#include "curcrunch/report/pdf_inspect.hpp"
#include "curcrunch/report/report_json.hpp"

namespace curcrunch::report {

// The value of Info key `key` (without the slash), "" when absent.
std::string info_value(const InspectedPdf& p, const std::string& key);

// Throws Error(input) naming the first key that disagrees with the JSON `json` (parsed as
// `m`).
void check_info_agrees(const InspectedPdf& p, const ReportMeta& m, const std::string& json);

}  // namespace curcrunch::report
