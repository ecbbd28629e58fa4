// `curcrunch merge` and shards that are damaged or hand-made in ways the row checks of
// merge_test.cpp do not show: a damaged index (the check scans the tables, the copy reads
// through the day indexes), row counts that are not integers or beyond what an ingest writes,
// and a target that is one of its own shards. Each is refused before anything is written.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>

#include "../src/store/unit_copy.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/shard_record.hpp"
#include "curcrunch/store/shard_units.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

// Damages `index` of the store at `db` as a bad sector or a buggy copy could, in a way the
// table scans of the shard check cannot see: the index's B-tree is swapped with that of an
// empty index on the same columns, so the index yields no row while the table holds them all.
// SQLite's integrity_check reports "row 1 missing from index ...".
void empty_the_index(const std::string& db, const std::string& index, const std::string& table) {
    store::Database d(db, store::Database::Mode::read_write_create);
    d.exec("CREATE INDEX decoy ON " + table + "(day, payer_account) WHERE day < 0");
    const std::string damaged =
        query_one(db, "SELECT rootpage FROM sqlite_schema WHERE name = '" + index + "'");
    const std::string decoy =
        query_one(db, "SELECT rootpage FROM sqlite_schema WHERE name = 'decoy'");
    ASSERT_EQ(sqlite3_db_config(d.handle(), SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr), SQLITE_OK);
    d.exec("PRAGMA writable_schema = ON");
    d.exec("UPDATE sqlite_schema SET rootpage = CASE name WHEN 'decoy' THEN " + damaged + " ELSE " +
           decoy + " END WHERE name IN ('decoy', '" + index + "')");
    d.exec("PRAGMA writable_schema = OFF");
}

void set_sql(const std::string& db, const std::string& sql) {
    store::Database d(db, store::Database::Mode::read_write_create);
    d.exec(sql);
}

class MergeDamaged : public ::testing::Test {
  protected:
    // The samples (12 months, two payers in one delivery a month): the first `count` units
    // computed into shards/shard-N.db, shard 0 merged into main.db.
    void SetUp() override {
        const RunResult r =
            run_cli({"shards", "--quiet", std::string(CURCRUNCH_SOURCE_DIR) + "/samples"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        write_file(plan, r.out);
        fs::create_directories(shards);
        for (size_t i = 0; i < 3; ++i) {
            const RunResult s = run_cli({"ingest", "--quiet", "--shard", std::to_string(i),
                                         "--shards-file", plan, "--db", shard(i)});
            ASSERT_EQ(s.exit_code, 0) << s.err;
        }
        ASSERT_EQ(run_cli({"merge", "--quiet", "--db", main_db, shard(0)}).exit_code, 0);
    }

    std::string shard(size_t i) const { return shards + "/shard-" + std::to_string(i) + ".db"; }

    // A copy of shard 1 under `name`, to damage.
    std::string copy_of_shard_1(const std::string& name) const {
        const std::string to = tmp / name;
        fs::copy_file(shard(1), to, fs::copy_options::overwrite_existing);
        return to;
    }

    // Merges shard 2 and `bad` (in that order: a good shard first) expecting exit 3, `message`
    // on stderr and main.db as it was.
    void expect_refused(const std::string& bad, const std::string& message) {
        const std::string before = dump_store(main_db);
        const RunResult r = run_cli({"merge", "--quiet", "--db", main_db, shard(2), bad});
        EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
        EXPECT_EQ(dump_store(main_db), before);
    }

    TempDir tmp;
    std::string plan = tmp / "shards.tsv";
    std::string shards = tmp / "shards";
    std::string main_db = tmp / "main.db";
};

TEST_F(MergeDamaged, AShardWithADamagedIndexIsRefusedAndTheStoreIsUnchanged) {
    // Before: merged with exit 0, the tag (or line item) rows the index missed silently lost and
    // the strings' reference counts taken from the check; a damaged cost index gave exit 4.
    for (const char* table : {"tag_daily", "line_item_daily", "cost_daily"}) {
        SCOPED_TRACE(table);
        const std::string index = std::string(table) + "_day";
        const std::string bad = copy_of_shard_1(index + ".db");
        empty_the_index(bad, index, table);
        expect_refused(bad, "shard " + bad +
                                " refused: the file is damaged (SQLite's integrity_check: row 1 "
                                "missing from index " +
                                index);
        expect_refused(bad, "): compute the shard again");
    }
    // The good shards merge, and the merged rows are whole.
    const RunResult r = run_cli({"merge", "--quiet", "--db", main_db, shard(1), shard(2)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(main_db,
                        "SELECT (SELECT count(*) FROM tag_daily) = (SELECT sum(n) FROM "
                        "(SELECT count(*) AS n FROM tag_daily NOT INDEXED))"),
              "1");
}

TEST_F(MergeDamaged, TheCopyIsCheckedAgainstWhatTheShardCheckCounted) {
    // The second line of defence, for damage that shows only after the check (a file changed
    // or damaged during the merge): the rows copied through the index are counted, table by
    // table, with their row counts and the cells of every string, against what the check read.
    const std::string bad = copy_of_shard_1("late.db");
    std::vector<store::ShardUnitRows> units;
    int64_t ingest_id = 0;
    {
        store::Database shard(bad, store::Database::Mode::read_only);
        ingest_id = store::own_shard_record(shard).shard_ingest_id;
        units = store::read_shard_units(shard, ingest_id);
    }
    ASSERT_FALSE(units.empty());
    empty_the_index(bad, "tag_daily_day", "tag_daily");
    const std::string tags = query_one(bad,
                                       "SELECT count(*) || ' rows of ' || sum(row_count) FROM "
                                       "tag_daily NOT INDEXED WHERE payer_account = " +
                                           std::to_string(units[0].payer_id) +
                                           " AND period = " + std::to_string(units[0].unit.period));
    const std::string before = dump_store(main_db);
    {
        store::Database main(main_db, store::Database::Mode::read_write_create);
        auto attach = main.prepare("ATTACH DATABASE ? AS shard");
        attach.bind(1, bad);
        attach.run();
        store::merge_detail::UnitCopier copier(main);
        copier.begin_shard();
        store::Transaction tx(main);
        try {
            copier.replace_unit(units[0], copier.copy_ingest_record(ingest_id), "2026-12-01");
            ADD_FAILURE() << "copied";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::input);
            EXPECT_EQ(std::string(e.what()),
                      "the rows of " + store::unit_name(units[0].unit) +
                          " read for the copy are not those checked: tag_daily: 0 rows of 0 "
                          "input rows copied, " +
                          tags + " checked (the file is damaged, or was changed during the merge)");
        }
    }
    EXPECT_EQ(dump_store(main_db), before);  // the unit's transaction rolled back
}

TEST_F(MergeDamaged, RowCountsMustBeIntegersWithinTheirUnitsRows) {
    // Before: '7abc' and 1.5 were merged as they were and 2^63-1 was merged too; the merged
    // store's queries then failed with "integer overflow".
    const std::string first_line = "rowid = (SELECT min(rowid) FROM line_item_daily)";
    const std::string first_tag = "rowid = (SELECT min(rowid) FROM tag_daily)";
    std::string bad = copy_of_shard_1("text.db");
    set_sql(bad, "UPDATE line_item_daily SET row_count = '7abc' WHERE " + first_line);
    expect_refused(bad, "shard " + bad +
                            " refused: line_item_daily: a row's row_count (7abc) is not an "
                            "integer in 1..2^40");
    bad = copy_of_shard_1("real.db");
    set_sql(bad, "UPDATE tag_daily SET row_count = 1.5 WHERE " + first_tag);
    expect_refused(bad, "tag_daily: a row's row_count (1.5) is not an integer in 1..2^40");
    bad = copy_of_shard_1("huge.db");
    set_sql(bad, "UPDATE tag_daily SET row_count = 9223372036854775807 WHERE " + first_tag);
    const std::string unit_rows =
        query_one(bad,
                  "SELECT b.rows FROM billing_period b JOIN dim d ON d.value = b.payer JOIN "
                  "tag_daily t ON t.payer_account = d.id AND t.period = b.period WHERE t." +
                      first_tag);
    expect_refused(bad, " has a row_count of 9223372036854775807, not in 1..its unit's rows (" +
                            unit_rows + ", at most 2^40)");
    // Within each row's bound, but more rows than its unit has for one tag key.
    bad = copy_of_shard_1("tag_sum.db");
    set_sql(bad,
            "UPDATE tag_daily SET row_count = (SELECT b.rows FROM billing_period b JOIN dim d ON "
            "d.value = b.payer WHERE d.id = tag_daily.payer_account AND b.period = "
            "tag_daily.period) WHERE rowid IN (SELECT t.rowid FROM tag_daily t JOIN (SELECT "
            "payer_account, period, tag_key FROM tag_daily ORDER BY rowid LIMIT 1) k USING "
            "(payer_account, period, tag_key) ORDER BY t.rowid LIMIT 2)");
    expect_refused(bad, " brings its tag key's row_count sum to ");
    // Line items count every input row once: their sum is the unit's rows.
    bad = copy_of_shard_1("line_sum.db");
    set_sql(bad, "UPDATE line_item_daily SET row_count = row_count + 1 WHERE " + first_line);
    expect_refused(bad, " input rows, its billing period row ");
    // The unit's own rows are bounded: 2^40 + 1 is refused before its rows are read.
    bad = copy_of_shard_1("unit_rows.db");
    set_sql(bad,
            "UPDATE billing_period SET rows = 1099511627777 WHERE payer = (SELECT "
            "min(payer) FROM billing_period)");
    expect_refused(bad,
                   ": its billing period row's rows (1099511627777) is not an integer in "
                   "1..2^40");
    // A key that is not an integer: column_int read 'x20260301' as 0 before.
    bad = copy_of_shard_1("day.db");
    set_sql(bad, "UPDATE cost_daily SET day = 'x' || day WHERE rowid = 1");
    expect_refused(bad, "cost_daily: a row's day (x20");
}

TEST_F(MergeDamaged, ATargetThatIsOneOfItsShardsIsRefusedBeforeAnyWrite) {
    // Before: the merge wrote shard 0's units into shard 1, failed with "database is locked"
    // (exit 4) and left shard 1 unusable.
    const std::string shard_1 = read_file(shard(1));
    const auto refused = [&](const std::string& db, std::vector<std::string> args,
                             const std::string& message) {
        std::vector<std::string> a = {"merge", "--quiet", "--db", db};
        a.insert(a.end(), args.begin(), args.end());
        const RunResult r = run_cli(a);
        EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
        EXPECT_TRUE(read_file(shard(1)) == shard_1);
        EXPECT_FALSE(fs::exists(shard(1) + "-wal"));
        EXPECT_FALSE(fs::exists(shard(1) + "-journal"));
    };
    refused(shard(1), {shards},
            "merge: --db " + shard(1) + " is the shard " + shard(1) +
                " (the same file): merge into a store of its own; nothing "
                "was written");
    // The same file under other names: a hard link, a path through "..".
    const std::string link = tmp / "link.db";
    fs::create_hard_link(shard(1), link);
    refused(link, {shard(0), shard(1)}, "merge: --db " + link + " is the shard " + shard(1));
    const std::string dotted = shards + "/../shards/shard-1.db";
    refused(dotted, {shard(1)}, "is the shard " + shard(1));
    // The shard merges as it did.
    EXPECT_EQ(run_cli({"merge", "--quiet", "--db", main_db, shards}).exit_code, 0);
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
