#pragma once
// What `fetch` stores besides CUR rollups (schema v2, see store/schema.cpp for the invariants):
// Organizations accounts, invoices and their archived documents, Cost Explorer costs, payment
// instruments and fetch runs; and the invoice listing `invoices` prints (accounts are read
// through store/account_directory.hpp).
#include <map>
#include <string>
#include <vector>

#include "curcrunch/aws/cost_explorer.hpp"
#include "curcrunch/aws/invoicing.hpp"
#include "curcrunch/aws/org_tree.hpp"
#include "curcrunch/aws/organizations.hpp"
#include "curcrunch/aws/payments.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

// Each of these writes in one transaction.
// An account's updated_at moves only when one of its fields changed. `placements` holds the OU
// paths this run read, by account id; an account missing from it keeps the stored one.
void put_accounts(Database& db, const std::string& profile,
                  const std::vector<aws::OrgAccount>& accounts,
                  const std::map<std::string, aws::OrgPlacement>& placements = {});
void put_invoices(Database& db, const std::string& profile,
                  const std::vector<aws::InvoiceSummary>& invoices,
                  const std::string& payment_method);
void put_invoice_document(Database& db, const std::string& invoice_id,
                          const aws::InvoiceDocumentLink& doc, const std::string& path,
                          const std::string& sha256, int64_t bytes);
// The sha256 recorded for a document, "" when none.
std::string invoice_document_sha256(Database& db, const std::string& invoice_id,
                                    const std::string& document_id);
struct StoredDocument {
    std::string document_id, path, sha256;
};
std::vector<StoredDocument> invoice_documents(Database& db, const std::string& invoice_id);
// Replaces the profile's `granularity` rows with start days in [from, to].
void replace_ce_costs(Database& db, const std::string& profile, aws::CeGranularity g, Day from,
                      Day to, const std::vector<aws::CeCostRow>& rows);
void put_payment_instruments(Database& db, const std::string& profile,
                             const std::vector<aws::PaymentInstrument>& instruments);

struct FetchRunRecord {
    std::string started_at, outcome, profiles, problems;
    int periods_ingested = 0, periods_failed = 0, ce_requests = 0, retries = 0;
};
int64_t record_fetch_run(Database& db, const FetchRunRecord& r);

struct InvoiceRow {
    std::string invoice_id, payer_profile, account_id, period, invoice_type, issued_at, due_at,
        base_currency, payment_currency, payment_method;
    Amount base_total = 0, base_taxes = 0, base_discounts = 0, payment_total = 0;
    int documents = 0;
};
std::vector<InvoiceRow> list_invoices(Database& db);

}  // namespace curcrunch::store
