// GENERATED from a store built by every migration step in turn (store::migrate_by_steps);
// do not edit. tests/store_fresh_schema_test.cpp checks it and says how to regenerate it.
#include "curcrunch/store/schema.hpp"

namespace curcrunch::store {

const char* const kFreshStoreSql = R"SQL(
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
CREATE TABLE ingest_problem (
  ingest_id     INTEGER NOT NULL REFERENCES ingest(id),
  source        TEXT NOT NULL,
  line          INTEGER NOT NULL,
  column_name   TEXT NOT NULL,
  message       TEXT NOT NULL
);
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
, ou_path TEXT NOT NULL DEFAULT '', ou_ids TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
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
, signature TEXT NOT NULL DEFAULT 'unsigned', signer TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
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
CREATE TABLE fetched_file (
  ingest_id  INTEGER NOT NULL REFERENCES ingest(id),
  path       TEXT NOT NULL,           -- relative to the fetch cache root
  etag       TEXT NOT NULL,           -- S3 ETag, with its quotes, as listed
  bytes      INTEGER NOT NULL,
  PRIMARY KEY (ingest_id, path)
) WITHOUT ROWID;
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
CREATE TABLE "dim" (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a cached id always means one string
  value  TEXT NOT NULL UNIQUE,
  refs   INTEGER NOT NULL DEFAULT 0           -- rollup cells holding this id (dim_refs.hpp)
);
CREATE TABLE "cost_daily" (
  period            INTEGER NOT NULL,
  day               INTEGER NOT NULL,
  payer_account     INTEGER NOT NULL,   -- dim ids from here to commitment_owner
  usage_account     INTEGER NOT NULL,
  product_code      INTEGER NOT NULL,
  product_name      INTEGER NOT NULL,
  usage_type        INTEGER NOT NULL,
  operation         INTEGER NOT NULL,
  region            INTEGER NOT NULL,
  line_item_type    INTEGER NOT NULL,
  pricing_term      INTEGER NOT NULL,
  currency          INTEGER NOT NULL,
  billing_entity    INTEGER NOT NULL,   -- 'AWS', 'AWS Marketplace', ...; '' when not in the file
  commitment_owner  INTEGER NOT NULL,   -- account of the Savings Plan / RI ARN; '' for none
  unblended         NOT NULL,
  blended           NOT NULL,
  net_unblended     NOT NULL,
  amortized         NOT NULL,
  net_amortized     NOT NULL,
  public_on_demand  NOT NULL,
  usage_amount      NOT NULL,
  tagged_unblended  NOT NULL,           -- unblended cost of rows with at least one user tag
  row_count         INTEGER NOT NULL
);
CREATE TABLE "line_item_daily" (
  period            INTEGER NOT NULL,
  day               INTEGER NOT NULL,
  payer_account     INTEGER NOT NULL,   -- dim ids from here to currency
  usage_account     INTEGER NOT NULL,
  product_code      INTEGER NOT NULL,
  usage_type        INTEGER NOT NULL,
  line_item_type    INTEGER NOT NULL,
  description       INTEGER NOT NULL,
  unit              INTEGER NOT NULL,
  currency          INTEGER NOT NULL,
  unblended         NOT NULL,
  blended           NOT NULL,
  net_unblended     NOT NULL,
  amortized         NOT NULL,
  net_amortized     NOT NULL,
  public_on_demand  NOT NULL,
  usage_amount      NOT NULL,
  row_count         INTEGER NOT NULL
);
CREATE TABLE "tag_daily" (
  period            INTEGER NOT NULL,
  day               INTEGER NOT NULL,
  payer_account     INTEGER NOT NULL,   -- dim ids from here to currency
  usage_account     INTEGER NOT NULL,
  product_code      INTEGER NOT NULL,
  tag_key           INTEGER NOT NULL,   -- normalized (ingest/schema.hpp normalize_tag_key)
  tag_value         INTEGER NOT NULL,
  currency          INTEGER NOT NULL,
  unblended         NOT NULL,
  blended           NOT NULL,
  net_unblended     NOT NULL,
  amortized         NOT NULL,
  net_amortized     NOT NULL,
  public_on_demand  NOT NULL,
  usage_amount      NOT NULL,
  row_count         INTEGER NOT NULL
);
CREATE TABLE "billing_period" (
  payer           TEXT NOT NULL,        -- payer account id, as in dim ('' when no row names one)
  period          INTEGER NOT NULL,     -- yyyymm
  ingest_id       INTEGER NOT NULL REFERENCES ingest(id),
  replaced_at     TEXT NOT NULL,
  manifest        TEXT NOT NULL,
  assembly_id     TEXT NOT NULL,
  rows            INTEGER NOT NULL,
  min_day         INTEGER NOT NULL,     -- yyyymmdd bounds of the unit's rollup rows; max_day is
  max_day         INTEGER NOT NULL,     -- the data-through day of the delivery
  unblended       NOT NULL,             -- amount
  invoice_ids     TEXT NOT NULL,        -- distinct non-empty invoice ids of the rows, sorted, ','
  invoice_column  INTEGER NOT NULL,     -- 1 when the delivery's files have an invoice id column
  origin          TEXT NOT NULL,        -- 'ingest', or 'upgraded' for a unit carried over by the upgrade
  PRIMARY KEY (payer, period)
) WITHOUT ROWID;
CREATE TABLE "ingest_source" (
  id            INTEGER PRIMARY KEY,
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
  account       TEXT NOT NULL,          -- the manifest's account, '' without one
  period        TEXT NOT NULL,          -- manifest period, '' when taken from rows
  rows          INTEGER NOT NULL,
  skipped_rows  INTEGER NOT NULL
, file_dev INTEGER NOT NULL DEFAULT 0, file_ino INTEGER NOT NULL DEFAULT 0, file_mtime_ns INTEGER NOT NULL DEFAULT 0, sha256_origin TEXT NOT NULL DEFAULT 'read');
CREATE INDEX cost_daily_day ON cost_daily(day, payer_account);
CREATE INDEX line_item_daily_day ON line_item_daily(day, payer_account);
CREATE INDEX tag_daily_day ON tag_daily(day, payer_account);
CREATE INDEX ingest_source_ingest ON ingest_source(ingest_id);
CREATE TABLE ingest_unit (
  ingest_id  INTEGER NOT NULL REFERENCES ingest(id),
  payer      TEXT NOT NULL,
  period     INTEGER NOT NULL,
  rows       INTEGER NOT NULL,
  max_day    INTEGER NOT NULL,
  unblended  NOT NULL,
  PRIMARY KEY (ingest_id, payer, period)
) WITHOUT ROWID;
CREATE TABLE ingest_source_unit (
  source_id  INTEGER NOT NULL REFERENCES ingest_source(id),
  payer      TEXT NOT NULL,
  period     INTEGER NOT NULL,
  rows       INTEGER NOT NULL,
  PRIMARY KEY (source_id, payer, period)
) WITHOUT ROWID;
CREATE VIEW cost_daily_named AS
SELECT c.period, c.day, d1.value AS payer_account, d2.value AS usage_account,
       d3.value AS product_code, d4.value AS product_name, d5.value AS usage_type,
       d6.value AS operation, d7.value AS region, d8.value AS line_item_type,
       d9.value AS pricing_term, d10.value AS currency, d11.value AS billing_entity,
       d12.value AS commitment_owner, c.unblended, c.blended, c.net_unblended, c.amortized,
       c.net_amortized, c.public_on_demand, c.usage_amount, c.tagged_unblended, c.row_count
FROM cost_daily c
JOIN dim d1 ON d1.id = c.payer_account JOIN dim d2 ON d2.id = c.usage_account
JOIN dim d3 ON d3.id = c.product_code JOIN dim d4 ON d4.id = c.product_name
JOIN dim d5 ON d5.id = c.usage_type JOIN dim d6 ON d6.id = c.operation
JOIN dim d7 ON d7.id = c.region JOIN dim d8 ON d8.id = c.line_item_type
JOIN dim d9 ON d9.id = c.pricing_term JOIN dim d10 ON d10.id = c.currency
JOIN dim d11 ON d11.id = c.billing_entity JOIN dim d12 ON d12.id = c.commitment_owner;
CREATE VIEW line_item_daily_named AS
SELECT l.period, l.day, d0.value AS payer_account, d1.value AS usage_account,
       d2.value AS product_code, d3.value AS usage_type, d4.value AS line_item_type,
       d5.value AS description, d6.value AS unit, d7.value AS currency, l.unblended, l.blended,
       l.net_unblended, l.amortized, l.net_amortized, l.public_on_demand, l.usage_amount,
       l.row_count
FROM line_item_daily l
JOIN dim d0 ON d0.id = l.payer_account
JOIN dim d1 ON d1.id = l.usage_account JOIN dim d2 ON d2.id = l.product_code
JOIN dim d3 ON d3.id = l.usage_type JOIN dim d4 ON d4.id = l.line_item_type
JOIN dim d5 ON d5.id = l.description JOIN dim d6 ON d6.id = l.unit
JOIN dim d7 ON d7.id = l.currency;
CREATE VIEW tag_daily_named AS
SELECT t.period, t.day, d0.value AS payer_account, d1.value AS usage_account,
       d2.value AS product_code, d3.value AS tag_key, d4.value AS tag_value,
       d5.value AS currency, t.unblended, t.blended, t.net_unblended, t.amortized,
       t.net_amortized, t.public_on_demand, t.usage_amount, t.row_count
FROM tag_daily t
JOIN dim d0 ON d0.id = t.payer_account
JOIN dim d1 ON d1.id = t.usage_account JOIN dim d2 ON d2.id = t.product_code
JOIN dim d3 ON d3.id = t.tag_key JOIN dim d4 ON d4.id = t.tag_value
JOIN dim d5 ON d5.id = t.currency;
CREATE TABLE shard_run (
  shard_id         TEXT NOT NULL,      -- 128 random bits, hex: one run of one unit
  plan_id          TEXT NOT NULL,      -- sha256 of the shards file (its TSV form)
  plan_units       INTEGER NOT NULL,   -- units in the plan
  unit_index       INTEGER NOT NULL,   -- 0-based, the scheduler's array index
  unit             TEXT NOT NULL,      -- the unit's line of the shards file (TSV)
  version_seen     TEXT NOT NULL,      -- the source's version when the shard read it
  host             TEXT NOT NULL,
  job              TEXT NOT NULL,      -- the scheduler's job id ('' when none)
  tool_version     TEXT NOT NULL,
  schema_version   INTEGER NOT NULL,
  started_at       TEXT NOT NULL,
  finished_at      TEXT NOT NULL,
  shard_ingest_id  INTEGER NOT NULL,   -- the ingest in the shard store (0: no rows)
  ingest_id        INTEGER NOT NULL,   -- the ingest in this store (0: no rows)
  merged_at        TEXT NOT NULL,      -- '' in the shard store itself
  merged_from      TEXT NOT NULL       -- the shard store's path when merged, else ''
);
CREATE INDEX shard_run_plan ON shard_run(plan_id, unit_index);
CREATE INDEX shard_run_ingest ON shard_run(ingest_id);
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
CREATE INDEX ingest_source_path ON ingest_source(path);
INSERT INTO "meta" VALUES('schema_version','10');
INSERT INTO "sqlite_sequence" VALUES('dim',1);
)SQL";

}  // namespace curcrunch::store
