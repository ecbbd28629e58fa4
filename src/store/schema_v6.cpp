// Schema version 6: the store's unit of replacement becomes (payer, billing period); coverage
// (data-through day, invoice ids) per unit; the rollup dimensions and measures the views need
// (payer on every grain, billing entity, commitment owner, net amortized, every measure on the
// line-item and tag grains); reference-counted strings. The invariants are listed in schema.cpp.
//
// The upgrade rebuilds the three rollups and billing_period in place, inside migrate()'s
// transaction. What an older store did not hold is filled in as documented in the man page
// (STORE, "Stores written before schema 6") and its units are marked origin = 'upgraded'.
#include "curcrunch/store/schema_v6.hpp"

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/store/dim_refs.hpp"

namespace curcrunch::store {
namespace {

const char* kTablesV6 = R"SQL(
CREATE TABLE dim_v6 (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a cached id always means one string
  value  TEXT NOT NULL UNIQUE,
  refs   INTEGER NOT NULL DEFAULT 0           -- rollup cells holding this id (dim_refs.hpp)
);

CREATE TABLE cost_daily_v6 (
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

CREATE TABLE line_item_daily_v6 (
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

CREATE TABLE tag_daily_v6 (
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

CREATE TABLE billing_period_v6 (
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

CREATE TABLE ingest_source_v6 (
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
);
)SQL";

// After the old tables are gone and the new ones renamed.
const char* kIndexesAndViewsV6 = R"SQL(
CREATE INDEX cost_daily_day ON cost_daily(day, payer_account);
CREATE INDEX line_item_daily_day ON line_item_daily(day, payer_account);
CREATE INDEX tag_daily_day ON tag_daily(day, payer_account);
CREATE INDEX ingest_source_ingest ON ingest_source(ingest_id);

-- The (payer, period) units each ingest replaced (the ingest's own record; billing_period keeps
-- only the latest per unit).
CREATE TABLE ingest_unit (
  ingest_id  INTEGER NOT NULL REFERENCES ingest(id),
  payer      TEXT NOT NULL,
  period     INTEGER NOT NULL,
  rows       INTEGER NOT NULL,
  max_day    INTEGER NOT NULL,
  unblended  NOT NULL,
  PRIMARY KEY (ingest_id, payer, period)
) WITHOUT ROWID;

-- Which units each source file fed, with its rows in each (none for sources ingested before v6).
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
)SQL";

// Older stores kept line items and tags without their payer. Each such row is given the payer of
// the cost rows that share its (period, day, usage account, service, ...) key. That is sound
// because a linked account belongs to one organisation (payer) at a time: all rows of an account
// on a day carry the same payer. Only on the day an account moves between organisations can its
// rows name two payers; a line-item or tag row whose key then matches both goes to the payer with
// more cost rows under that key (then the lower dim id), and the upgrade says so on stderr. Its
// cost rows keep their exact payer either way; re-ingesting that month restores exact payers.
const char* kPayerOfLines = R"SQL(
CREATE TEMP TABLE v6_line_payer AS
SELECT period, day, usage_account, product_code, usage_type, line_item_type, currency,
       payer_account AS payer, payers
FROM (SELECT period, day, usage_account, product_code, usage_type, line_item_type, currency,
             payer_account,
             row_number() OVER (PARTITION BY period, day, usage_account, product_code, usage_type,
                                line_item_type, currency
                                ORDER BY sum(row_count) DESC, payer_account) AS rank,
             count(*) OVER (PARTITION BY period, day, usage_account, product_code, usage_type,
                            line_item_type, currency) AS payers
      FROM cost_daily
      GROUP BY period, day, usage_account, product_code, usage_type, line_item_type, currency,
               payer_account)
WHERE rank = 1;
CREATE UNIQUE INDEX temp.v6_line_payer_key ON v6_line_payer(period, day, usage_account,
  product_code, usage_type, line_item_type, currency);

CREATE TEMP TABLE v6_tag_payer AS
SELECT period, day, usage_account, product_code, currency, payer_account AS payer, payers
FROM (SELECT period, day, usage_account, product_code, currency, payer_account,
             row_number() OVER (PARTITION BY period, day, usage_account, product_code, currency
                                ORDER BY sum(row_count) DESC, payer_account) AS rank,
             count(*) OVER (PARTITION BY period, day, usage_account, product_code, currency)
               AS payers
      FROM cost_daily
      GROUP BY period, day, usage_account, product_code, currency, payer_account)
WHERE rank = 1;
CREATE UNIQUE INDEX temp.v6_tag_payer_key ON v6_tag_payer(period, day, usage_account,
  product_code, currency);
)SQL";

// Rows are copied in (period, day, payer) order, the order new ingests insert in. Measures
// older stores did not keep take the nearest stored one (man page): on the cost grain net amortized
// is net unblended where amortized equals unblended (a discount applies to both alike) and
// amortized elsewhere (exact unless a discount applied to a commitment row: counted below).
const char* kCopyRowsV6 = R"SQL(
INSERT OR IGNORE INTO dim_v6(value) VALUES ('');

INSERT INTO cost_daily_v6
SELECT period, day, payer_account, usage_account, product_code, product_name, usage_type,
       operation, region, line_item_type, pricing_term, currency,
       (SELECT id FROM dim_v6 WHERE value = ''), (SELECT id FROM dim_v6 WHERE value = ''),
       unblended, blended, net_unblended, amortized,
       CASE WHEN amortized = unblended THEN net_unblended ELSE amortized END,
       public_on_demand, usage_amount, tagged_unblended, row_count
FROM cost_daily ORDER BY period, day, payer_account;

INSERT INTO line_item_daily_v6
SELECT l.period, l.day, coalesce(p.payer, (SELECT id FROM dim_v6 WHERE value = '')),
       l.usage_account, l.product_code, l.usage_type, l.line_item_type, l.description, l.unit,
       l.currency, l.unblended, l.unblended, l.unblended, l.amortized, l.amortized, l.unblended,
       l.usage_amount, l.row_count
FROM line_item_daily l LEFT JOIN v6_line_payer p
  ON p.period = l.period AND p.day = l.day AND p.usage_account = l.usage_account
 AND p.product_code = l.product_code AND p.usage_type = l.usage_type
 AND p.line_item_type = l.line_item_type AND p.currency = l.currency
ORDER BY l.period, l.day, p.payer;

INSERT INTO tag_daily_v6
SELECT t.period, t.day, coalesce(p.payer, (SELECT id FROM dim_v6 WHERE value = '')),
       t.usage_account, t.product_code, t.tag_key, t.tag_value, t.currency, t.unblended,
       t.unblended, t.unblended, t.amortized, t.amortized, t.unblended, 0, t.row_count
FROM tag_daily t LEFT JOIN v6_tag_payer p
  ON p.period = t.period AND p.day = t.day AND p.usage_account = t.usage_account
 AND p.product_code = t.product_code AND p.currency = t.currency
ORDER BY t.period, t.day, p.payer;

INSERT INTO billing_period_v6
SELECT d.value, c.period, b.ingest_id, b.replaced_at, b.manifest, b.assembly_id,
       sum(c.row_count), min(c.day), max(c.day), money_sum(c.unblended), '', 0, 'upgraded'
FROM cost_daily c JOIN dim d ON d.id = c.payer_account JOIN billing_period b ON b.period = c.period
GROUP BY c.period, c.payer_account;

INSERT INTO ingest_source_v6
SELECT rowid, ingest_id, path, member, sha256, file_bytes, bytes, compression, dialect, manifest,
       assembly_id, '', period, rows, skipped_rows
FROM ingest_source;
)SQL";

const char* kSwapTablesV6 = R"SQL(
DROP VIEW cost_daily_named;
DROP VIEW line_item_daily_named;
DROP VIEW tag_daily_named;
DROP TABLE cost_daily;
DROP TABLE line_item_daily;
DROP TABLE tag_daily;
DROP TABLE billing_period;
DROP TABLE ingest_source;
DROP TABLE dim;
DROP TABLE temp.v6_line_payer;
DROP TABLE temp.v6_tag_payer;
ALTER TABLE dim_v6 RENAME TO dim;
ALTER TABLE cost_daily_v6 RENAME TO cost_daily;
ALTER TABLE line_item_daily_v6 RENAME TO line_item_daily;
ALTER TABLE tag_daily_v6 RENAME TO tag_daily;
ALTER TABLE billing_period_v6 RENAME TO billing_period;
ALTER TABLE ingest_source_v6 RENAME TO ingest_source;
)SQL";

int64_t count_of(Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    return st.step() ? st.column_int(0) : 0;
}

// Says on stderr what the upgrade could not know exactly (see kPayerOfLines, kCopyRowsV6).
void report_approximations(Database& db) {
    const int64_t lines = count_of(db, "SELECT count(*) FROM temp.v6_line_payer WHERE payers > 1");
    const int64_t tags = count_of(db, "SELECT count(*) FROM temp.v6_tag_payer WHERE payers > 1");
    if (lines + tags > 0) {
        auto st = db.prepare(
            "SELECT DISTINCT p.period, d.value FROM temp.v6_line_payer p JOIN dim d ON "
            "d.id = p.usage_account WHERE p.payers > 1 UNION SELECT DISTINCT p.period, d.value "
            "FROM temp.v6_tag_payer p JOIN dim d ON d.id = p.usage_account WHERE p.payers > 1 "
            "ORDER BY 1, 2");
        std::string which;
        while (st.step())
            which.append(which.empty() ? "" : ", ")
                .append(format_period(static_cast<Period>(st.column_int(0))))
                .append(" account ")
                .append(st.column_text(1));
        log::warn(db.path() + ": schema 6 upgrade: " + std::to_string(lines + tags) +
                  " line-item/tag group(s) belong to an account with rows under two payers on the "
                  "same day (" +
                  which +
                  "); they went to the payer with more rows. Re-ingest those months for exact "
                  "payers.");
    }
    const int64_t discounted = count_of(
        db,
        "SELECT count(*) FROM cost_daily WHERE amortized <> unblended AND net_unblended <> "
        "unblended");
    if (discounted > 0)
        log::warn(db.path() + ": schema 6 upgrade: " + std::to_string(discounted) +
                  " discounted commitment cost row(s): net amortized set to amortized until "
                  "their months are re-ingested");
}

}  // namespace

void upgrade_to_v6(Database& db) {
    const int64_t strings_before = count_of(db, "SELECT count(*) FROM dim");
    db.exec(kTablesV6);
    db.exec("INSERT INTO dim_v6(id, value) SELECT id, value FROM dim");
    db.exec(kPayerOfLines);
    report_approximations(db);
    db.exec(kCopyRowsV6);
    db.exec(kSwapTablesV6);
    db.exec(kIndexesAndViewsV6);
    db.exec(
        "INSERT INTO ingest_unit SELECT ingest_id, payer, period, rows, max_day, unblended FROM "
        "billing_period");
    recount_dim_refs(db);
    // Older stores never deleted a string; those of replaced periods go now.
    const int64_t removed = strings_before - count_of(db, "SELECT count(*) FROM dim");
    if (removed > 0)
        log::info(db.path() + ": schema 6 upgrade: " + std::to_string(removed) +
                  " string(s) of replaced periods removed");
}

}  // namespace curcrunch::store
