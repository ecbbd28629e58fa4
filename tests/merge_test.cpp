// `curcrunch merge` without a scheduler: shard stores computed one after another on this
// machine, merged into a store, and compared with a single ingest of the same inputs; every way
// merge refuses a shard (exit 3, the store unchanged); idempotence; units not in the shards
// left alone.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "curcrunch/ingest/shard_plan.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

std::string samples() {
    return std::string(CURCRUNCH_SOURCE_DIR) + "/samples";
}

// The (payer, period) units as a merge must reproduce them, coverage included: everything but
// the ingest ids and times.
std::string period_values(const std::string& db) {
    return query_one(db,
                     "SELECT group_concat(line, char(10)) FROM (SELECT payer || '|' || period || "
                     "'|' || rows || '|' || manifest || '|' || assembly_id || '|' || min_day || "
                     "'|' || max_day || '|' || unblended || '|' || invoice_ids || '|' || "
                     "invoice_column || '|' || origin AS line FROM billing_period ORDER BY payer, "
                     "period)");
}

// Every string with its reference count (dim_refs.hpp): a merge keeps the counts exact.
std::string dim_values(const std::string& db) {
    return query_one(db,
                     "SELECT group_concat(line, char(10)) FROM (SELECT value || '|' || refs AS "
                     "line FROM dim ORDER BY value)");
}

// What each ingest behind a unit replaced, and which units each of its sources fed.
std::string unit_records(const std::string& db) {
    return query_one(
        db,
        "SELECT group_concat(line, char(10)) FROM (SELECT 'replaced ' || payer || '|' || period "
        "|| '|' || rows || '|' || max_day || '|' || unblended AS line FROM ingest_unit WHERE "
        "ingest_id IN (SELECT ingest_id FROM billing_period) UNION ALL SELECT 'fed ' || s.path "
        "|| '|' || u.payer || '|' || u.period || '|' || u.rows FROM ingest_source_unit u JOIN "
        "ingest_source s ON s.id = u.source_id WHERE s.ingest_id IN (SELECT ingest_id FROM "
        "billing_period) ORDER BY 1)");
}

// The files the store's periods were ingested from, with their hashes and rows: provenance
// must survive the merge.
std::string period_sources(const std::string& db) {
    return query_one(db,
                     "SELECT group_concat(line, char(10)) FROM (SELECT DISTINCT s.path || '|' || "
                     "s.sha256 || '|' || s.rows AS line FROM ingest_source s WHERE s.ingest_id IN "
                     "(SELECT ingest_id FROM billing_period) ORDER BY 1)");
}

class Merge : public ::testing::Test {
  protected:
    void SetUp() override {
        // The samples (12 months 2025-11..2026-10, two payers in one delivery a month) and a
        // second export (a third payer, CUR 2.0) whose two months are the samples' last two: a
        // month's units come from two shards.
        ASSERT_EQ(run_cli({"gen",          "--layout", "--daily",       "--gzip",
                           "--gzip-level", "1",        "--dialect",     "cur2",
                           "--months",     "2",        "--start",       "2026-09",
                           "--payers",     "1",        "--first-payer", "2",
                           "--accounts",   "2",        "--resources",   "4",
                           "--seed",       "11",       "--report-name", "second-payer",
                           "--out",        second})
                      .exit_code,
                  0);
    }

    // Lists `sources` into `plan_file` and computes the first `count` units (all by default)
    // into `dir`/shard-N.db. Returns the number of units listed.
    size_t compute_shards(const std::vector<std::string>& sources, const std::string& plan_file,
                          const std::string& dir, size_t count = SIZE_MAX) {
        std::vector<std::string> list = {"shards", "--quiet"};
        list.insert(list.end(), sources.begin(), sources.end());
        const RunResult r = run_cli(list);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        write_file(plan_file, r.out);
        fs::create_directories(dir);
        const size_t n = ingest::ShardPlan::parse(r.out, plan_file).size();
        for (size_t i = 0; i < n && i < count; ++i) {
            const RunResult s =
                run_cli({"ingest", "--quiet", "--shard", std::to_string(i), "--shards-file",
                         plan_file, "--db", dir + "/shard-" + std::to_string(i) + ".db"});
            EXPECT_EQ(s.exit_code, 0) << s.err;
        }
        return n;
    }

    std::string shard(size_t i) const { return shards + "/shard-" + std::to_string(i) + ".db"; }

    // Runs merge expecting a refusal: exit 3, `message` on stderr, the store unchanged.
    void expect_refused(const std::vector<std::string>& args, const std::string& message) {
        const std::string before = fs::exists(main_db) ? dump_store(main_db) : "";
        std::vector<std::string> a = {"merge", "--db", main_db};
        a.insert(a.end(), args.begin(), args.end());
        const RunResult r = run_cli(a);
        EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
        // A refused merge into a new store leaves no file (Store::open builds it elsewhere).
        if (before.empty())
            EXPECT_FALSE(fs::exists(main_db));
        else
            EXPECT_EQ(dump_store(main_db), before);
    }

    TempDir tmp;
    std::string second = tmp / "second";
    std::string plan = tmp / "shards.tsv";
    std::string shards = tmp / "shards";
    std::string main_db = tmp / "main.db";
};

TEST_F(Merge, EqualsASingleIngestOfTheSameInputs) {
    const size_t n = compute_shards({samples(), second}, plan, shards);
    ASSERT_EQ(n, 14u);
    const RunResult m = run_cli({"merge", "--db", main_db, "--shards-file", plan, shards});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    // 14 deliveries (units of work), 26 (payer, period) units: 12 months of two payers and two
    // of a third.
    EXPECT_NE(m.out.find("merged 14 shard(s): 26 unit(s) replaced ("), std::string::npos) << m.out;

    const std::string single = tmp / "single.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", single, samples(), second}).exit_code, 0);
    EXPECT_EQ(query_one(single,
                        "SELECT count(*) || ' ' || count(DISTINCT payer) FROM "
                        "billing_period"),
              "26 3");
    EXPECT_TRUE(dump_rollups(main_db) == dump_rollups(single));
    EXPECT_EQ(period_values(main_db), period_values(single));
    EXPECT_TRUE(dim_values(main_db) == dim_values(single));
    EXPECT_TRUE(period_sources(main_db) == period_sources(single));
    EXPECT_TRUE(unit_records(main_db) == unit_records(single));
    const std::string sources = period_sources(main_db);
    EXPECT_EQ(std::count(sources.begin(), sources.end(), '\n'), 13);
    // Every shard run is recorded with its copy of the ingest, and periods names it.
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM shard_run WHERE merged_at <> ''"), "14");
    EXPECT_EQ(query_one(main_db,
                        "SELECT count(*) FROM billing_period b JOIN shard_run r ON "
                        "r.ingest_id = b.ingest_id"),
              "26");
    // The reference counts are exact: vacuum's recount from scratch finds nothing to change.
    const std::string counted = dim_values(main_db);
    const RunResult vacuum = run_cli({"vacuum", "--db", main_db});
    ASSERT_EQ(vacuum.exit_code, 0) << vacuum.err;
    EXPECT_TRUE(dim_values(main_db) == counted);
    const RunResult periods = run_cli({"periods", "--db", main_db});
    const auto p = ingest::ShardPlan::load(plan);
    EXPECT_NE(periods.out.find("shard 0/14 of plan " + p.id().substr(0, 12) + ", computed on "),
              std::string::npos)
        << periods.out;
}

TEST_F(Merge, IsIdempotentAndLeavesOtherUnitsAlone) {
    // The store already holds units the shards do not — another payer's 2026-10 and 2024-05 —
    // and an older version of one they do: payer 010000000000's 2026-10, restated, with a
    // description no other row uses.
    write_file(tmp / "old.csv", known_month_csv("2024-05", "3.00"));
    write_file(tmp / "other-payer.csv", known_month_csv("2026-10", "4.00"));
    std::string restated = known_month_csv("2026-10", "99.00");
    for (size_t at; (at = restated.find("000011112222")) != std::string::npos;)
        restated.replace(at, 12, "010000000000");
    for (size_t at; (at = restated.find("鍵管理")) != std::string::npos;)
        restated.replace(at, std::string("鍵管理").size(), "restated only");
    write_file(tmp / "restated.csv", restated);
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", main_db, tmp / "old.csv",
                       tmp / "other-payer.csv", tmp / "restated.csv"})
                  .exit_code,
              0);
    const char* kept_units =
        "SELECT group_concat(payer || '/' || period || '|' || ingest_id || '|' || unblended) FROM "
        "billing_period WHERE payer = '000011112222'";
    const std::string kept = query_one(main_db, kept_units);
    EXPECT_EQ(kept, "000011112222/202405|1|1568000000000,000011112222/202610|1|1848000000000");
    compute_shards({samples()}, plan, shards);
    ASSERT_EQ(run_cli({"merge", "--db", main_db, "--quiet", shards}).exit_code, 0);
    EXPECT_EQ(query_one(main_db, kept_units), kept);
    const std::string single = tmp / "single.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", single, samples()}).exit_code, 0);
    const char* restated_unit =
        "SELECT unblended || '|' || rows FROM billing_period WHERE payer = '010000000000' AND "
        "period = 202610";
    EXPECT_EQ(query_one(main_db, restated_unit), query_one(single, restated_unit));
    // The replaced rows' own strings went with them; the counts stay exact.
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM dim WHERE value LIKE '%restated only%'"),
              "0");
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM dim WHERE value LIKE '%鍵管理%'"),
              "2");  // the product name and its description, used by the other units
    const std::string counted = dim_values(main_db);
    ASSERT_EQ(run_cli({"vacuum", "--db", main_db}).exit_code, 0);
    EXPECT_TRUE(dim_values(main_db) == counted);

    // Again: nothing at all changes.
    const std::string before = dump_store(main_db);
    const RunResult again = run_cli({"merge", "--db", main_db, shards});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 unit(s) replaced (0 cost rollup rows), 24 already held"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(dump_store(main_db), before);

    // A new run of one index replaces its units (a new shard run: both payers of its month), and
    // only those.
    ASSERT_EQ(
        run_cli({"ingest", "--quiet", "--shard", "3", "--shards-file", plan, "--db", shard(3)})
            .exit_code,
        0);
    const RunResult rerun = run_cli({"merge", "--db", main_db, shards});
    EXPECT_NE(rerun.out.find("2 unit(s) replaced"), std::string::npos) << rerun.out;
    EXPECT_EQ(query_one(main_db, kept_units), kept);
    const char* sample_rows =
        "SELECT count(*) || '|' || money_sum(unblended) FROM cost_daily_named WHERE "
        "payer_account <> '000011112222'";
    EXPECT_EQ(query_one(main_db, sample_rows), query_one(single, sample_rows));
}

TEST_F(Merge, RefusesShardsOfAnotherSchemaOrToolVersion) {
    compute_shards({samples()}, plan, shards, 4);
    ASSERT_EQ(run_cli({"merge", "--db", main_db, "--quiet", shard(0)}).exit_code, 0);
    const std::string version = query_one(shard(1),
                                          "SELECT value FROM meta WHERE key = "
                                          "'schema_version'");
    const auto set = [](const std::string& db, const std::string& sql) {
        store::Database d(db, store::Database::Mode::read_write_create);
        d.exec(sql);
    };
    set(shard(1), "UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    expect_refused({shard(1)}, "shard " + shard(1) +
                                   " refused: written with store schema 3; this "
                                   "curcrunch merges schema " +
                                   version + " only: run the shard again with this curcrunch");
    // Opened as it is: an older shard is not upgraded in place by the check.
    EXPECT_EQ(query_one(shard(1), "SELECT value FROM meta WHERE key = 'schema_version'"), "3");
    set(shard(1), "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    expect_refused({shard(1)},
                   "shard " + shard(1) + " refused: written with store schema 99; this");
    set(shard(2), "UPDATE shard_run SET tool_version = '0.0.1'");
    expect_refused({shard(2)}, "shard " + shard(2) +
                                   " refused: computed by curcrunch 0.0.1, this is "
                                   "curcrunch " CURCRUNCH_VERSION);
    // Merge maps string ids through an array sized by the largest id: a dictionary that is not a
    // fresh store's (a hostile or hand-edited file) is refused before anything is allocated.
    set(shard(3), "INSERT INTO dim(id, value) VALUES (5000000000, 'far away')");
    expect_refused({shard(3)},
                   "its string dictionary is not a fresh store's (ids up to "
                   "5000000000 for ");
    set(shard(3), "DELETE FROM dim WHERE id = 5000000000");
    // A refused shard stops the whole merge before any write, even after good ones.
    expect_refused({shard(3), shard(2)}, "computed by curcrunch 0.0.1");
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM billing_period"), "2");
}

TEST_F(Merge, RefusesShardsWhoseProvenanceDoesNotMatch) {
    compute_shards({samples()}, plan, shards, 7);
    const auto set = [](const std::string& db, const std::string& sql) {
        store::Database d(db, store::Database::Mode::read_write_create);
        d.exec(sql);
    };
    ASSERT_EQ(run_cli({"merge", "--db", main_db, "--quiet", shard(0)}).exit_code, 0);
    // A plan listed again after a delivery changed: another plan id.
    TempDir copy;
    fs::copy(samples(), copy.path(), fs::copy_options::recursive);
    const std::string manifest =
        (copy.path() / "curcrunch-demo/20260501-20260601/curcrunch-demo-Manifest.json").string();
    write_file(manifest, read_file(manifest) + " ");
    const std::string other_plan = tmp / "other.tsv", other_shards = tmp / "other";
    compute_shards({copy.path().string()}, other_plan, other_shards, 3);
    expect_refused({"--shards-file", plan, other_shards + "/shard-1.db"},
                   "belongs to plan " + ingest::ShardPlan::load(other_plan).id().substr(0, 16) +
                       ", not to the shards file's plan " +
                       ingest::ShardPlan::load(plan).id().substr(0, 16));
    expect_refused({shard(1), other_shards + "/shard-2.db"},
                   ": merge the shards of one plan at a time");
    // The version a shard read must be its unit's.
    set(shard(4), "UPDATE shard_run SET version_seen = 'sha256:00'");
    expect_refused({shard(4)}, "at version sha256:00, its unit lists sha256:");
    // Not a shard store: a plain store, or a shard someone ingested more into.
    const std::string plain = tmp / "plain.db";
    write_file(tmp / "one.csv", known_month_csv("2026-10", "1.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", plain, tmp / "one.csv"}).exit_code, 0);
    expect_refused({plain}, "shard " + plain + " refused: not a finished shard store");
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", shard(5), tmp / "one.csv"}).exit_code, 0);
    expect_refused({shard(5)}, "holds other ingests than the one its record names");
    // Incomplete: the shards file lists units without a shard here.
    fs::remove(shard(4));
    fs::remove(shard(5));
    expect_refused({"--shards-file", plan, shards},
                   "the shards file lists 12 units and 7 have no shard here (index 4, 5, 7, 8, "
                   "9, 10, 11): nothing was merged");
    // The same index twice.
    fs::copy(shard(6), tmp / "copy-of-6.db");
    expect_refused({shard(6), tmp / "copy-of-6.db"}, "computes index 6, as ");
}

TEST_F(Merge, RefusesShardsWhoseRowsBreakTheStoresInvariants) {
    // Merge copies a shard's rows into a store that relies on the store's invariants (schema.cpp,
    // version 6): a shard whose rows do not keep them (a damaged or hand-edited file) is refused
    // before anything is written, naming the shard, the table and the unit.
    compute_shards({samples()}, plan, shards, 6);
    ASSERT_EQ(run_cli({"merge", "--db", main_db, "--quiet", shard(0)}).exit_code, 0);
    const auto set = [](const std::string& db, const std::string& sql) {
        store::Database d(db, store::Database::Mode::read_write_create);
        d.exec(sql);
    };
    const std::string first_row = "rowid = (SELECT min(rowid) FROM cost_daily)";
    // An amount beyond the 10^14 bound every stored amount keeps (core/money.hpp).
    set(shard(1),
        "UPDATE cost_daily SET blended = '10000000000000000000000001' WHERE " + first_row);
    expect_refused({shard(1)}, "shard " + shard(1) + " refused: cost_daily: a row of payer ");
    expect_refused({shard(1)}, " holds a blended beyond 10^14 or not an integer amount");
    set(shard(2), "UPDATE line_item_daily SET amortized = 1.5 WHERE rowid = 1");
    expect_refused({shard(2)}, "line_item_daily: a row of payer ");
    // A unit's billing period that does not say what its rows hold.
    set(shard(3),
        "UPDATE billing_period SET unblended = unblended + 1 WHERE payer = '010000000000'");
    expect_refused({shard(3)}, ": its billing period row says ");
    // Rows of no unit; a string the dictionary lacks; a row outside its unit's days.
    set(shard(4), "DELETE FROM billing_period WHERE period = 202603 AND payer = '010000000000'");
    expect_refused({shard(4)},
                   "cost_daily: a row of period 202603 belongs to no billing period of the shard");
    set(shard(5), "UPDATE tag_daily SET tag_value = 99999999 WHERE rowid = 1");
    expect_refused({shard(5)}, "names a string its dictionary lacks (tag_value)");
    compute_shards({samples()}, plan, shards, 8);
    set(shard(6), "UPDATE cost_daily SET day = 20990101 WHERE " + first_row);
    expect_refused({shard(6)}, " lies outside its days (20990101)");
    set(shard(6),
        "UPDATE cost_daily SET day = (SELECT min_day FROM billing_period LIMIT 1) "
        "WHERE day = 20990101");
    std::string ids = "i0";
    for (int i = 1; i <= 100; ++i)
        ids += ",i" + std::to_string(i);
    set(shard(6), "UPDATE billing_period SET invoice_ids = '" + ids + "'");
    expect_refused({shard(6)}, " lists more than 100 invoice ids");
    set(shard(7), "UPDATE billing_period SET origin = 'upgraded'");
    expect_refused({shard(7)}, " was not written by an ingest (origin upgraded)");
    // One bad shard among good ones: nothing is merged.
    expect_refused({shard(0), shard(1), shard(7)}, "origin upgraded");
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM billing_period"), "2");
}

TEST_F(Merge, RefusesTwoShardsHoldingTheSameUnit) {
    // Two folders of loose files with rows of the same month: two units of work, one unit of
    // replacement. A single ingest would sum them; merge cannot know which one wins.
    write_file(tmp / "loose/a/oct.csv", known_month_csv("2026-10", "1.00"));
    write_file(tmp / "loose/b/oct.csv", known_month_csv("2026-10", "2.00"));
    ASSERT_EQ(compute_shards({tmp / "loose"}, plan, shards), 2u);
    expect_refused({shards}, "holds payer 000011112222, period 2026-10, as " + shard(0) +
                                 " does: two deliveries with rows of one (payer, billing "
                                 "period) cannot be merged (a single ingest would sum them); "
                                 "list their files as one unit of work");
}

TEST_F(Merge, AnInterruptedMergeKeepsWholeUnitsAndFinishesWhenRunAgain) {
    compute_shards({samples(), second}, plan, shards);
    const std::string full = tmp / "full.db";
    ASSERT_EQ(run_cli({"merge", "--db", full, "--quiet", shards}).exit_code, 0);
    // Each unit's rows as the complete merge holds them.
    const auto unit_rows = [](const std::string& db, const std::string& payer,
                              const std::string& period) {
        return query_one(db,
                         "SELECT count(*) || '|' || money_sum(unblended) || '|' || sum(row_count) "
                         "FROM cost_daily_named WHERE payer_account = '" +
                             payer + "' AND period = " + period);
    };
    for (int sig : {SIGTERM, SIGINT}) {
        const std::string db = tmp / ("interrupted-" + std::to_string(sig) + ".db");
        std::atomic<int> pid{0};
        RunResult r;
        std::thread run([&] { r = run_cli({"merge", "--db", db, "--quiet", shards}, {}, &pid); });
        // The signal comes once the first unit is committed (read through a connection of its
        // own). A new store is built under the merge's process id and takes its name when the
        // merge ends, interrupted or not (Store::open).
        const auto units_held = [&](const std::string& file) {
            try {
                return std::stoi(query_one(file, "SELECT count(*) FROM billing_period"));
            } catch (const std::exception&) {  // not created yet
                return 0;
            }
        };
        bool sent = false;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!sent && std::chrono::steady_clock::now() < deadline) {
            const std::string building = db + ".new-" + std::to_string(pid.load());
            if (pid.load() > 0 && fs::exists(building) && units_held(building) > 0)
                sent = ::kill(pid.load(), sig) == 0;
            else
                std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        run.join();
        ASSERT_TRUE(sent) << "the merge ended before the signal: " << r.out << r.err;
        EXPECT_EQ(r.exit_code, 128 + sig) << r.err;
        const std::string name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
        EXPECT_NE(r.err.find("curcrunch: interrupted (" + name + ") after "), std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("merge the same shards again to finish"), std::string::npos) << r.err;
        // Some units, not all, each exactly as the complete merge has it, under the store's name.
        EXPECT_FALSE(fs::exists(db + ".new-" + std::to_string(pid.load())));
        const int held = units_held(db);
        EXPECT_GT(held, 0);
        EXPECT_LT(held, 26);
        store::Database d(db, store::Database::Mode::read_only);
        auto units = d.prepare("SELECT payer, period FROM billing_period");
        while (units.step()) {
            const std::string payer = units.column_text(0),
                              period = std::to_string(units.column_int(1));
            EXPECT_EQ(unit_rows(db, payer, period), unit_rows(full, payer, period))
                << payer << " " << period;
        }
        // Run again, it finishes: the same store as the merge that was not interrupted.
        ASSERT_EQ(run_cli({"merge", "--db", db, "--quiet", shards}).exit_code, 0);
        EXPECT_TRUE(dump_rollups(db) == dump_rollups(full));
        EXPECT_TRUE(dim_values(db) == dim_values(full));
        EXPECT_EQ(period_values(db), period_values(full));
    }
}

TEST_F(Merge, UsageAndStoreErrors) {
    compute_shards({samples()}, plan, shards, 1);
    EXPECT_EQ(run_cli({"merge", "--db", main_db}).exit_code, 2);
    EXPECT_EQ(run_cli({"merge", "--db", main_db, tmp / "empty-folder-does-not-exist"}).exit_code,
              3);
    fs::create_directories(tmp / "empty");
    EXPECT_EQ(run_cli({"merge", "--db", main_db, tmp / "empty"}).exit_code, 2);
    write_file(tmp / "notes.db", "not a store\n");
    EXPECT_EQ(run_cli({"merge", "--db", tmp / "notes.db", shards}).exit_code, 4);
    EXPECT_EQ(
        run_cli({"merge", "--db", main_db, "--shards-file", tmp / "none.tsv", shards}).exit_code,
        3);
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
