#pragma once
// `curcrunch report`: the pages of a cost report laid out from ReportData — summary, trends
// with anomalies, cost by service, period comparison, accounts, line items, invoices and
// reconciliation, recommendations, sources — then finished by qpdf (metadata, the embedded
// JSON with every printed table, optional AES-256, optional PAdES signature) and recorded in
// the store.
#include <memory>
#include <optional>
#include <string>

#include "curcrunch/chart/charts.hpp"
#include "curcrunch/chart/text_metrics.hpp"
#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "curcrunch/report/pdf_layout.hpp"
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

// The empty document a report is drawn on, its fonts loaded and measured. Setting it up is
// about a tenth of a 12-month report's CPU (libharu maps every code point of both fonts, for
// measuring and for embedding) and needs nothing from the store: a caller may prepare it on
// another core while gather_report reads the data.
struct ReportCanvas {
    chart::TextMetrics metrics;
    PdfLayout layout;
    explicit ReportCanvas(std::string header_line) : layout(metrics, std::move(header_line)) {}
};

// Fills d.report_id and d.generated_at, writes the PDF to `path` (through a temporary file
// renamed into place once the store has recorded it), drawn on `canvas` (an unused one; made
// here when null).
WrittenReport write_report(ReportData& d, const std::string& path, const ReportOutput& out,
                           std::unique_ptr<ReportCanvas> canvas = nullptr);
WrittenReport write_report(ReportData& d, const std::string& path,
                           const std::optional<PdfPasswords>& passwords);

}  // namespace curcrunch::report
