// The units of a sharded run (`curcrunch shards`), the shards file in both forms, and
// `ingest --shard N --shards-file F` writing one unit into a shard store — through the real
// binary on the bundled samples.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
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

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

TEST(Shards, ListsEveryManifestPeriodOfTheSamplesAsOneUnit) {
    const RunResult r = run_cli({"shards", samples()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 12u);
    const std::string root = fs::absolute(samples()).lexically_normal().string();
    EXPECT_EQ(lines[0].substr(0, lines[0].rfind('\t')),
              "0\t010000000000\t2025-11\t-\t" + root +
                  "/curcrunch-demo/20251101-20251201/curcrunch-demo-Manifest.json");
    EXPECT_EQ(lines[11].substr(0, lines[11].find('\t', 20)), "11\t010000000000\t2026-10");
    const std::string manifest =
        samples() + "/curcrunch-demo/20251101-20251201/curcrunch-demo-Manifest.json";
    EXPECT_EQ(lines[0].substr(lines[0].rfind('\t') + 1),
              "sha256:" + Sha256::of(read_file(manifest)));
    EXPECT_NE(r.err.find("12 unit(s), 1 payer(s), periods 2025-11..2026-10; plan "),
              std::string::npos)
        << r.err;
}

TEST(Shards, JsonAndTsvAreTheSamePlan) {
    const RunResult tsv = run_cli({"shards", "--quiet", samples()});
    const RunResult json = run_cli({"shards", "--quiet", "--format", "json", samples()});
    ASSERT_EQ(tsv.exit_code, 0);
    ASSERT_EQ(json.exit_code, 0);
    const auto a = ingest::ShardPlan::parse(tsv.out, "a.tsv");
    const auto b = ingest::ShardPlan::parse(json.out, "b.json");
    EXPECT_EQ(a.id(), b.id());
    EXPECT_EQ(a.id(), Sha256::of(tsv.out));
    EXPECT_EQ(a.units(), b.units());
    EXPECT_EQ(b.tsv(), tsv.out);
    EXPECT_NE(json.out.find("\"plan\": \"" + a.id() + "\""), std::string::npos);
}

TEST(Shards, MalformedShardsFilesNameFileAndLine) {
    const std::string ok = "0\t-\t2026-01\t-\t/data/a-Manifest.json\tsha256:ab\n";
    EXPECT_EQ(error_text([&] { ingest::ShardPlan::parse(ok + "2\t-\t-\t-\t/x\tsha256:1\n", "f"); }),
              "f:2: the index field is not 1 (unit N is line N+1)");
    EXPECT_EQ(error_text([&] { ingest::ShardPlan::parse("0\t-\t2026-13\t-\t/x\tv\n", "f"); }),
              "f:1: the period field is neither YYYY-MM nor -");
    EXPECT_EQ(error_text([&] { ingest::ShardPlan::parse("0\t-\t-\t/x\n", "f"); }),
              "f:1: expected 6 tab-separated fields (index, payer, period, profile, source, "
              "version), found 4");
    EXPECT_EQ(error_text([&] { ingest::ShardPlan::parse("0\t-\t-\t-\t/x\tv\r\n", "f"); }),
              "f:1: CRLF line ending");
    EXPECT_EQ(error_text([&] {
                  ingest::ShardPlan::parse(
                      R"({"plan": "00", "units": [{"index": 0, "payer": "", "period": "",
                         "profile": "", "source": "/x", "version": "v"}]})",
                      "f.json");
              }),
              "f.json: its \"plan\" id does not match its units (edited by hand?)");
    EXPECT_EQ(error_text([&] {
                  ingest::ShardPlan({ingest::ShardUnit{"", 0, "", "/a\tb", "v"}});
              }),
              "shard unit: a source holds a tab or line break, which a shards file cannot carry");
}

TEST(Shards, LooseFilesAreOneUnitPerFolderAndNamedFilesOneEach) {
    TempDir tmp;
    write_file(tmp / "in/oct/a.csv", known_month_csv("2026-10", "1.00"));
    write_file(tmp / "in/oct/b.csv", known_month_csv("2026-10", "2.00"));
    write_file(tmp / "in/sep.csv", known_month_csv("2026-09", "1.00"));
    write_file(tmp / "extra.csv", known_month_csv("2026-08", "1.00"));
    const RunResult r = run_cli({"shards", "--quiet", tmp / "in", tmp / "extra.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto plan = ingest::ShardPlan::parse(r.out, "out");
    ASSERT_EQ(plan.size(), 3u);
    std::set<std::string> sources;
    for (const auto& u : plan.units()) {
        sources.insert(u.source);
        EXPECT_EQ(u.period, 0);
        EXPECT_EQ(u.payer, "");
    }
    const std::string base = fs::canonical(tmp.path()).string();
    EXPECT_EQ(sources,
              (std::set<std::string>{base + "/extra.csv", base + "/in", base + "/in/oct"}));
}

class ShardIngest : public ::testing::Test {
  protected:
    void SetUp() override {
        const RunResult r = run_cli({"shards", "--quiet", samples()});
        ASSERT_EQ(r.exit_code, 0);
        write_file(plan, r.out);
    }
    TempDir tmp;
    std::string plan = tmp / "shards.tsv";
};

TEST_F(ShardIngest, WritesTheUnitAndItsRecordIntoANewShardStore) {
    const std::string shard = tmp / "shard-4.db";
    const RunResult r =
        run_cli({"ingest", "--quiet", "--shard", "4", "--shards-file", plan, "--db", shard},
                {"SLURM_ARRAY_JOB_ID=77", "SLURM_ARRAY_TASK_ID=4"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(shard + ".partial"));
    EXPECT_FALSE(fs::exists(shard + "-wal"));
    // The same rows as an ingest of that manifest alone.
    const std::string alone = tmp / "alone.db";
    ASSERT_EQ(
        run_cli({"ingest", "--quiet", "--db", alone,
                 samples() + "/curcrunch-demo/20260301-20260401/curcrunch-demo-Manifest.json"})
            .exit_code,
        0);
    EXPECT_EQ(dump_rollups(shard), dump_rollups(alone));
    // The delivery's (payer, period) units: its rows name two payers (the manifest names a third
    // account, which the plan lists as the delivery's).
    EXPECT_EQ(query_one(shard,
                        "SELECT group_concat(payer || '/' || period) FROM (SELECT payer, period "
                        "FROM billing_period ORDER BY payer)"),
              "010000000000/202603,121111111111/202603");
    // Its record: the unit's line of the plan, the plan id, who ran it.
    const auto p = ingest::ShardPlan::load(plan);
    EXPECT_EQ(query_one(shard, "SELECT count(*) FROM shard_run"), "1");
    EXPECT_EQ(query_one(shard, "SELECT unit FROM shard_run"), p.line(4));
    EXPECT_EQ(query_one(shard,
                        "SELECT plan_id || ' ' || plan_units || ' ' || unit_index FROM "
                        "shard_run"),
              p.id() + " 12 4");
    EXPECT_EQ(query_one(shard, "SELECT job FROM shard_run"), "slurm:77_4");
    EXPECT_EQ(query_one(shard, "SELECT merged_at FROM shard_run"), "");
    EXPECT_EQ(query_one(shard,
                        "SELECT ingest_id = shard_ingest_id AND ingest_id = (SELECT id "
                        "FROM ingest) FROM shard_run"),
              "1");
    EXPECT_EQ(query_one(shard, "PRAGMA journal_mode"), "delete");
}

TEST_F(ShardIngest, ARerunReplacesTheShardAndAFailedOneLeavesNone) {
    const std::string shard = tmp / "shard-0.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--shard", "0", "--shards-file", plan, "--db", shard})
                  .exit_code,
              0);
    const std::string first = query_one(shard, "SELECT shard_id FROM shard_run");
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--shard", "0", "--shards-file", plan, "--db", shard})
                  .exit_code,
              0);
    EXPECT_NE(query_one(shard, "SELECT shard_id FROM shard_run"), first);
    EXPECT_EQ(query_one(shard, "SELECT count(*) FROM shard_run"), "1");
    // The unit's delivery changes after listing: the run refuses (exit 3) and no shard is left.
    TempDir copy;
    fs::copy(samples(), copy.path(), fs::copy_options::recursive);
    const RunResult listed = run_cli({"shards", "--quiet", copy.path().string()});
    write_file(copy / "plan.tsv", listed.out);
    const std::string manifest =
        (copy.path() / "curcrunch-demo/20251101-20251201/curcrunch-demo-Manifest.json").string();
    write_file(manifest, read_file(manifest) + "\n");
    const std::string other = tmp / "shard-x.db";
    EXPECT_EQ(run_cli({"ingest", "--quiet", "--shard", "0", "--shards-file", copy / "plan.tsv",
                       "--db", other})
                  .exit_code,
              3);
    const RunResult r =
        run_cli({"ingest", "--shard", "0", "--shards-file", copy / "plan.tsv", "--db", shard});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find(manifest + ": changed since the shards file was written (listed as "
                                    "sha256:"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("run `curcrunch shards` again"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(other));
    // The earlier shard at that path was a result of another run: it is gone, not stale.
    EXPECT_FALSE(fs::exists(shard));
}

TEST_F(ShardIngest, UsageErrorsAndAStoreThatIsNotAShard) {
    auto code = [](std::vector<std::string> a) { return run_cli(a).exit_code; };
    EXPECT_EQ(code({"ingest", "--shard", "12", "--shards-file", plan, "--db", tmp / "s.db"}), 2);
    EXPECT_EQ(code({"ingest", "--shard", "-1", "--shards-file", plan, "--db", tmp / "s.db"}), 2);
    EXPECT_EQ(code({"ingest", "--shard", "0", "--db", tmp / "s.db"}), 2);
    EXPECT_EQ(code({"ingest", "--shards-file", plan, "--db", tmp / "s.db"}), 2);
    EXPECT_EQ(
        code({"ingest", "--shard", "0", "--shards-file", plan, "--db", tmp / "s.db", samples()}),
        2);
    EXPECT_EQ(
        code({"ingest", "--shard", "0", "--shards-file", tmp / "none.tsv", "--db", tmp / "s.db"}),
        3);
    const RunResult range =
        run_cli({"ingest", "--shard", "12", "--shards-file", plan, "--db", tmp / "s.db"});
    EXPECT_NE(range.err.find("--shard 12: the shards file has 12 unit(s), numbered 0 to 11"),
              std::string::npos)
        << range.err;
    // --db naming a store that is not a shard store (the main store, say) is never replaced.
    const std::string main_db = tmp / "main.db";
    write_file(tmp / "one.csv", known_month_csv("2026-10", "1.00"));
    ASSERT_EQ(code({"ingest", "--quiet", "--db", main_db, tmp / "one.csv"}), 0);
    const std::string before = dump_store(main_db);
    const RunResult r = run_cli({"ingest", "--shard", "0", "--shards-file", plan, "--db", main_db});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("exists and is not a shard store"), std::string::npos) << r.err;
    EXPECT_EQ(dump_store(main_db), before);
    EXPECT_EQ(code({"ingest", "--shard", "0", "--shards-file", plan, "--db", tmp / "s.db"}), 0);
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
