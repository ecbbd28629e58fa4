// Shards from S3: `shards --config` lists each profile's CUR deliveries through the fetch
// configuration (Vault AppRole, STS, S3 on the test servers), `fetch --shard` fetches exactly
// one into a shard store, and the merge equals an ingest of the same exports from disk.
#include <gtest/gtest.h>

#include "curcrunch/ingest/shard_plan.hpp"
#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

// The options a listing shares with fetch (World::args without --db, cache and archive).
std::vector<std::string> list_args(const World& w, std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"shards",
                                  "--quiet",
                                  "--config",
                                  w.tmp / "fetch.json",
                                  "--error-log",
                                  w.tmp / "errors.jsonl",
                                  "--endpoint-url",
                                  w.aws.endpoint(),
                                  "--from",
                                  "2026-09",
                                  "--to",
                                  "2026-10",
                                  "--retry-base-ms",
                                  "1"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

std::vector<std::string> fetch_shard(const World& w, const std::string& plan, size_t i,
                                     const std::string& db) {
    return {"fetch",
            "--config",
            w.tmp / "fetch.json",
            "--cache-dir",
            w.tmp / "cache",
            "--error-log",
            w.tmp / "errors.jsonl",
            "--endpoint-url",
            w.aws.endpoint(),
            "--retry-base-ms",
            "1",
            "--shard",
            std::to_string(i),
            "--shards-file",
            plan,
            "--db",
            db};
}

TEST(FetchShards, ListsEveryProfilesDeliveriesWithTheirManifestETags) {
    World w;
    const RunResult r = run_cli(list_args(w), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto plan = ingest::ShardPlan::parse(r.out, "listing");
    ASSERT_EQ(plan.size(), 4u) << r.out;
    // Sorted by profile: internal's two months, then oab's; the stale assembly is not a unit.
    EXPECT_EQ(plan.units()[0].profile, "internal");
    EXPECT_EQ(plan.units()[2].profile, "oab");
    EXPECT_EQ(plan.units()[2].period, 202609);
    EXPECT_EQ(plan.units()[2].payer, "010000000000");  // the manifest's account: its first payer
    EXPECT_EQ(plan.units()[2].source,
              "s3://billing-oab/billing/oab-cur/20260901-20261001/oab-cur-Manifest.json");
    EXPECT_EQ(plan.units()[2].version.rfind("etag:", 0), 0u);
    EXPECT_EQ(plan.units()[2].version.find('"'), std::string::npos);
    EXPECT_EQ(w.vault.live_tokens(), 0u);  // the listing's token is revoked too
    EXPECT_FALSE(fs::exists(w.db));        // a listing writes no store
    // --profile narrows it; local paths and --config do not mix.
    EXPECT_EQ(
        ingest::ShardPlan::parse(run_cli(list_args(w, {"--profile", "oab"}), w.env()).out, "oab")
            .size(),
        2u);
    EXPECT_EQ(run_cli(list_args(w, {w.tmp.path().string()}), w.env()).exit_code, 2);
    EXPECT_EQ(run_cli({"shards", "--profile", "oab", w.tmp.path().string()}).exit_code, 2);
}

TEST(FetchShards, FetchedShardsMergeIntoWhatAFetchHoldsAndTheNextFetchIsIdle) {
    World w;
    const std::string plan = w.tmp / "plan.tsv";
    const RunResult listed = run_cli(list_args(w), w.env());
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    write_file(plan, listed.out);
    fs::create_directories(w.tmp / "shards");
    for (size_t i = 0; i < 4; ++i) {
        const RunResult r =
            run_cli(fetch_shard(w, plan, i, w.tmp / ("shards/shard-" + std::to_string(i) + ".db")),
                    w.env());
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        EXPECT_NE(r.out.find("CUR periods: 1 ingested"), std::string::npos) << r.out;
    }
    // Only the unit: no accounts, no invoices, the other profile's cache untouched (until its
    // own shards ran).
    EXPECT_EQ(query_one(w.tmp / "shards/shard-2.db", "SELECT count(*) FROM account"), "0");
    EXPECT_EQ(query_one(w.tmp / "shards/shard-2.db", "SELECT count(*) FROM invoice"), "0");
    EXPECT_EQ(query_one(w.tmp / "shards/shard-3.db", "SELECT unit FROM shard_run"),
              ingest::ShardPlan::load(plan).line(3));

    const std::string merged = w.tmp / "merged.db";
    const RunResult m = run_cli({"merge", "--db", merged, "--shards-file", plan, w.tmp / "shards"});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    EXPECT_NE(m.out.find("merged 4 shard(s): 4 unit(s) replaced ("), std::string::npos) << m.out;
    // The same as fetch itself writes, and as an ingest of the same exports from disk.
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    EXPECT_TRUE(dump_rollups(merged) == dump_rollups(w.db));
    EXPECT_TRUE(dump_rollups(merged) == dump_rollups(w.disk_db));
    EXPECT_EQ(dump_rollups(merged).find("999999"), std::string::npos);  // not the stale assembly
    const char* units =
        "SELECT group_concat(line, char(10)) FROM (SELECT payer || '|' || period || '|' || rows "
        "|| '|' || unblended || '|' || min_day || '|' || max_day || '|' || invoice_ids || '|' || "
        "invoice_column || '|' || manifest || '|' || assembly_id AS line FROM billing_period "
        "ORDER BY payer, period)";
    EXPECT_EQ(query_one(merged, units), query_one(w.db, units));
    EXPECT_EQ(query_one(merged, "SELECT count(DISTINCT payer) FROM billing_period"), "2");
    // The files each unit came from, as fetch records them (path under <profile>/, ETag, size),
    // and the units each source fed: with them the next fetch into the merged store, over the
    // same cache, finds every profile's period unchanged.
    const char* files =
        "SELECT group_concat(line, char(10)) FROM (SELECT f.path || '|' || f.etag || '|' || "
        "f.bytes AS line FROM fetched_file f WHERE f.ingest_id IN (SELECT ingest_id FROM "
        "billing_period) ORDER BY 1)";
    EXPECT_EQ(query_one(merged, files), query_one(w.db, files));
    EXPECT_EQ(query_one(merged,
                        "SELECT count(*) FROM ingest_source_unit u JOIN ingest_source s ON s.id = "
                        "u.source_id JOIN billing_period b ON b.ingest_id = s.ingest_id AND "
                        "b.payer = u.payer AND b.period = u.period"),
              "4");
    std::vector<std::string> again = w.args();
    for (size_t i = 0; i + 1 < again.size(); ++i)
        if (again[i] == "--db") again[i + 1] = merged;
    const RunResult idle = run_cli(again, w.env());
    ASSERT_EQ(idle.exit_code, 0) << idle.out << idle.err;
    EXPECT_NE(idle.out.find("CUR periods: 0 ingested, 4 unchanged, 0 failed"), std::string::npos)
        << idle.out;
}

TEST(FetchShards, ADeliveryThatChangedSinceTheListingIsNotFetched) {
    World w;
    const std::string plan = w.tmp / "plan.tsv";
    write_file(plan, run_cli(list_args(w, {"--profile", "oab"}), w.env()).out);
    // AWS delivers October again: the manifest object changes, and with it its ETag.
    const std::string key = "billing/oab-cur/20261001-20261101/oab-cur-Manifest.json";
    w.aws.put_object(
        "billing-oab", key,
        read_file(w.tmp / "oab/oab-cur/20261001-20261101/oab-cur-Manifest.json") + "\n");
    const std::string shard = w.tmp / "shard-1.db";
    const RunResult r = run_cli(fetch_shard(w, plan, 1, shard), w.env());
    EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
    EXPECT_NE(
        r.err.find("profile oab: s3://billing-oab/" + key + " changed since it was listed (ETag "),
        std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("run `curcrunch shards` again"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(shard));
    EXPECT_FALSE(fs::exists(shard + ".partial"));
    // The untouched September still fetches.
    EXPECT_EQ(run_cli(fetch_shard(w, plan, 0, w.tmp / "shard-0.db"), w.env()).exit_code, 0);
}

TEST(FetchShards, UnitsOfTheWrongKindAndAPartialListing) {
    World w;
    const std::string plan = w.tmp / "plan.tsv";
    write_file(plan, run_cli(list_args(w), w.env()).out);
    // A local unit is ingest's; --profile/--from/--to do not go with --shard.
    const std::string local = w.tmp / "local.tsv";
    write_file(local, run_cli({"shards", "--quiet", w.tmp / "oab"}).out);
    const RunResult wrong = run_cli(fetch_shard(w, local, 0, w.tmp / "s.db"), w.env());
    EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
    EXPECT_NE(wrong.err.find("is not read from S3: run `curcrunch ingest --shard` for it"),
              std::string::npos)
        << wrong.err;
    auto with_profile = fetch_shard(w, plan, 0, w.tmp / "s.db");
    with_profile.insert(with_profile.end(), {"--profile", "oab"});
    EXPECT_EQ(run_cli(with_profile, w.env()).exit_code, 2);
    EXPECT_EQ(run_cli({"ingest", "--shard", "0", "--shards-file", plan, "--db", w.tmp / "s.db"})
                  .exit_code,
              2);
    // A profile whose bucket is gone: the others are listed, and the exit status says so.
    write_file(w.tmp / "fetch.json", R"({
  "vault": {"kv_mount": "secret", "kv_path": "billing/aws", "kv_version": 2},
  "profiles": {
    "oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur"}]},
    "internal": {"cur": [{"bucket": "no-such-bucket", "prefix": "billing/internal-cur"}]}
  }
})");
    const RunResult partial = run_cli(list_args(w), w.env());
    EXPECT_EQ(partial.exit_code, 6) << partial.err;
    EXPECT_EQ(ingest::ShardPlan::parse(partial.out, "partial").size(), 2u);
    EXPECT_NE(partial.err.find("profile internal: CUR listing of s3://no-such-bucket/"),
              std::string::npos)
        << partial.err;
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
