#pragma once
// Invoice PDFs given back to `import-pdf`: recognised by their curcrunch-invoice.json
// attachment and archived as kind customer_invoice, with that JSON kept for `audit`
// (invoice_audit.hpp). A file is refused as edited when its JSON is not a valid invoice
// document (parse_invoice_json: the lines must add up under the money rules), when Info
// CurcrunchInvoiceSha256 is not the JSON's sha256 or CurcrunchInvoiceId not its id, when the
// pages do not show what the JSON's pages_sha256 recorded (version 2), or when the archive
// already holds that invoice id with another JSON (altered). An invoice the store
// does not know is archived all the same (an invoice of another store); audit says so.
#include "curcrunch/report/pdf_import.hpp"

namespace curcrunch::billing {

inline constexpr const char* kArchivedInvoiceKind = "customer_invoice";

report::ArchivedDocumentKind invoice_archive_kind();

// Whether the file at `path` (a .pdf, .json or .csv in `billing run`'s --out) is the issued
// document of a final invoice whose stored JSON is `issued_json`: "" when it is, else why not
// (a draft of the same id left in the folder, an edited or damaged file). The JSON must be the
// stored document byte for byte and the CSV the stored invoice's CSV. A PDF is the issued one
// when it embeds the stored document (Info CurcrunchInvoiceSha256 agreeing), shows the pages
// that document recorded, has no annotation curcrunch does not write, and, when signed, its
// signature is intact and nothing appended after it changed what it shows: whether or not it
// was signed, and by whom, since signing adds to the file but not to the document.
std::string issued_file_mismatch(const std::string& path, const std::string& issued_json);

}  // namespace curcrunch::billing
