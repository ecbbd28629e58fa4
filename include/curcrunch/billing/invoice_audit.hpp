#pragma once
// `audit` for invoice PDFs given back to import-pdf (invoice_archive.hpp): the invoice JSON
// each file embeds against the invoice of the same id in the store today, line by line (lines
// matched as credit notes match them, credit_note.hpp) and by subtotal, tax and total. A
// draft replaced by a re-run with other costs shows its changes here; a final invoice never
// changes (a reissue is a new version and a credit note), so its archived copy stays clean.
// Amounts may move by the tolerance. An invoice the store does not hold is one "no data" cell.
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/report/audit.hpp"

namespace curcrunch::billing {

struct InvoiceAudit {
    std::string invoice_id, currency;
    Period period = 0;
    bool in_store = false;
    std::vector<report::AuditCell> differences;
};

// Every archived invoice (`invoice_id` empty) or that one.
std::vector<InvoiceAudit> audit_invoices(store::Database& db, const std::string& invoice_id,
                                         Amount tolerance);
bool is_archived_invoice(store::Database& db, const std::string& invoice_id);

}  // namespace curcrunch::billing
