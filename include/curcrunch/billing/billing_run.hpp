#pragma once
// `curcrunch billing run`: bills every customer for one month and stores the result atomically.
// Per customer: the bill (customer_bill.hpp), its status (period_status.hpp), and what happens
// to the stored invoice of the month:
// - none yet: stored as version 1 (draft or final);
// - a draft: replaced (lines, totals, status, customer and seller) in the run's transaction;
//   the run says what changed, line by line; one with the same bill and header is kept, and
//   drawn again from the run's configuration;
// - final and unchanged: kept, and its files left as issued (a missing one is drawn again);
//   a header the configuration no longer gives is a warning; final and changed: refused
//   (Error(usage), nothing written) unless `reissue`, which supersedes it with the next
//   version and a credit note for the difference (credit_note.hpp).
// Drafts of customers the run no longer bills are removed. The margin rows of the month are
// replaced. Files (per invoice a PDF, CSV and JSON; the margin report as CSV and JSON) are
// rendered before the store is written and moved into place after it is.
#include <string>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/cost_reader.hpp"
#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/billing/margin_report.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::report {
class SigningKey;
}

namespace curcrunch::billing {

struct BillingRunOptions {
    Period period = 0;
    std::string out_dir;  // "": no files
    bool reissue = false;
    const report::SigningKey* signer = nullptr;  // signs the invoice PDFs when set
};

struct BillingRunResult {
    int64_t run_id = 0;
    std::vector<std::string> changes;   // what the run did, one line per invoice (+ details)
    std::vector<std::string> warnings;  // configuration warnings, missing AWS data
    std::vector<std::string> files;
    std::vector<InvoiceDocument> documents;  // the month's current invoices and new credit notes
    std::vector<MarginLine> margin;
    std::vector<store::UnitCoverage> units;  // the month's AWS cost units, by payer
};

BillingRunResult run_billing(store::Database& db, const BillingConfig& c,
                             const BillingRunOptions& o);

// Account ids the store has costs for (for config warnings).
std::vector<std::string> known_accounts(store::Database& db);

// Each (account, month, currency) the store has costs for (for `billing check --db`).
std::vector<StoreCurrency> store_currencies(store::Database& db);

// Each (account, service, pricing unit) the store has line items of (for `billing check --db`
// with a tiering rule limited to a unit).
std::vector<StoreUnit> store_units(store::Database& db);

}  // namespace curcrunch::billing
