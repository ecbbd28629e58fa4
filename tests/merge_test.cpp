// `curcrunch merge` without a scheduler: shard stores computed one after another on this
// machine, merged into a store, and compared with a single ingest of the same inputs; every way
// merge refuses a shard (exit 3, the store unchanged); idempotence; units not in the shards
// left alone.
#include <gtest/gtest.h>

#include <filesystem>

#include "curcrunch/ingest/shard_plan.hpp"
#include "test_support.hpp"

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

std::string samples() {
    return std::string(CURCRUNCH_SOURCE_DIR) + "/samples";
}

// Billing periods as a merge must reproduce them: everything but the ingest ids and times.
std::string period_values(const std::string& db) {
    return query_one(db,
                     "SELECT group_concat(line, char(10)) FROM (SELECT period || '|' || rows || "
                     "'|' || manifest || '|' || assembly_id || '|' || min_day || '|' || max_day "
                     "|| '|' || unblended AS line FROM billing_period ORDER BY period)");
}

std::string dim_values(const std::string& db) {
    return query_one(db,
                     "SELECT group_concat(value, char(10)) FROM (SELECT value FROM dim "
                     "ORDER BY value)");
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
        // The samples (12 months, payers 0 and 1) and a second export (payer 2, CUR 2.0, two
        // months after them).
        ASSERT_EQ(run_cli({"gen",           "--layout",
                           "--daily",       "--gzip",
                           "--dialect",     "cur2",
                           "--months",      "2",
                           "--start",       "2026-11",
                           "--payers",      "1",
                           "--first-payer", "2",
                           "--accounts",    "2",
                           "--resources",   "4",
                           "--seed",        "11",
                           "--report-name", "second-payer",
                           "--out",         second})
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
        if (!before.empty()) {
            EXPECT_EQ(dump_store(main_db), before);
        }
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
    EXPECT_NE(m.out.find("merged 14 shard(s): 14 unit(s) replaced ("), std::string::npos) << m.out;

    const std::string single = tmp / "single.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", single, samples(), second}).exit_code, 0);
    EXPECT_TRUE(dump_rollups(main_db) == dump_rollups(single));
    EXPECT_EQ(period_values(main_db), period_values(single));
    EXPECT_TRUE(dim_values(main_db) == dim_values(single));
    EXPECT_TRUE(period_sources(main_db) == period_sources(single));
    const std::string sources = period_sources(main_db);
    EXPECT_EQ(std::count(sources.begin(), sources.end(), '\n'), 13);
    // Every shard run is recorded with its copy of the ingest, and periods names it.
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM shard_run WHERE merged_at <> ''"), "14");
    EXPECT_EQ(query_one(main_db,
                        "SELECT count(*) FROM billing_period b JOIN shard_run r ON "
                        "r.ingest_id = b.ingest_id"),
              "14");
    const RunResult periods = run_cli({"periods", "--db", main_db});
    const auto p = ingest::ShardPlan::load(plan);
    EXPECT_NE(periods.out.find("shard 0/14 of plan " + p.id().substr(0, 12) + ", computed on "),
              std::string::npos)
        << periods.out;
}

TEST_F(Merge, IsIdempotentAndLeavesOtherUnitsAlone) {
    // The store already holds a period the shards do not (2024-05) and an older version of one
    // they do (2026-10, restated).
    write_file(tmp / "old.csv", known_month_csv("2024-05", "3.00"));
    write_file(tmp / "restated.csv", known_month_csv("2026-10", "99.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", main_db, tmp / "old.csv", tmp / "restated.csv"})
                  .exit_code,
              0);
    const std::string may = query_one(main_db,
                                      "SELECT ingest_id || '|' || unblended FROM "
                                      "billing_period WHERE period = 202405");
    compute_shards({samples()}, plan, shards);
    ASSERT_EQ(run_cli({"merge", "--db", main_db, "--quiet", shards}).exit_code, 0);
    EXPECT_EQ(query_one(main_db,
                        "SELECT ingest_id || '|' || unblended FROM billing_period WHERE "
                        "period = 202405"),
              may);
    const std::string single = tmp / "single.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", single, samples()}).exit_code, 0);
    EXPECT_EQ(query_one(main_db, "SELECT unblended FROM billing_period WHERE period = 202610"),
              query_one(single, "SELECT unblended FROM billing_period WHERE period = 202610"));
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM cost_daily WHERE period = 202610"),
              query_one(single, "SELECT count(*) FROM cost_daily WHERE period = 202610"));

    // Again: nothing at all changes.
    const std::string before = dump_store(main_db);
    const RunResult again = run_cli({"merge", "--db", main_db, shards});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 unit(s) replaced (0 cost rollup rows), 12 already held"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(dump_store(main_db), before);

    // A new run of one index replaces its unit (a new shard run), and only that.
    ASSERT_EQ(
        run_cli({"ingest", "--quiet", "--shard", "3", "--shards-file", plan, "--db", shard(3)})
            .exit_code,
        0);
    const RunResult rerun = run_cli({"merge", "--db", main_db, shards});
    EXPECT_NE(rerun.out.find("1 unit(s) replaced"), std::string::npos) << rerun.out;
    EXPECT_TRUE(dump_rollups(main_db) != dump_rollups(single));  // 2024-05 is still there
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM cost_daily WHERE period <> 202405"),
              query_one(single, "SELECT count(*) FROM cost_daily"));
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
                                   ": written with store schema 3; this "
                                   "curcrunch merges schema " +
                                   version + " only: run the shard again with this curcrunch");
    set(shard(1), "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    expect_refused({shard(1)}, "shard " + shard(1) + ": " + shard(1) +
                                   " was written by a newer curcrunch (store schema 99");
    set(shard(2), "UPDATE shard_run SET tool_version = '0.0.1'");
    expect_refused({shard(2)}, "shard " + shard(2) +
                                   ": computed by curcrunch 0.0.1, this is "
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
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM billing_period"), "1");
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
    expect_refused({plain}, "shard " + plain + ": not a finished shard store");
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

TEST_F(Merge, RefusesTwoShardsHoldingTheSameUnit) {
    // Two folders of loose files with rows of the same month: two units of work, one unit of
    // replacement. A single ingest would sum them; merge cannot know which one wins.
    write_file(tmp / "loose/a/oct.csv", known_month_csv("2026-10", "1.00"));
    write_file(tmp / "loose/b/oct.csv", known_month_csv("2026-10", "2.00"));
    ASSERT_EQ(compute_shards({tmp / "loose"}, plan, shards), 2u);
    expect_refused({shards}, "holds period 2026-10, as " + shard(0) +
                                 " does: the files of one unit of replacement must be listed "
                                 "as one unit of work");
    EXPECT_EQ(query_one(main_db, "SELECT count(*) FROM billing_period"), "0");
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
