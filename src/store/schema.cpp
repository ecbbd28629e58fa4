// The store's schema, in one place. Version history:
//   1  rollups cost_daily / line_item_daily / tag_daily, billing_period, ingest records.
//
// Conventions kept by every table:
// - Amount columns (costs and usage quantities) hold exact integers in units of 10^-10
//   (core/money.hpp, kScale). A value that does not fit 64 bits is stored as the text of the
//   same integer; such columns are declared without a type so SQLite's affinity never turns
//   that text into a REAL. Sum them with money_sum(), never SUM()/TOTAL().
// - Days are 'YYYY-MM-DD' UTC; periods are 'YYYY-MM'.
// - Account ids are text (leading zeros are significant).
// - Invariant: every row of the three rollup tables belongs to a period listed in
//   billing_period, and a period's rows all come from that period's latest ingest
//   (billing_period.ingest_id). Store::replace_periods keeps this by deleting and inserting a
//   period's rows in the same transaction that updates billing_period.
#include "curcrunch/store/schema.hpp"

#include "curcrunch/core/error.hpp"

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
  period        TEXT PRIMARY KEY,
  ingest_id     INTEGER NOT NULL REFERENCES ingest(id),
  replaced_at   TEXT NOT NULL,
  manifest      TEXT NOT NULL,
  assembly_id   TEXT NOT NULL,
  rows          INTEGER NOT NULL,
  unblended                             -- amount
) WITHOUT ROWID;

CREATE TABLE cost_daily (
  period            TEXT NOT NULL,
  day               TEXT NOT NULL,
  payer_account     TEXT NOT NULL,
  usage_account     TEXT NOT NULL,
  product_code      TEXT NOT NULL,
  product_name      TEXT NOT NULL,
  usage_type        TEXT NOT NULL,
  operation         TEXT NOT NULL,
  region            TEXT NOT NULL,
  line_item_type    TEXT NOT NULL,
  pricing_term      TEXT NOT NULL,
  currency          TEXT NOT NULL,
  unblended         NOT NULL,
  blended           NOT NULL,
  net_unblended     NOT NULL,
  amortized         NOT NULL,
  public_on_demand  NOT NULL,
  usage_amount      NOT NULL,
  tagged_unblended  NOT NULL,           -- unblended cost of rows with at least one user tag
  row_count         INTEGER NOT NULL
);
CREATE INDEX cost_daily_period ON cost_daily(period);
CREATE INDEX cost_daily_day ON cost_daily(day);

CREATE TABLE line_item_daily (
  period          TEXT NOT NULL,
  day             TEXT NOT NULL,
  usage_account   TEXT NOT NULL,
  product_code    TEXT NOT NULL,
  usage_type      TEXT NOT NULL,
  line_item_type  TEXT NOT NULL,
  description     TEXT NOT NULL,
  unit            TEXT NOT NULL,
  currency        TEXT NOT NULL,
  unblended       NOT NULL,
  amortized       NOT NULL,
  usage_amount    NOT NULL,
  row_count       INTEGER NOT NULL
);
CREATE INDEX line_item_daily_period ON line_item_daily(period);
CREATE INDEX line_item_daily_day ON line_item_daily(day);

CREATE TABLE tag_daily (
  period          TEXT NOT NULL,
  day             TEXT NOT NULL,
  usage_account   TEXT NOT NULL,
  product_code    TEXT NOT NULL,
  tag_key         TEXT NOT NULL,        -- normalized (ingest/schema.hpp normalize_tag_key)
  tag_value       TEXT NOT NULL,
  currency        TEXT NOT NULL,
  unblended       NOT NULL,
  amortized       NOT NULL,
  row_count       INTEGER NOT NULL
);
CREATE INDEX tag_daily_period ON tag_daily(period);
CREATE INDEX tag_daily_day ON tag_daily(day);
)SQL";

}  // namespace

int schema_version(Database& db) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
    st.step();
    if (st.column_int(0) == 0) return 0;
    auto v = db.prepare("SELECT value FROM meta WHERE key='schema_version'");
    return v.step() ? std::stoi(v.column_text(0)) : 0;
}

void migrate(Database& db) {
    int v = schema_version(db);
    if (v > kSchemaVersion)
        throw_store(db.path() + ": written by a newer curcrunch (schema " + std::to_string(v) +
                    ", this build knows up to " + std::to_string(kSchemaVersion) + ")");
    if (v == kSchemaVersion) return;
    Transaction tx(db);
    if (v < 1) db.exec(kV1);
    // Later versions: `if (v < 2) db.exec(kV2);` and so on, each an in-place upgrade.
    db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '" +
            std::to_string(kSchemaVersion) + "')");
    tx.commit();
}

}  // namespace curcrunch::store
