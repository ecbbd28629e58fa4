#pragma once
// An invoice's files: the PDF (report pipeline: libharu with the embedded DejaVu fonts, then
// qpdf with the Info dictionary and the invoice JSON embedded as curcrunch-invoice.json, so
// import-pdf can read it back and audit check it), the CSV of its lines and its JSON document.
// Each is written to a temporary name, synced and renamed into place (billing_run.cpp).
#include <string>

#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/chart/text_metrics.hpp"

namespace curcrunch::report {
class SigningKey;
}

namespace curcrunch::billing {

// Money as invoices print it: "1,234.50 USD" (exactly the currency's minor digits).
std::string invoice_money(Amount v, const Invoice& inv);

// Many invoices at once (a billing run): one layout, fonts embedded once per file, files
// finished in parallel; each document gets its pages_sha256 and `json` its JSON document. The
// pointers must stay valid for the call.
struct InvoicePdf {
    InvoiceDocument* document;
    std::string* json;
    std::string path;
    const report::SigningKey* signer = nullptr;
};
void write_invoice_pdfs(const std::vector<InvoicePdf>& batch, const chart::TextMetrics& metrics);
std::string invoice_csv(const Invoice& inv);  // the CSV file's text
void write_invoice_csv(const Invoice& inv, const std::string& path);
// One CSV field (RFC 4180 quoting; text starting with = + - @ gets a leading apostrophe unless
// `number`, so a spreadsheet never runs it as a formula).
std::string csv_cell(const std::string& v, bool number);
// Writes `text` to `path`, a temporary name. The caller syncs its files (all at once:
// sync_files), renames them into place once the store has recorded them, and syncs the folder
// once every name is final (core/durable_file.hpp).
void write_text_file(const std::string& text, const std::string& path);

}  // namespace curcrunch::billing
