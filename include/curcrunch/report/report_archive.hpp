#pragma once
// What the store knows about reports (schema v5): every report it wrote (report_written), and
// every report imported into the archive (report, archive_document). import-pdf asks it whether
// a report id is known and with which bytes.
#include <optional>
#include <string>

#include "curcrunch/report/report_data.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::report {

// Records a report this store just wrote; throws Error(store) if the id is already recorded.
void record_written_report(store::Database& db, const ReportData& d, const std::string& json,
                           const std::string& sha256, size_t bytes, const std::string& path,
                           const std::string& signer);

struct KnownReport {
    std::string sha256, when, where;  // where: the path written to or imported from
};
// The report with `report_id` this store wrote, if any.
std::optional<KnownReport> written_report(store::Database& db, const std::string& report_id);
// The report with `report_id` already in the archive, if any.
std::optional<KnownReport> imported_report(store::Database& db, const std::string& report_id);

}  // namespace curcrunch::report
