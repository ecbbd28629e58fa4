#pragma once
// `curcrunch report`: the pages of a cost report laid out from ReportData — summary, trends
// with anomalies, cost by service, period comparison, accounts, line items, invoices and
// reconciliation, recommendations, sources — then finished by qpdf (metadata, the embedded
// JSON with every printed table, optional AES-256, optional PAdES signature) and recorded in
// the store.
#include <optional>
#include <string>

#include "curcrunch/chart/charts.hpp"
#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "curcrunch/report/report_charts.hpp"
#include "curcrunch/report/report_data.hpp"

namespace curcrunch::report {

struct WrittenReport {
    std::string path, report_id, sha256;
};

class SigningKey;

struct ReportOutput {
    std::optional<PdfPasswords> passwords;
    const SigningKey* signer = nullptr;    // signs the file (PAdES B-B) when set
    store::Database* record_in = nullptr;  // the store that records the report it wrote
    std::string recorded_as;               // where the store says it went ("" = the path)
};

// Fills d.report_id and d.generated_at, writes the PDF to `path` (through a temporary file
// renamed into place once the store has recorded it).
WrittenReport write_report(ReportData& d, const std::string& path, const ReportOutput& out);
WrittenReport write_report(ReportData& d, const std::string& path,
                           const std::optional<PdfPasswords>& passwords);

}  // namespace curcrunch::report
