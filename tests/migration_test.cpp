// The upgrade to schema 6 from a store written by the last schema-3 curcrunch and from one
// written by `fetch`, `report` and `import-pdf` of the last schema-5 curcrunch (tests/fixtures)
// keeps every total and record, gives line items and tags their payer, says what it could not
// know, and leaves unchanged deliveries idle.
#include <gtest/gtest.h>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/dim_refs.hpp"
#include "curcrunch/store/schema.hpp"
#include "curcrunch/store/store.hpp"
#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string fixture(const std::string& name) {
    return std::string(CURCRUNCH_SOURCE_DIR) + "/tests/fixtures/" + name;
}

// A fresh copy of the schema-3 store.
std::string v3_store(const TempDir& t, const std::string& name) {
    const std::string bytes = gunzip_bytes(read_file(fixture("store-v3.db.gz")));
    if (bytes.empty()) throw std::runtime_error("cannot read the schema-3 fixture");
    write_file(t / name, bytes);
    return t / name;
}

// The columns schema 3 had, through the *_named views both versions define.
const char* kCostV3 =
    "(SELECT period, day, payer_account, usage_account, product_code, product_name, usage_type, "
    "operation, region, line_item_type, pricing_term, currency, unblended, blended, "
    "net_unblended, amortized, public_on_demand, usage_amount, tagged_unblended, row_count FROM "
    "cost_daily_named)";
const char* kLineV3 =
    "(SELECT period, day, usage_account, product_code, usage_type, line_item_type, description, "
    "unit, currency, unblended, amortized, usage_amount, row_count FROM line_item_daily_named)";
const char* kTagV3 =
    "(SELECT period, day, usage_account, product_code, tag_key, tag_value, currency, unblended, "
    "amortized, row_count FROM tag_daily_named)";

std::string dump(const std::string& path, const std::vector<std::string>& relations) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::string out;
    for (const auto& r : relations)
        out += dump_relation(db, r);
    sqlite3_close(db);
    return out;
}

// Every row of `sql` as "v1|v2|...|" lines, through the store's connection (money_sum).
std::string rows_text(const std::string& path, const std::string& sql) {
    store::Database db(path, store::Database::Mode::read_only);
    auto st = db.prepare(sql);
    std::string out;
    const int n = st.column_count();
    while (st.step()) {
        for (int i = 0; i < n; ++i)
            out += (st.column_is_null(i) ? "NULL" : st.column_text(i)) + "|";
        out += "\n";
    }
    return out;
}

}  // namespace

TEST(Migration, FromSchema3KeepsEveryTotal) {
    TempDir t;
    const std::string db = v3_store(t, "v3.db");
    ASSERT_EQ(query_one(db, "SELECT value FROM meta WHERE key = 'schema_version'"), "3");
    const std::string rollups_v3 = dump(db, {kCostV3, kLineV3, kTagV3});
    const std::string periods_v3 =
        rows_text(db,
                  "SELECT period, ingest_id, rows, min_day, max_day, unblended FROM "
                  "billing_period ORDER BY period") +
        dump(db, {"(SELECT * FROM ingest)",
                  "(SELECT ingest_id, path, member, sha256, rows FROM ingest_source)"});
    ASSERT_NE(rollups_v3.find("## (SELECT period, day, usage_account, product_code, tag_key"),
              std::string::npos);

    store::Store::open(db);  // upgrades
    EXPECT_EQ(query_one(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
              std::to_string(store::kSchemaVersion));
    // Every row of every rollup, and every record, is still there with the same values.
    EXPECT_EQ(first_difference(dump(db, {kCostV3, kLineV3, kTagV3}), rollups_v3), "");
    EXPECT_EQ(first_difference(
                  rows_text(db,
                            "SELECT period, max(ingest_id), sum(rows), min(min_day), "
                            "max(max_day), money_sum(unblended) FROM billing_period GROUP BY "
                            "period ORDER BY period") +
                      dump(db, {"(SELECT * FROM ingest)",
                                "(SELECT ingest_id, path, member, sha256, rows FROM "
                                "ingest_source)"}),
                  periods_v3),
              "");
    // Periods became (payer, period) units: two payers each month, marked as upgraded.
    EXPECT_EQ(
        query_one(db,
                  "SELECT group_concat(payer || '/' || period || '/' || origin, ' ') "
                  "FROM (SELECT * FROM billing_period ORDER BY period, payer)"),
        "111100001111/202606/upgraded 222200002222/202606/upgraded 010000000000/202608/upgraded "
        "121111111111/202608/upgraded 010000000000/202609/upgraded 121111111111/202609/upgraded");
    auto s = store::Store::open(db, true);
    for (const auto& u : s->periods()) {
        EXPECT_EQ(u.status, store::PeriodStatus::unknown) << u.payer << " " << u.period;
        EXPECT_TRUE(u.migrated);
    }
    // Line items and tags got their payer: per unit they sum to its cost, except in June, when
    // account 333300003333 had rows under both payers on the 20th (attributed to one of them).
    auto per_unit = [&](const char* view) {
        std::string d = dump(db, {std::string("(SELECT payer_account, period, "
                                              "money_sum(unblended), sum(row_count) FROM ") +
                                  view + " WHERE period <> 202606 GROUP BY 1, 2)"});
        return d.substr(d.find('\n') + 1);  // without the header naming the view
    };
    EXPECT_EQ(first_difference(per_unit("line_item_daily_named"), per_unit("cost_daily_named")),
              "");
    // Exactly what a fresh ingest of the same files gives, for every column schema 3 kept and
    // the net amortized cost computed from them; line items and tags with their payer.
    const std::string fresh = t / "fresh.db";
    {
        auto f = store::Store::open(fresh);
        f->replace_periods(
            ingest::run_ingest(ingest::plan_inputs({fixture("store-v3-gen.csv.gz")}), {}), "x",
            false);
        f->replace_periods(
            ingest::run_ingest(ingest::plan_inputs({fixture("store-v3-moved-account.csv")}), {}),
            "x", false);
    }
    const std::vector<std::string> exact = {
        std::string(kCostV3),
        "(SELECT period, day, payer_account, net_amortized FROM cost_daily_named)",
        "(SELECT period, day, payer_account, usage_account, description, unblended, amortized, "
        "usage_amount, row_count FROM line_item_daily_named WHERE period <> 202606)",
        "(SELECT period, day, payer_account, usage_account, tag_key, tag_value, unblended, "
        "amortized, row_count FROM tag_daily_named WHERE period <> 202606)"};
    EXPECT_EQ(first_difference(dump(db, exact), dump(fresh, exact)), "");
    // What schema 3 did not keep gets the documented defaults.
    EXPECT_EQ(query_one(db,
                        "SELECT count(*) FROM cost_daily_named WHERE billing_entity <> '' OR "
                        "commitment_owner <> ''"),
              "0");
    EXPECT_EQ(query_one(db,
                        "SELECT count(*) FROM tag_daily WHERE net_amortized <> amortized OR "
                        "blended <> unblended OR usage_amount <> 0"),
              "0");
    // Strings: every one referenced, counts exact (a recount changes nothing).
    const std::string dims = dump(db, {"(SELECT id, value, refs FROM dim)"});
    {
        auto w = store::Store::open(db);
        EXPECT_EQ(store::recount_dim_refs(w->db()), 0);
    }
    EXPECT_EQ(first_difference(dump(db, {"(SELECT id, value, refs FROM dim)"}), dims), "");
}

TEST(Migration, SaysWhatItCouldNotAttributeAndReingestRestoresIt) {
    TempDir t;
    const std::string db = v3_store(t, "v3.db");
    // A reading command upgrades the store once, and warns about the ambiguous day.
    auto r = run_cli({"periods", "--db", db, "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(
        r.err.find("upgrading the store from schema 3 to " + std::to_string(store::kSchemaVersion)),
        std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("rows under two payers on the same day (2026-06 account 333300003333)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(
        r.out.find(
            "111100001111,2026-06,3,1.555,2026-06-20,unknown,carried over from an older store"),
        std::string::npos)
        << r.out;
    // June's cost rows kept their exact payers; the line item of the 20th went to one of them.
    EXPECT_EQ(query_one(db,
                        "SELECT money_sum(unblended) FROM cost_daily_named WHERE "
                        "payer_account = '222200002222'"),
              "19660000000");
    // Re-ingesting June replaces both of its units with exact payers.
    auto s = store::Store::open(db);
    s->replace_periods(
        ingest::run_ingest(ingest::plan_inputs({fixture("store-v3-moved-account.csv")}), {}), "x",
        false);
    for (const char* p : {"111100001111", "222200002222"})
        EXPECT_EQ(query_one(db, std::string("SELECT money_sum(unblended) FROM "
                                            "line_item_daily_named WHERE period = 202606 AND "
                                            "payer_account = '") +
                                    p + "'"),
                  query_one(db, std::string("SELECT money_sum(unblended) FROM cost_daily_named "
                                            "WHERE period = 202606 AND payer_account = '") +
                                    p + "'"))
            << p;
    EXPECT_EQ(query_one(db,
                        "SELECT group_concat(origin) FROM billing_period WHERE period = "
                        "202606"),
              "ingest,ingest");
}

namespace {

// Every table the schema-6 upgrade leaves as it was (all but the rollups, dim, billing_period
// and ingest_source), as text.
// `names`: empty, it receives the tables dumped; given, only those are dumped (so tables a
// later schema version adds do not count as changes).
std::string untouched_tables(const std::string& path, std::vector<std::string>& names) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    const bool given = !names.empty();
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
                       "('meta', 'dim', 'cost_daily', 'line_item_daily', 'tag_daily', "
                       "'billing_period', 'ingest_source', 'ingest_unit', 'ingest_source_unit', "
                       "'shard_run') "
                       "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                       -1, &st, nullptr);
    while (!given && sqlite3_step(st) == SQLITE_ROW)
        names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    std::string out;
    // account gains ou_path / ou_ids after schema 6 (empty until a fetch reads them, checked
    // apart): its schema-5 columns are the record that must not change.
    for (const auto& n : names)
        out += dump_relation(db, n == "account" ? "(SELECT id, name, email, state, joined_method, "
                                                  "joined_at, arn, payer_profile, updated_at FROM "
                                                  "account)"
                                                : "(SELECT * FROM " + n + ")");
    sqlite3_close(db);
    return out;
}

}  // namespace

TEST(Migration, AFetchedStoreOfSchema5KeepsItsRecordsAndStaysIdle) {
    // The schema-5 store of two fetch runs (oab and internal, September and October, one ingest
    // per month for both profiles), a report written and imported, and the fetch cache beside it.
    World w;
    const auto unpack =
        sh("tar -xzf " + fixture("store-v5-fetch.tar.gz") + " -C " + w.tmp.path().string());
    ASSERT_EQ(unpack.code, 0) << unpack.out;
    ASSERT_EQ(query_one(w.db, "SELECT value FROM meta WHERE key = 'schema_version'"), "5");
    // The test's S3 serves the objects that run fetched (same keys, bytes and ETags).
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "cache")) {
        if (!e.is_regular_file() || e.path().extension() == ".etag") continue;
        const fs::path rel = fs::relative(e.path(), w.tmp / "cache");
        auto part = rel.begin();
        const std::string bucket = (++part)->string();
        std::string key;
        for (++part; part != rel.end(); ++part)
            key += (key.empty() ? "" : "/") + part->string();
        w.aws.put_object(bucket, key, read_file(e.path().string()));
    }
    const std::string rollups_v5 = dump(w.db, {kCostV3, kLineV3, kTagV3});
    std::vector<std::string> tables_v5;
    const std::string records_v5 = untouched_tables(w.db, tables_v5);
    ASSERT_NE(records_v5.find("## (SELECT * FROM report_written)"), std::string::npos);
    ASSERT_NE(records_v5.find("## (SELECT * FROM fetched_file)"), std::string::npos);
    const std::string months_v5 =
        rows_text(w.db, "SELECT period, rows, unblended FROM billing_period ORDER BY period");

    // The first command upgrades it: every rollup row and every other record as it was; each
    // month became one unit per payer, each from the month's one ingest.
    auto p = run_cli({"periods", "--db", w.db, "--format", "csv"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_NE(
        p.err.find("upgrading the store from schema 5 to " + std::to_string(store::kSchemaVersion)),
        std::string::npos)
        << p.err;
    EXPECT_EQ(first_difference(dump(w.db, {kCostV3, kLineV3, kTagV3}), rollups_v5), "");
    EXPECT_EQ(first_difference(untouched_tables(w.db, tables_v5), records_v5), "");
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM account WHERE ou_path <> '' OR ou_ids <> ''"),
              "0");
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM shard_run"), "0");  // schema 8: new, empty
    EXPECT_EQ(rows_text(w.db,
                        "SELECT period, sum(rows), money_sum(unblended) FROM billing_period "
                        "GROUP BY period ORDER BY period"),
              months_v5);
    EXPECT_EQ(query_one(w.db,
                        "SELECT group_concat(payer || '/' || period || '/' || ingest_id, ' ') "
                        "FROM (SELECT * FROM billing_period ORDER BY period, payer)"),
              "010000000000/202609/1 121111111111/202609/1 010000000000/202610/2 "
              "121111111111/202610/2");
    // The report the old store wrote and imported still audits clean against the upgraded one.
    auto a = run_cli({"audit", "--db", w.db, "--all"});
    EXPECT_EQ(a.exit_code, 0) << a.out << a.err;

    // Nothing changed at AWS: the next fetch ingests nothing, each profile's files matched
    // against the fetched_file rows of the month's shared ingest.
    const std::string rollups = dump_rollups(w.db);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 0 ingested, 4 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM ingest"), "2");
    EXPECT_EQ(dump_rollups(w.db), rollups);

    // internal's October is delivered again (same rows, new bytes): only its unit is replaced;
    // oab's October stays with the shared ingest, byte for byte.
    const fs::path bucket_dir = w.tmp.path() / "cache" / "internal" / "billing-internal";
    std::string key;
    for (const auto& e : fs::recursive_directory_iterator(bucket_dir))
        if (e.path().string().find("20261001-20261101/") != std::string::npos &&
            e.path().extension() == ".gz")
            key = fs::relative(e.path(), bucket_dir).string();
    ASSERT_FALSE(key.empty());
    const std::string oab = "(SELECT * FROM cost_daily_named WHERE payer_account = '010000000000')";
    const std::string oab_before = dump(w.db, {oab});
    const std::string csv = gunzip_bytes(read_file((bucket_dir / key).string()));
    w.aws.put_object("billing-internal", key, gzip_bytes(csv, 9));
    auto changed = run_cli(w.args(), w.env());
    ASSERT_EQ(changed.exit_code, 0) << changed.out << changed.err;
    EXPECT_NE(changed.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << changed.out;
    EXPECT_EQ(query_one(w.db,
                        "SELECT group_concat(payer || '/' || period || '/' || ingest_id, ' ') "
                        "FROM (SELECT * FROM billing_period ORDER BY period, payer)"),
              "010000000000/202609/1 121111111111/202609/1 010000000000/202610/2 "
              "121111111111/202610/3");
    EXPECT_EQ(dump(w.db, {oab}), oab_before);
    // The same rows in every column schema 5 kept (the re-ingested month now also has what
    // schema 6 adds: billing entity, commitment owner, net amortized cost).
    EXPECT_EQ(first_difference(dump(w.db, {kCostV3, kLineV3, kTagV3}), rollups_v5), "");
    // And the run after that is idle again: the shared ingest's stale internal files do not
    // count against oab, nor against internal's own newer ingest.
    auto idle = run_cli(w.args(), w.env());
    ASSERT_EQ(idle.exit_code, 0) << idle.out << idle.err;
    EXPECT_NE(idle.out.find("CUR periods: 0 ingested, 4 unchanged, 0 failed"), std::string::npos)
        << idle.out;
}

}  // namespace CURCRUNCH_UNITY_ID
