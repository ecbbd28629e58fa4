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

}  // namespace curcrunch::billing
