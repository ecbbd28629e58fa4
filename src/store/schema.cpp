// The store's schema, in one place. Version history:
//   1  dim dictionary; rollups cost_daily / line_item_daily / tag_daily; billing_period; ingest
//      records; *_named views.
//   2  what `fetch` brings besides CUR files: Organizations accounts, invoices and their
//      documents, Cost Explorer costs, payment instruments, and a record of every fetch run.
//   3  the PDF archive: every imported PDF (reports and invoices), and for curcrunch reports
//      their metadata and stated totals, which audit checks against the rollups.
//   4  fetched_file: which S3 object (path in the fetch cache, ETag, size) each CUR file an
//      ingest by `fetch` read was, so a re-run recognises unchanged periods wherever the store
//      and the cache have moved to.
//   5  the tamper-evident archive: every report this store wrote (id, file sha256, data
//      fingerprint, every printed figure), and each archived document's signature status.
//   6  the unit of replacement is (payer, billing period): billing_period keyed by both, payer
//      on every rollup grain, per-unit coverage (data-through day, invoice ids), ingest_unit and
//      ingest_source_unit; cost_daily gains billing_entity, commitment_owner, net_amortized;
//      line_item_daily and tag_daily gain every measure; dim gains reference counts and never
//      reuses an id (schema_v6.cpp holds the tables and the upgrade).
//   7  where each Organizations account sits: its OU path (names and ids, from the root).
//   8  shard_run: the record of a shard store's unit of work and of every shard merged into a
//      store (schema_shards.cpp holds the table and its invariants).
//   9  BILLING (issue 14; kBillingSchemaVersion, schema_billing.cpp): usage measurements,
//      billing runs, customer invoices and their lines, the margin of each run.
//  10  ingest_source: the identity of each file (device, inode, modification time; file_bytes
//      is its size) and where its sha256 came from, so an unchanged file is not hashed again.
//
// Conventions kept by every table:
// - Amount columns (costs and usage quantities) hold exact integers in units of 10^-10
//   (core/money.hpp, kScale). A value that does not fit 64 bits is stored as the text of the
//   same integer; such columns are declared without a type so SQLite's affinity never turns
//   that text into a REAL. Sum them with money_sum(), never SUM()/TOTAL().
// - Days are INTEGER yyyymmdd (UTC), periods INTEGER yyyymm.
// - Every dimension string (account ids, product codes, descriptions, tag keys and values) is
//   stored once in dim and referenced by id, so rollup rows stay small. Account ids are text
//   there (leading zeros are significant). A dim row's value never changes and its id is never
//   given to another string (AUTOINCREMENT), so a cached id -> string stays right.
#include "curcrunch/store/schema.hpp"

#include "curcrunch/core/error.hpp"
#include "curcrunch/store/schema_shards.hpp"
#include "curcrunch/store/schema_v6.hpp"

namespace curcrunch::store {
namespace {

const char* kV1 = R"SQL(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE ingest (
  id            INTEGER PRIMARY KEY,
  started_at    TEXT NOT NULL,
  finished_at   TEXT NOT NULL,
  tool_version  TEXT NOT NULL,
  on_error      TEXT NOT NULL,          -- 'fail' or 'skip'
  periods       TEXT NOT NULL,          -- comma-separated YYYY-MM replaced by this ingest
  rows          INTEGER NOT NULL,
  skipped_rows  INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,       -- decompressed bytes read
  seconds       REAL NOT NULL           -- wall time (a duration, not money)
);

CREATE TABLE ingest_source (
  ingest_id     INTEGER NOT NULL REFERENCES ingest(id),
  path          TEXT NOT NULL,
  member        TEXT NOT NULL,          -- zip member, '' otherwise
  sha256        TEXT NOT NULL,          -- of the file on disk
  file_bytes    INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,
  compression   TEXT NOT NULL,
  dialect       TEXT NOT NULL,
  manifest      TEXT NOT NULL,
  assembly_id   TEXT NOT NULL,
  period        TEXT NOT NULL,          -- manifest period, '' when taken from rows
  rows          INTEGER NOT NULL,
  skipped_rows  INTEGER NOT NULL
);
CREATE INDEX ingest_source_ingest ON ingest_source(ingest_id);

-- Rows skipped under --on-error=skip (the first 100 per ingest; ingest.skipped_rows has all).
CREATE TABLE ingest_problem (
  ingest_id     INTEGER NOT NULL REFERENCES ingest(id),
  source        TEXT NOT NULL,
  line          INTEGER NOT NULL,
  column_name   TEXT NOT NULL,
  message       TEXT NOT NULL
);

CREATE TABLE billing_period (
  period        INTEGER PRIMARY KEY,    -- yyyymm
  ingest_id     INTEGER NOT NULL REFERENCES ingest(id),
  replaced_at   TEXT NOT NULL,
  manifest      TEXT NOT NULL,
  assembly_id   TEXT NOT NULL,
  rows          INTEGER NOT NULL,
  min_day       INTEGER NOT NULL,       -- yyyymmdd bounds of the period's rollup rows
  max_day       INTEGER NOT NULL,
  unblended                             -- amount
);

CREATE TABLE dim (
  id     INTEGER PRIMARY KEY,
  value  TEXT NOT NULL UNIQUE
);

CREATE TABLE cost_daily (
  period            INTEGER NOT NULL,
  day               INTEGER NOT NULL,
  payer_account     INTEGER NOT NULL,   -- dim ids from here to currency
  usage_account     INTEGER NOT NULL,
  product_code      INTEGER NOT NULL,
  product_name      INTEGER NOT NULL,
  usage_type        INTEGER NOT NULL,
  operation         INTEGER NOT NULL,
  region            INTEGER NOT NULL,
  line_item_type    INTEGER NOT NULL,
  pricing_term      INTEGER NOT NULL,
  currency          INTEGER NOT NULL,
  unblended         NOT NULL,
  blended           NOT NULL,
  net_unblended     NOT NULL,
  amortized         NOT NULL,
  public_on_demand  NOT NULL,
  usage_amount      NOT NULL,
  tagged_unblended  NOT NULL,           -- unblended cost of rows with at least one user tag
  row_count         INTEGER NOT NULL
);
CREATE INDEX cost_daily_day ON cost_daily(day);

CREATE TABLE line_item_daily (
  period          INTEGER NOT NULL,
  day             INTEGER NOT NULL,
  usage_account   INTEGER NOT NULL,     -- dim ids from here to currency
  product_code    INTEGER NOT NULL,
  usage_type      INTEGER NOT NULL,
  line_item_type  INTEGER NOT NULL,
  description     INTEGER NOT NULL,
  unit            INTEGER NOT NULL,
  currency        INTEGER NOT NULL,
  unblended       NOT NULL,
  amortized       NOT NULL,
  usage_amount    NOT NULL,
  row_count       INTEGER NOT NULL
);
CREATE INDEX line_item_daily_day ON line_item_daily(day);

CREATE TABLE tag_daily (
  period          INTEGER NOT NULL,
  day             INTEGER NOT NULL,
  usage_account   INTEGER NOT NULL,     -- dim ids from here to currency
  product_code    INTEGER NOT NULL,
  tag_key         INTEGER NOT NULL,     -- normalized (ingest/schema.hpp normalize_tag_key)
  tag_value       INTEGER NOT NULL,
  currency        INTEGER NOT NULL,
  unblended       NOT NULL,
  amortized       NOT NULL,
  row_count       INTEGER NOT NULL
);
CREATE INDEX tag_daily_day ON tag_daily(day);

-- The same rollups with names instead of dim ids, for people querying with sqlite3.
CREATE VIEW cost_daily_named AS
SELECT c.period, c.day, d1.value AS payer_account, d2.value AS usage_account,
       d3.value AS product_code, d4.value AS product_name, d5.value AS usage_type,
       d6.value AS operation, d7.value AS region, d8.value AS line_item_type,
       d9.value AS pricing_term, d10.value AS currency, c.unblended, c.blended, c.net_unblended,
       c.amortized, c.public_on_demand, c.usage_amount, c.tagged_unblended, c.row_count
FROM cost_daily c
JOIN dim d1 ON d1.id = c.payer_account JOIN dim d2 ON d2.id = c.usage_account
JOIN dim d3 ON d3.id = c.product_code JOIN dim d4 ON d4.id = c.product_name
JOIN dim d5 ON d5.id = c.usage_type JOIN dim d6 ON d6.id = c.operation
JOIN dim d7 ON d7.id = c.region JOIN dim d8 ON d8.id = c.line_item_type
JOIN dim d9 ON d9.id = c.pricing_term JOIN dim d10 ON d10.id = c.currency;

CREATE VIEW line_item_daily_named AS
SELECT l.period, l.day, d1.value AS usage_account, d2.value AS product_code,
       d3.value AS usage_type, d4.value AS line_item_type, d5.value AS description,
       d6.value AS unit, d7.value AS currency, l.unblended, l.amortized, l.usage_amount, l.row_count
FROM line_item_daily l
JOIN dim d1 ON d1.id = l.usage_account JOIN dim d2 ON d2.id = l.product_code
JOIN dim d3 ON d3.id = l.usage_type JOIN dim d4 ON d4.id = l.line_item_type
JOIN dim d5 ON d5.id = l.description JOIN dim d6 ON d6.id = l.unit
JOIN dim d7 ON d7.id = l.currency;

CREATE VIEW tag_daily_named AS
SELECT t.period, t.day, d1.value AS usage_account, d2.value AS product_code,
       d3.value AS tag_key, d4.value AS tag_value, d5.value AS currency, t.unblended,
       t.amortized, t.row_count
FROM tag_daily t
JOIN dim d1 ON d1.id = t.usage_account JOIN dim d2 ON d2.id = t.product_code
JOIN dim d3 ON d3.id = t.tag_key JOIN dim d4 ON d4.id = t.tag_value
JOIN dim d5 ON d5.id = t.currency;
)SQL";

// Invariants of version 2:
// - account rows are replaced by each successful ListAccounts of their payer profile; an
//   account that left the organisation keeps its last row (names of old costs stay known).
// - invoice rows are keyed by AWS's invoice id and overwritten when fetched again (AWS may
//   restate them); invoice_document rows point at files under the archive folder whose sha256
//   was checked when they were written.
// - ce_cost holds, per payer profile and granularity, exactly the result of the last fetch
//   that covered a day: a fetch deletes its [from, to] range and inserts what CE returned in
//   one transaction.
// - Email and account names are data, not secrets; no credential is ever stored.
const char* kV2 = R"SQL(
CREATE TABLE account (
  id             TEXT PRIMARY KEY,     -- 12 digits, text (leading zeros)
  name           TEXT NOT NULL,
  email          TEXT NOT NULL,
  state          TEXT NOT NULL,        -- ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, ...
  joined_method  TEXT NOT NULL,
  joined_at      TEXT NOT NULL,        -- ISO 8601 UTC, '' when unknown
  arn            TEXT NOT NULL,
  payer_profile  TEXT NOT NULL,
  updated_at     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE invoice (
  invoice_id             TEXT PRIMARY KEY,
  payer_profile          TEXT NOT NULL,
  account_id             TEXT NOT NULL,
  period                 INTEGER NOT NULL,   -- yyyymm billed
  invoice_type           TEXT NOT NULL,      -- INVOICE, CREDIT_MEMO, PAYMENT_RECEIPT
  bill_type              TEXT NOT NULL,
  frequency              TEXT NOT NULL,
  billing_entity         TEXT NOT NULL,
  invoicing_entity       TEXT NOT NULL,
  commercial_invoice_id  TEXT NOT NULL,
  original_invoice_id    TEXT NOT NULL,
  purchase_order         TEXT NOT NULL,
  issued_at              TEXT NOT NULL,
  due_at                 TEXT NOT NULL,
  base_currency          TEXT NOT NULL,
  base_total, base_before_tax, base_subtotal, base_discounts, base_taxes, base_fees,
  tax_currency           TEXT NOT NULL,
  tax_total, tax_taxes,
  tax_exchange_rate      TEXT NOT NULL,
  payment_currency       TEXT NOT NULL,
  payment_total, payment_before_tax, payment_taxes,
  payment_exchange_rate  TEXT NOT NULL,
  payment_method         TEXT NOT NULL,      -- from ListPaymentInstruments, '' when unknown
  fetched_at             TEXT NOT NULL
);
CREATE INDEX invoice_period ON invoice(period);

CREATE TABLE invoice_document (
  invoice_id   TEXT NOT NULL,
  document_id  TEXT NOT NULL,
  kind         TEXT NOT NULL,        -- INVOICE or the supplemental DocumentType
  path         TEXT NOT NULL,        -- under the archive folder
  sha256       TEXT NOT NULL,
  bytes        INTEGER NOT NULL,
  fetched_at   TEXT NOT NULL,
  PRIMARY KEY (invoice_id, document_id)
) WITHOUT ROWID;

CREATE TABLE ce_cost (
  payer_profile  TEXT NOT NULL,
  granularity    TEXT NOT NULL,      -- MONTHLY or DAILY
  start_day      INTEGER NOT NULL,   -- yyyymmdd
  account        TEXT NOT NULL,
  service        TEXT NOT NULL,
  unit           TEXT NOT NULL,
  amount         NOT NULL,
  estimated      INTEGER NOT NULL,
  fetched_at     TEXT NOT NULL,
  PRIMARY KEY (payer_profile, granularity, start_day, account, service)
) WITHOUT ROWID;

CREATE TABLE payment_instrument (
  payer_profile  TEXT NOT NULL,
  id             TEXT NOT NULL,
  arn            TEXT NOT NULL,
  method         TEXT NOT NULL,
  status         TEXT NOT NULL,
  fetched_at     TEXT NOT NULL,
  PRIMARY KEY (payer_profile, id)
) WITHOUT ROWID;

CREATE TABLE fetch_run (
  id                INTEGER PRIMARY KEY,
  started_at        TEXT NOT NULL,
  finished_at       TEXT NOT NULL,
  outcome           TEXT NOT NULL,     -- ok, partial, failed
  profiles          TEXT NOT NULL,
  periods_ingested  INTEGER NOT NULL,
  periods_failed    INTEGER NOT NULL,
  ce_requests       INTEGER NOT NULL,
  retries           INTEGER NOT NULL,
  problems          TEXT NOT NULL      -- one line per failed part; never a secret
);
)SQL";

// Invariants of version 3:
// - archive_document is keyed by the file's sha256: importing the same bytes again changes
//   nothing. A file is recorded with everything derived from it in one transaction.
// - report rows exist only for archive documents of kind 'report' whose embedded JSON passed
//   validation; report_total holds exactly the totals that JSON states (amounts as in v1).
const char* kV3 = R"SQL(
CREATE TABLE archive_document (
  sha256        TEXT PRIMARY KEY,
  path          TEXT NOT NULL,        -- where it was imported from
  bytes         INTEGER NOT NULL,
  pages         INTEGER NOT NULL,
  kind          TEXT NOT NULL,        -- report, invoice, pdf
  title         TEXT NOT NULL,
  info          TEXT NOT NULL,        -- the Info dictionary as a JSON object
  attachments   TEXT NOT NULL,        -- JSON array of {name, size, mime}
  encrypted     INTEGER NOT NULL,
  report_id     TEXT NOT NULL,        -- '' unless kind = report
  invoice_id    TEXT NOT NULL,        -- '' unless linked to an invoice
  imported_at   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE report (
  report_id     TEXT PRIMARY KEY,
  sha256        TEXT NOT NULL REFERENCES archive_document(sha256),
  generated_at  TEXT NOT NULL,
  tool_version  TEXT NOT NULL,
  from_day      INTEGER NOT NULL,     -- yyyymmdd
  to_day        INTEGER NOT NULL,
  accounts      TEXT NOT NULL,        -- JSON arrays of the filters
  services      TEXT NOT NULL,
  currency      TEXT NOT NULL,
  total         NOT NULL,
  fingerprint   TEXT NOT NULL,
  metadata      TEXT NOT NULL         -- the embedded JSON as found
) WITHOUT ROWID;

CREATE TABLE report_total (
  report_id  TEXT NOT NULL REFERENCES report(report_id),
  kind       TEXT NOT NULL,           -- month, service, account
  key        TEXT NOT NULL,
  amount     NOT NULL,
  PRIMARY KEY (report_id, kind, key)
) WITHOUT ROWID;
)SQL";

// Invariants of version 4:
// - fetched_file rows belong to an ingest made by `fetch` and describe exactly the CUR data
//   files that ingest read: `path` is relative to the fetch cache root
//   (<profile>/<bucket>/<object key>), never absolute, so moving the store together with its
//   cache keeps the rows true. A profile's period whose files have the same (path, etag,
//   bytes) set as the rows under <profile>/ of the one ingest behind the period's units that
//   read them (billing_period.ingest_id; from v6 one row per payer) is unchanged.
const char* kV4 = R"SQL(
CREATE TABLE fetched_file (
  ingest_id  INTEGER NOT NULL REFERENCES ingest(id),
  path       TEXT NOT NULL,           -- relative to the fetch cache root
  etag       TEXT NOT NULL,           -- S3 ETag, with its quotes, as listed
  bytes      INTEGER NOT NULL,
  PRIMARY KEY (ingest_id, path)
) WITHOUT ROWID;
)SQL";

// Invariants of version 5:
// - report_written has one row per report this store wrote (the `report` command, the
//   dashboard's PDF download), inserted before the file appears under its name; rows are never
//   updated or deleted. import-pdf refuses a file whose report id is here with another sha256
//   ("altered").
// - report rows are never replaced: a second file with a known report id is either the same
//   bytes (already imported) or refused as altered.
// - archive_document.signature is the outcome of verifying the file's PDF signature at import:
//   'unsigned', 'valid' (intact and chained to the trust file given), or 'untrusted' (intact,
//   but its certificate was not verified against a trust file). Files with a broken signature
//   are never stored.
const char* kV5 = R"SQL(
CREATE TABLE report_written (
  report_id     TEXT PRIMARY KEY,
  sha256        TEXT NOT NULL,        -- of the finished file, after encryption and signing
  bytes         INTEGER NOT NULL,
  path          TEXT NOT NULL,        -- where it was written ('' for a download)
  generated_at  TEXT NOT NULL,
  from_day      INTEGER NOT NULL,     -- yyyymmdd
  to_day        INTEGER NOT NULL,
  accounts      TEXT NOT NULL,        -- JSON arrays of the filters
  services      TEXT NOT NULL,
  currency      TEXT NOT NULL,
  total         NOT NULL,             -- amount
  fingerprint   TEXT NOT NULL,
  signer        TEXT NOT NULL,        -- subject of the signing certificate, '' when unsigned
  metadata      TEXT NOT NULL         -- the embedded JSON: every table and figure printed
) WITHOUT ROWID;

ALTER TABLE archive_document ADD COLUMN signature TEXT NOT NULL DEFAULT 'unsigned';
ALTER TABLE archive_document ADD COLUMN signer TEXT NOT NULL DEFAULT '';
-- Why a document is what it is, e.g. that a PDF is not a curcrunch report, or why its
-- signature is untrusted.
ALTER TABLE archive_document ADD COLUMN note TEXT NOT NULL DEFAULT '';
)SQL";

// Invariants of version 6 (the tables and the upgrade from older stores are in schema_v6.cpp):
// - dim.refs is exactly the number of rollup cells (row x dim column of cost_daily,
//   line_item_daily, tag_daily; dim_refs.cpp rollup_tables()) holding the id, and no dim row
//   has refs = 0 once a transaction commits: the strings of replaced rows are deleted in the
//   transaction that replaces them (DimRefs), `vacuum` recounts from scratch.
// - A unit is a (payer, period) pair. Every rollup row belongs to the unit (dim value of its
//   payer_account, its period) listed in billing_period; its day lies within that unit's
//   [min_day, max_day]; and a unit's rows all come from the unit's latest ingest
//   (billing_period.ingest_id). Store::replace_periods keeps this by deleting and inserting a
//   unit's rows, in all three rollups, in the same transaction that updates its billing_period
//   row; units not in the ingest are not touched (byte-identical rows). A file whose rows name
//   several payers replaces each of their units. merge (unit_copy.cpp) replaces a shard's units
//   the same way, through the same delete_unit_rows and DimRefs, one unit per transaction.
// - billing_period.max_day is the data-through day of the unit's latest delivery; invoice_ids
//   are the distinct non-empty invoice ids its rows carry, at most ingest::kMaxInvoiceIds (100)
//   of them (AWS leaves them blank until the bill is final), invoice_column says whether its files
//   had the column at all; origin is 'upgraded' for units carried over from an older store
//   (coverage.hpp derives the final / accruing / unknown status from these and the invoice table).
// - ingest_unit holds every unit each ingest replaced; ingest_source_unit the units (and rows)
//   each source file fed; both are written with the ingest, never changed.

// Invariants of version 7:
// - account.ou_path / ou_ids describe the account's place in its organisation as of the last
//   fetch that could read it (ListParents / DescribeOrganizationalUnit): ou_ids holds the ids
//   from the root down joined with '/', ou_path the names joined with " / " ("Root / A / B",
//   the root being called "Root"). Both are '' until a fetch has read them; a fetch that
//   cannot read them (AccessDenied, a failure) leaves them as they were.
// - updated_at still moves only when one of the account's columns changes, these included.
const char* kV7 = R"SQL(
ALTER TABLE account ADD COLUMN ou_path TEXT NOT NULL DEFAULT '';
ALTER TABLE account ADD COLUMN ou_ids TEXT NOT NULL DEFAULT '';
)SQL";

// Invariants of version 10:
// - file_dev, file_ino, file_mtime_ns (with file_bytes) are the file's stat() when the ingest
//   opened it; all 0 for rows written before version 10 or when stat failed. An ingest reuses
//   the sha256 of the latest row with the same path and the same four values instead of hashing
//   the file (unless --verify); it then records sha256_origin 'recorded', else 'read'. A fetch
//   that downloaded the file in the same run records the digest its download computed while
//   writing it, 'download' (the identity the file had when the download closed it still holds).
const char* kV10 = R"SQL(
ALTER TABLE ingest_source ADD COLUMN file_dev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ingest_source ADD COLUMN file_ino INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ingest_source ADD COLUMN file_mtime_ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ingest_source ADD COLUMN sha256_origin TEXT NOT NULL DEFAULT 'read';
CREATE INDEX ingest_source_path ON ingest_source(path);
)SQL";

}  // namespace

int schema_version(Database& db) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
    st.step();
    if (st.column_int(0) == 0) return 0;
    auto v = db.prepare("SELECT value FROM meta WHERE key='schema_version'");
    if (!v.step()) return 0;
    // Small positive integers only; anything else is not a store this code wrote.
    const std::string text = v.column_text(0);
    int version = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || version > 100000)
            throw_store(db.path() +
                        " is not a curcrunch store (its schema_version is not a number)");
        version = version * 10 + (c - '0');
    }
    if (text.empty()) throw_store(db.path() + " is not a curcrunch store (empty schema_version)");
    return version;
}

namespace {

// Every migration step from version `v` to kSchemaVersion, in order.
void run_steps(Database& db, int v) {
    if (v < 1) db.exec(kV1);
    if (v < 2) db.exec(kV2);
    if (v < 3) db.exec(kV3);
    if (v < 4) db.exec(kV4);
    if (v < 5) db.exec(kV5);
    if (v < 6) upgrade_to_v6(db);
    if (v < 7) db.exec(kV7);
    if (v < kShardsSchemaVersion) create_shard_tables(db);
    if (v < kBillingSchemaVersion) create_billing_tables(db);  // BILLING MIGRATION
    if (v < kSourceIdentitySchemaVersion) db.exec(kV10);
    // Later versions: `if (v < 11) ...` and so on, each an in-place upgrade; then regenerate
    // kFreshStoreSql (schema_fresh.cpp says how).
}

// Runs the steps (or, for a new store, `fresh` instead of them when given) in one transaction.
void migrate_with(Database& db, const char* fresh) {
    int v = schema_version(db);
    if (v > kSchemaVersion)
        throw_store(db.path() + ": written by a newer curcrunch (schema " + std::to_string(v) +
                    ", this build knows up to " + std::to_string(kSchemaVersion) + ")");
    if (v == kSchemaVersion) return;
    Transaction tx(db);
    if (v == 0 && fresh)
        db.exec(fresh);
    else
        run_steps(db, v);
    db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '" +
            std::to_string(kSchemaVersion) + "')");
    tx.commit();
}

}  // namespace

// A new store is created from kFreshStoreSql, the schema the steps end at, in one pass: the
// steps rebuild tables and rename them (schema 6), and every rename makes SQLite parse the
// whole schema again, so the steps took about 40 ms, in front of every first ingest.
void migrate(Database& db) {
    migrate_with(db, kFreshStoreSql);
}

void migrate_by_steps(Database& db) {
    migrate_with(db, nullptr);
}

}  // namespace curcrunch::store
