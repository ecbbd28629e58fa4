// Schema block BILLING (issue 14, kBillingSchemaVersion in schema_billing.hpp): usage
// measurements (uids, daily rollups), billing runs, customer invoices and their lines, the
// margin of each run. It creates only new tables, so its version number can change without
// changing its text.
#include "curcrunch/store/schema_billing.hpp"

namespace curcrunch::store {
namespace {

// Invariants of the billing tables:
// - meter_uid_bucket holds every measurement ever accepted, by its uid: 28 bytes each (two
//   independent stable 64-bit hashes of the uid, the stable hash of its content — account,
//   meter, instant and values — and the ingest that brought it; billing/uid_index.hpp), sorted
//   within the bucket given by the top 12 bits of the first hash. No two entries have the same
//   pair of uid hashes. A repeated uid with the same content is a duplicate (ignored), with
//   another content a conflict (refused).
// - meter_daily, meter_events and meter_distinct are exactly the daily aggregation of the
//   measurements in meter_uid_bucket: an ingest adds to all of them in one transaction, and
//   nothing else writes them. Amount columns as everywhere (10^-10 units); count aggregations
//   store count x 10^10 so every value column is an amount.
// - customer_invoice: per (customer, period) at most one row with status draft or final (the
//   current invoice). A re-run replaces drafts (rows and lines) in one transaction; a final row
//   is never changed except to status 'superseded' by a --reissue, which in the same
//   transaction adds the next version and a credit note (kind credit_note, refers_to the
//   superseded invoice). Amounts are rounded to the currency's minor unit (money rules, man
//   page); total = subtotal + tax and subtotal = the sum of the lines' amounts.
// - customer_invoice_line rows belong to exactly one customer_invoice row (same transaction).
// - billing_run keeps the configuration text each run used, so an invoice can be recomputed.
// - billing_margin holds the margin rows of the latest run of each period (replaced with it).
// - customer_invoice_archive: one row per archive_document of kind 'customer_invoice' (an
//   invoice PDF given to import-pdf), written in the same transaction, holding the invoice
//   JSON the file embeds (validated, and equal to its Info CurcrunchInvoiceSha256) for audit;
//   archive_document.invoice_id is then the curcrunch invoice id.
const char* kBilling = R"SQL(
CREATE TABLE meter_ingest (
  id             INTEGER PRIMARY KEY,
  started_at     TEXT NOT NULL,
  finished_at    TEXT NOT NULL,
  tool_version   TEXT NOT NULL,
  config_sha256  TEXT NOT NULL,
  on_error       TEXT NOT NULL,          -- 'fail' or 'skip'
  sources        TEXT NOT NULL,          -- JSON array of {path, sha256, bytes}
  measurements   INTEGER NOT NULL,       -- new measurements stored
  duplicates     INTEGER NOT NULL,       -- repeated uids with the same content, ignored
  skipped        INTEGER NOT NULL        -- bad rows and conflicts skipped (--on-error=skip)
);

CREATE TABLE meter_uid_bucket (
  bucket     INTEGER PRIMARY KEY,        -- top 12 bits of the uid's first hash
  entries    INTEGER NOT NULL,
  keys       BLOB NOT NULL               -- entries x 28 bytes, sorted (billing/uid_index.hpp)
);

CREATE TABLE meter_daily (
  account      TEXT NOT NULL,            -- usage account (subscriptions)
  meter        TEXT NOT NULL,
  aggregation  TEXT NOT NULL,
  day          INTEGER NOT NULL,         -- yyyymmdd (UTC)
  value        NOT NULL,                 -- amount: sum, count x 10^10, max, latest value,
                                         -- unique_count: that day's distinct values x 10^10
  latest_at    INTEGER NOT NULL,         -- latest: microseconds since 1970 of `value`, else 0
  latest_uid   TEXT NOT NULL,            -- latest: its uid (ties go to the greater uid)
  PRIMARY KEY (account, meter, aggregation, day)
) WITHOUT ROWID;

CREATE TABLE meter_events (
  account  TEXT NOT NULL,
  meter    TEXT NOT NULL,
  day      INTEGER NOT NULL,
  events   INTEGER NOT NULL,             -- measurements that day
  PRIMARY KEY (account, meter, day)
) WITHOUT ROWID;

CREATE TABLE meter_distinct (
  account      TEXT NOT NULL,
  meter        TEXT NOT NULL,
  aggregation  TEXT NOT NULL,
  day          INTEGER NOT NULL,
  vals         BLOB NOT NULL,            -- the distinct values seen that day: canonical texts,
                                         -- sorted, each preceded by its length (u32 LE)
  PRIMARY KEY (account, meter, aggregation, day)
) WITHOUT ROWID;

CREATE TABLE billing_run (
  id             INTEGER PRIMARY KEY,
  period         INTEGER NOT NULL,       -- yyyymm
  started_at     TEXT NOT NULL,
  tool_version   TEXT NOT NULL,
  config_sha256  TEXT NOT NULL,
  config         TEXT NOT NULL,          -- the configuration file's text
  reissue        INTEGER NOT NULL,
  changes        TEXT NOT NULL           -- what the run changed, one line per invoice
);

CREATE TABLE customer_invoice (
  invoice_id     TEXT PRIMARY KEY,       -- <customer>-<yyyymm>[-v<N>], credit notes -CN<N>
  customer       TEXT NOT NULL,
  period         INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  kind           TEXT NOT NULL,          -- invoice, credit_note
  status         TEXT NOT NULL,          -- draft, final, superseded
  refers_to      TEXT NOT NULL,          -- credit note: the superseded invoice; '' otherwise
  currency       TEXT NOT NULL,
  subtotal       NOT NULL,
  tax            NOT NULL,
  total          NOT NULL,
  tax_rate       TEXT NOT NULL,          -- percent, as configured
  issued_at      TEXT NOT NULL,
  run_id         INTEGER NOT NULL REFERENCES billing_run(id),
  aws_invoices   TEXT NOT NULL,          -- the AWS invoice ids that made the period final
  lines_sha256   TEXT NOT NULL,
  document       TEXT NOT NULL           -- the invoice JSON, as embedded in its PDF
) WITHOUT ROWID;
CREATE INDEX customer_invoice_period ON customer_invoice(period, customer);

CREATE TABLE customer_invoice_line (
  invoice_id     TEXT NOT NULL REFERENCES customer_invoice(invoice_id),
  line_no        INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  billing_group  TEXT NOT NULL,
  account        TEXT NOT NULL,
  service        TEXT NOT NULL,
  description    TEXT NOT NULL,
  quantity       TEXT NOT NULL,          -- exact decimal text, '' when none
  unit           TEXT NOT NULL,
  rate           TEXT NOT NULL,          -- how the amount was priced, in words
  exact          TEXT NOT NULL,          -- the exact amount before rounding
  amount         NOT NULL,               -- rounded to the currency's minor unit
  PRIMARY KEY (invoice_id, line_no)
) WITHOUT ROWID;

CREATE TABLE billing_margin (
  period         INTEGER NOT NULL,
  customer       TEXT NOT NULL,
  billing_group  TEXT NOT NULL,
  service        TEXT NOT NULL,
  account        TEXT NOT NULL,
  currency       TEXT NOT NULL,          -- the customer's
  cost           NOT NULL,               -- AWS cost by the configured measure, converted
  billed         NOT NULL,
  PRIMARY KEY (period, customer, billing_group, service, account)
) WITHOUT ROWID;

CREATE TABLE customer_invoice_archive (
  sha256         TEXT PRIMARY KEY REFERENCES archive_document(sha256),
  invoice_id     TEXT NOT NULL,          -- as the file says (it may be unknown to this store)
  document       TEXT NOT NULL           -- the embedded curcrunch-invoice.json
) WITHOUT ROWID;
CREATE INDEX customer_invoice_archive_id ON customer_invoice_archive(invoice_id);
)SQL";

}  // namespace

void create_billing_tables(Database& db) {
    db.exec(kBilling);
}

}  // namespace curcrunch::store
