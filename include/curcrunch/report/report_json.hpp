#pragma once
// The JSON document embedded in every report PDF (schema "curcrunch-report"). Version 2 holds
// the report id, parameters and filters, totals by month/service/account, the data
// fingerprint, the billing periods behind the figures, the sha256 of the pages, every table the
// pages print (report_table.hpp), the sources and the tool version. Version 3 has the same
// fields but tables built by the coverage rules: like-for-like comparisons ("n/a: no data for
// ..." instead of a change against an empty window), anomaly scores from each day's trailing
// history, totals / Other / below-threshold rows, Sources keyed by full path. Version 4 has the
// same fields, with coverage per payer (store/view_coverage.hpp): a comparison where one payer
// lacks days is partial, no forecast is made from such a month, a month-over-month table by
// payer cuts each payer's row at its own days. Version 5 has the same fields, with "currency"
// stating what every figure is in and reads: only the rows billed in it (a selection in more
// than one currency is refused, never summed; store/currency_scope.hpp). Before version 5
// "currency" always said USD and the figures summed every currency: audit recomputes those
// so. Versions 1 (totals only) to 4 are still read.
// import-pdf validates it strictly — including that its figures add up — and audit recomputes
// every table from today's store (for versions before 4, only the figures whose meaning did not
// change: audit.cpp).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_table.hpp"

namespace curcrunch::report {

inline constexpr int kReportSchemaVersion = 5;
// The first version whose tables follow today's rules (audit compares every cell of them);
// version 5 changed which rows are read, not how tables are built.
inline constexpr int kReportTableRulesVersion = 4;
// The first version whose "currency" selects the rows its figures sum.
inline constexpr int kReportCurrencyVersion = 5;
inline constexpr int kOldestReportSchemaVersion = 1;
inline constexpr const char* kReportSchemaName = "curcrunch-report";
inline constexpr const char* kAttachmentName = "curcrunch-report.json";

std::string report_json(const ReportData& d, const std::vector<ReportTable>& tables,
                        const std::string& pages_sha256);

// The custom Info dictionary keys of a report (without the leading slash). They repeat what
// the JSON says, for tools that only read Info; import refuses a file where they disagree.
std::map<std::string, std::string> report_info_keys(const ReportData& d, const std::string& json);

struct ReportMeta {
    std::string report_id, generated_at, tool_version, currency, fingerprint;
    int schema_version = 0;
    ReportParams params;
    ReportTotals totals;
    // Version 2 only (empty for version 1).
    std::string pages_sha256;
    std::vector<Period> data_periods;
    std::vector<ReportTable> tables;
};

// Throws Error(input) saying what is wrong: not JSON, too deep, another schema, an unknown
// version, a missing or malformed field, an unknown table kind, figures that do not add up
// (months, services and accounts to the total; every table to its total row) or tables that
// disagree with the totals.
// `check_figures` false leaves the arithmetic to check_report_figures(), so import can first
// compare the JSON with the file's Info keys and say which edit it sees.
ReportMeta parse_report_json(std::string_view json, bool check_figures = true);
void check_report_figures(const ReportMeta& m);

std::string new_report_id();  // a random (version 4) UUID

}  // namespace curcrunch::report
