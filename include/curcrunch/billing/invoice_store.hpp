#pragma once
// Customer invoices in the store (BILLING block of store/schema.cpp, with its invariants):
// billing runs, invoices with their lines and JSON document, and each period's margin cells.
// Writers run inside the caller's transaction (billing_run.cpp keeps a run atomic).
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/billing/customer_bill.hpp"
#include "curcrunch/billing/invoice.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct StoredInvoice {
    std::string invoice_id, customer, kind, status, refers_to, currency, tax_rate, issued_at,
        aws_invoices, content_sha256, document;
    Period period = 0;
    int version = 1;
    int64_t run_id = 0;
    Amount subtotal = 0, tax = 0, total = 0;
};

// The current invoice (draft or final, kind invoice) of every customer for `period`.
std::vector<StoredInvoice> current_invoices(store::Database& db, Period period);
std::optional<StoredInvoice> stored_invoice(store::Database& db, const std::string& invoice_id);
// Every invoice and credit note of a period (all periods when 0), newest version last.
std::vector<StoredInvoice> list_customer_invoices(store::Database& db, Period period,
                                                  const std::string& customer);
// The lines as stored (amounts rounded; `exact` parsed back).
std::vector<InvoiceLine> stored_lines(store::Database& db, const std::string& invoice_id);

int64_t record_billing_run(store::Database& db, Period period, const std::string& config_sha256,
                           const std::string& config_text, bool reissue);
void set_run_changes(store::Database& db, int64_t run_id, const std::string& changes);
void insert_invoice(store::Database& db, const Invoice& inv, const std::string& document,
                    int64_t run_id);
// Deletes a draft and its lines (a final invoice is never deleted: Error(internal)).
void delete_draft(store::Database& db, const std::string& invoice_id);
void mark_superseded(store::Database& db, const std::string& invoice_id);
// Replaces an invoice's JSON document (the same bill with another pages digest).
void set_invoice_document(store::Database& db, const std::string& invoice_id,
                          const std::string& document);
struct MarginRow {
    std::string customer, group, service, account, currency;
    Amount cost = 0, billed = 0;
};
// Replaces every margin row of `period`.
void replace_margin(store::Database& db, Period period, const std::vector<MarginRow>& rows);
std::vector<MarginRow> stored_margin(store::Database& db, Period period);

}  // namespace curcrunch::billing
