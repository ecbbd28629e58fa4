#include <gtest/gtest.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"
#include "ingest_support.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string sample_csv() {
    std::string s = kLegacyHeader;
    s += legacy_row("1", "2024-01-03", "1.5", "\"Linux, on demand\"", "web");
    s += legacy_row("2", "2024-01-03", "2.25", "\"multi\nline \"\"quoted\"\" text\"", "");
    s += legacy_row("3", "2024-01-04", "1.4724E-6", "plain", "data");
    s += legacy_row("4", "2024-02-01", "-0.75", "credit", "web");
    return s;
}

ingest::IngestResult run(const std::vector<std::string>& paths, ingest::IngestOptions o = {}) {
    return ingest::run_ingest(ingest::plan_inputs(paths), o);
}

}  // namespace

TEST(Ingest, EveryCompressionGivesTheSameRollups) {
    TempDir t;
    const std::string csv = sample_csv();
    write_file(t / "plain.csv", csv);
    write_file(t / "a.csv.gz", gzip_bytes(csv));
    size_t cut = csv.find("\n3,") + 1;  // two gzip members back to back
    write_file(t / "multi.csv.gz", gzip_bytes(csv.substr(0, cut)) + gzip_bytes(csv.substr(cut), 1));
    write_file(t / "noext.gz", gzip_bytes(csv));
    write_file(t / "misnamed.csv", gzip_bytes(csv));  // content decides, not the name
    write_file(t / "one.csv.zip", zip_bytes({{"one.csv", csv}}));
    for (const char* f :
         {"plain.csv", "a.csv.gz", "multi.csv.gz", "noext.gz", "misnamed.csv", "one.csv.zip"}) {
        auto r = run({t / f});
        EXPECT_EQ(to_plain_string(total(r)), "3.0000014724") << f;
        EXPECT_EQ(r.rows, 4u) << f;
    }
    // Every source records the sha256 of the file on disk, both ways: by the hasher thread,
    // which re-reads a file likely in the page cache (these are; the digests arrive with
    // wait_for_hashes()), and as the file is read, as a file larger than the page cache is:
    // uncompressed files by the pipeline chunk by chunk, compressed ones as their raw bytes are
    // read.
    for (bool deferred : {true, false}) {
        ingest::IngestOptions o;
        o.defer_cached_hashes = deferred;
        auto all = run({t / "plain.csv", t / "a.csv.gz", t / "one.csv.zip"}, o);
        ASSERT_EQ(all.sources.size(), 3u);
        // Deferred, the compressed files' digests arrive with wait_for_hashes(); the plain
        // file's may be there already: when it is the run's last file to start (which of the
        // parallel workers takes it last is a race), its own parse hashes its head, all of so
        // small a file (stream_digest.hpp).
        for (const auto& src : all.sources) {
            if (deferred && src.path == t / "plain.csv") continue;
            EXPECT_EQ(src.sha256.empty(), deferred) << src.path;
        }
        all.wait_for_hashes();
        for (const auto& src : all.sources)
            EXPECT_EQ(src.sha256, Sha256::of(read_file(src.path))) << src.path;
        EXPECT_EQ(all.sources[2].sha256.size(), 64u);
    }
    // Many chunks (a small block), hashed as read: the header and every chunk are hashed once,
    // in file order, and the stage accounting sees every stage the ingest ran.
    {
        std::string big = csv;
        const std::string rows = csv.substr(csv.find('\n') + 1);
        while (big.size() < 200000)
            big += rows;
        write_file(t / "big/big.csv", big);
        ingest::StageStats stats;
        ingest::IngestOptions small;
        small.block_size = 4096;
        small.stats = &stats;
        small.defer_cached_hashes = false;
        auto r = run({t / "big/big.csv"}, small);
        ASSERT_EQ(r.sources.size(), 1u);
        EXPECT_EQ(r.sources[0].sha256, Sha256::of(big));
        EXPECT_EQ(r.rows, 4u * (1 + (big.size() - csv.size()) / rows.size()));
        for (auto s : {ingest::Stage::split, ingest::Stage::scan, ingest::Stage::decode,
                       ingest::Stage::aggregate, ingest::Stage::hash})
            EXPECT_GT(stats.ns(s), 0u) << ingest::stage_name(s);
        const std::string table = stats.table(r.bytes, 1.0);
        EXPECT_NE(table.find("\ndecode "), std::string::npos) << table;
        EXPECT_NE(table.find("\naggregate "), std::string::npos) << table;
        EXPECT_NE(table.find("CPU s/GB of 0.2 MB decompressed"), std::string::npos) << table;
    }
    // A compressed file's raw bytes are hashed inside the read stage: that time moves to the
    // hash stage and the read stage never goes below zero.
    {
        ingest::StageStats gz;
        ingest::IngestOptions o;
        o.stats = &gz;
        o.defer_cached_hashes = false;
        auto r = run({t / "a.csv.gz"}, o);
        ASSERT_EQ(r.sources.size(), 1u);
        EXPECT_EQ(r.sources[0].sha256, Sha256::of(read_file(t / "a.csv.gz")));
        EXPECT_GT(gz.ns(ingest::Stage::hash), 0u);
        EXPECT_LT(gz.ns(ingest::Stage::read), uint64_t(1) << 62);
    }
    ingest::IngestOptions z;
    z.prefer_zlib = true;
    EXPECT_EQ(to_plain_string(total(run({t / "multi.csv.gz"}, z))), "3.0000014724");
    // A zip holding two CSVs: each member is its own stream with its own header.
    size_t split = csv.find("\n3,") + 1;
    write_file(t / "two/two.zip",
               zip_bytes({{"part-1.csv", csv.substr(0, split)},
                          {"part-2.csv", std::string(kLegacyHeader) + csv.substr(split)}}));
    auto r = run({t / "two/two.zip"});
    EXPECT_EQ(to_plain_string(total(r)), "3.0000014724");
    ASSERT_EQ(r.sources.size(), 2u);
    EXPECT_EQ(r.sources[0].member, "part-1.csv");
    EXPECT_EQ(r.sources[1].rows, 2u);
}

TEST(Ingest, ChunkBoundariesNeverChangeResults) {
    TempDir t;
    std::string csv = kLegacyHeader;
    for (int i = 0; i < 400; ++i) {
        std::string day =
            "2024-01-" + std::string(i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1);
        std::string desc = i % 3 == 0 ? "\"q, \"\"x\"\"\nline " + std::to_string(i) + "\""
                                      : "d" + std::to_string(i % 5);
        csv += legacy_row(std::to_string(i), day, std::to_string(i) + ".0000000001", desc,
                          i % 2 ? "t" : "");
    }
    write_file(t / "c.csv", csv);
    std::string reference;
    for (size_t block : {size_t(512), size_t(777), size_t(4096), size_t(1) << 20}) {
        ingest::IngestOptions o;
        o.block_size = block;
        auto r = run({t / "c.csv"}, o);
        EXPECT_EQ(r.rows, 400u) << block;
        EXPECT_EQ(to_plain_string(total(r)), "79800.00000004") << block;
        auto s = store::Store::open(t / ("b" + std::to_string(block) + ".db"));
        s->replace_periods(r, "x", false);
        std::string dump = dump_rollups(t / ("b" + std::to_string(block) + ".db"));
        if (reference.empty()) reference = dump;
        EXPECT_EQ(dump, reference) << block;
    }
    EXPECT_NE(reference.find("q, \"x\"\nline 3"), std::string::npos);  // unescaped, newline kept
}

// A digest computed apart from the parse (the hasher thread re-reads the file) must be of the
// file that was parsed: one rewritten, or replaced by another of the same size, is refused.
TEST(Ingest, ADeferredDigestIsOfTheFileThatWasParsed) {
    TempDir t;
    const std::string path = t / "a.csv";
    write_file(path, "one");
    const FileIdentity parsed = file_identity(path);
    EXPECT_EQ(Sha256::of_unchanged_file(path, parsed), Sha256::of("one"));
    auto refused = [&](const char* what) {
        try {
            Sha256::of_unchanged_file(path, parsed);
            ADD_FAILURE() << what << ": accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(path + ": the file changed while it was being "
                                                        "ingested"),
                      std::string::npos)
                << what << ": " << e.what();
        }
    };
    write_file(t / "b.csv", "two");  // same size, another inode
    fs::rename(t / "b.csv", path);
    refused("replaced");
    write_file(path, "three");
    refused("rewritten");
}

// A chunk the split found no byte >= 0x80 in is not validated as UTF-8 again. A broken byte in
// a chunk in the middle of a file, mapped (plain) or read (gzip), is still found, on its line;
// valid text outside ASCII in such a chunk is accepted.
TEST(Ingest, Utf8IsCheckedInEveryChunk) {
    TempDir t;
    auto file = [](const std::string& odd_field) {
        std::string csv = kLegacyHeader;
        for (int i = 0; i < 400; ++i)
            csv += legacy_row(std::to_string(i), "2024-01-05", "1", i == 250 ? odd_field : "d");
        return csv;
    };
    write_file(t / "bad.csv", file("caf\xC3(broken"));
    write_file(t / "bad.csv.gz", gzip_bytes(file("caf\xC3(broken")));
    write_file(t / "good.csv", file("caf\xC3\xA9"));
    for (const char* name : {"bad.csv", "bad.csv.gz"}) {
        ingest::IngestOptions o;
        o.block_size = 4096;  // about 30 chunks; the bad row is in one of the middle ones
        try {
            run({t / name}, o);
            ADD_FAILURE() << name << ": accepted";
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()),
                      (t / name) +
                          ":252: column 'lineItem/LineItemDescription': invalid UTF-8 (byte 0xC3)");
        }
    }
    ingest::IngestOptions o;
    o.block_size = 4096;
    EXPECT_EQ(run({t / "good.csv"}, o).rows, 400u);
}

TEST(Store, ReplacesOnlyThePeriodsPresentAtomically) {
    TempDir t;
    const std::string db = t / "s.db";
    write_file(t / "jan_feb.csv", sample_csv());
    auto s = store::Store::open(db);
    s->replace_periods(run({t / "jan_feb.csv"}), store::now_utc_iso(), false);
    const std::string first = dump_rollups(db);
    EXPECT_EQ(
        query_one(db, "SELECT money_sum(unblended) FROM cost_daily_named WHERE period = 202402"),
        "-7500000000");

    // Same input again: same rollups (the delivery is a cumulative snapshot).
    s->replace_periods(run({t / "jan_feb.csv"}), store::now_utc_iso(), false);
    EXPECT_EQ(dump_rollups(db), first);

    // A new delivery of February only: January is untouched, February is replaced.
    write_file(t / "feb.csv", std::string(kLegacyHeader) + legacy_row("9", "2024-02-10", "100"));
    s->replace_periods(run({t / "feb.csv"}), store::now_utc_iso(), false);
    EXPECT_EQ(
        query_one(db, "SELECT money_sum(unblended) FROM cost_daily_named WHERE period = 202402"),
        "1000000000000");
    EXPECT_EQ(
        query_one(db, "SELECT money_sum(unblended) FROM cost_daily_named WHERE period = 202401"),
        "37500014724");
    EXPECT_EQ(
        query_one(db,
                  "SELECT count(*) FROM cost_daily_named WHERE period = 202402 AND day = 20240201"),
        "0");
    EXPECT_EQ(query_one(db, "SELECT ingest_id FROM billing_period WHERE period = 202402"), "3");
    EXPECT_EQ(query_one(db, "SELECT ingest_id FROM billing_period WHERE period = 202401"), "2");
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM ingest"), "3");
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM tag_daily_named WHERE period = 202402"), "0");
}

TEST(Store, AmountsBeyond64BitsStayExact) {
    TempDir t;
    // 3 rows of 900,000,000 dollars: 2.7e9 dollars = 2.7e19 units of 1e-10, beyond int64.
    std::string csv = std::string(kLegacyHeader) + legacy_row("1", "2024-03-01", "900000000") +
                      legacy_row("2", "2024-03-01", "900000000") +
                      legacy_row("3", "2024-03-01", "900000000.0000000001");
    write_file(t / "big.csv", csv);
    auto s = store::Store::open(t / "s.db");
    s->replace_periods(run({t / "big.csv"}), "x", false);
    store::Query q;
    q.grain = store::Grain::total;
    q.by = store::Dimension::none;
    auto rows = store::run_query(s->db(), q);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(to_plain_string(rows[0].unblended), "2700000000.0000000001");
    EXPECT_EQ(format_money(rows[0].unblended), "2,700,000,000.00");
}

TEST(Store, QueryFiltersGroupsSortsAndLimits) {
    TempDir t;
    std::string csv = kLegacyHeader;
    csv += legacy_row("1", "2024-01-01", "10", "a", "", "111111111111");
    csv += legacy_row("2", "2024-01-08", "20", "a", "", "222222222222");
    csv += legacy_row("3", "2024-02-15", "5", "a", "", "111111111111");
    csv +=
        "4,000011112222,2024-02-01T00:00:00Z,222222222222,Usage,2024-02-16T00:00:00Z,AmazonS3,"
        "TimedStorage-ByteHrs,"
        "PutObject,3,7,7,s3,Amazon Simple Storage Service,eu-west-1,OnDemand,GB-Mo,\n";
    write_file(t / "q.csv", csv);
    auto s = store::Store::open(t / "q.db");
    s->replace_periods(run({t / "q.csv"}), "x", false);

    store::Query q;
    q.grain = store::Grain::month;
    q.by = store::Dimension::service;
    auto rows = store::run_query(s->db(), q);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].bucket, "2024-01");
    EXPECT_EQ(rows[0].key, "AmazonEC2");
    EXPECT_EQ(rows[0].label, "Amazon Elastic Compute Cloud");
    EXPECT_EQ(to_plain_string(rows[0].unblended), "30");
    EXPECT_EQ(rows[1].key, "AmazonS3");  // February: S3 (7) sorts before EC2 (5) by cost
    EXPECT_EQ(rows[2].key, "AmazonEC2");

    q.accounts = {"111111111111"};
    q.grain = store::Grain::total;
    EXPECT_EQ(to_plain_string(store::run_query(s->db(), q)[0].unblended), "15");
    q.accounts.clear();
    q.services = {"Amazon Simple Storage Service"};  // by name as well as by code
    EXPECT_EQ(to_plain_string(store::run_query(s->db(), q)[0].unblended), "7");
    q.services.clear();
    q.from = days_from_civil(2024, 1, 2);
    q.to = days_from_civil(2024, 2, 15);
    q.by = store::Dimension::account;
    rows = store::run_query(s->db(), q);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].key, "222222222222");
    EXPECT_EQ(to_plain_string(rows[0].unblended), "20");
    q.min_cost = Amount(6) * kUnit;
    EXPECT_EQ(store::run_query(s->db(), q).size(), 1u);
    q.min_cost.reset();
    q.from.reset();
    q.to.reset();
    q.grain = store::Grain::week;
    q.by = store::Dimension::none;
    rows = store::run_query(s->db(), q);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].bucket, "2024-01-01");  // Monday
    EXPECT_EQ(rows[1].bucket, "2024-01-08");
    EXPECT_EQ(rows[2].bucket, "2024-02-12");
    q.sort = store::SortOrder::cost_desc;
    q.limit = 1;
    rows = store::run_query(s->db(), q);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(to_plain_string(rows[0].unblended), "20");
}

TEST(Ingest, Cur2LayoutReadsNewestManifestPerPeriod) {
    TempDir t;
    const std::string root = t / "exports/my-export";
    const std::string hdr =
        "bill_payer_account_id,line_item_usage_account_id,line_item_usage_start_date,"
        "line_item_product_code,line_item_unblended_cost,resource_tags,product\n";
    auto row = [](const char* cost, const char* tags) {
        return std::string("012345678901,012345678901,2025-08-01T00:00:00.000Z,AmazonEC2,") + cost +
               "," + tags +
               ",\"{\"\"product_name\"\":\"\"Amazon Elastic Compute "
               "Cloud\"\",\"\"region\"\":\"\"us-east-1\"\"}\"\n";
    };
    write_file(
        root +
            "/data/BILLING_PERIOD=2025-08/"
            "2025-08-10T04:01:02.345Z-3695a728-d559-40bd-ac30-ffc97b552489/my-export-00001.csv.gz",
        gzip_bytes(hdr + row("1.00", "{}")));
    write_file(
        root +
            "/data/BILLING_PERIOD=2025-08/"
            "2025-08-20T04:01:02.345Z-4795a728-d559-40bd-ac30-ffc97b552489/my-export-00001.csv.gz",
        gzip_bytes(hdr + row("2.00", "\"{\"\"user_team\"\":\"\"web\"\"}\"")));
    write_file(
        root +
            "/data/BILLING_PERIOD=2025-08/"
            "2025-08-20T04:01:02.345Z-4795a728-d559-40bd-ac30-ffc97b552489/my-export-00002.csv.gz",
        gzip_bytes(hdr + row("3.00", "{}")));
    write_file(root + "/metadata/BILLING_PERIOD=2025-08/my-export-Manifest.json",
               "{\"executionId\":\"4795a728-d559-40bd-ac30-ffc97b552489\",\"dataFiles\":["
               "\"s3://bucket/exports/my-export/data/BILLING_PERIOD=2025-08/"
               "2025-08-20T04:01:02.345Z-4795a728-d559-40bd-ac30-ffc97b552489/"
               "my-export-00001.csv.gz\","
               "\"s3://bucket/exports/my-export/data/BILLING_PERIOD=2025-08/"
               "2025-08-20T04:01:02.345Z-4795a728-d559-40bd-ac30-ffc97b552489/"
               "my-export-00002.csv.gz\"]}");
    auto r = run({t / "exports"});
    EXPECT_EQ(to_plain_string(total(r)), "5");
    ASSERT_EQ(r.sources.size(), 2u);
    EXPECT_EQ(r.sources[0].dialect, "cur2");
    EXPECT_EQ(r.sources[0].assembly_id, "4795a728-d559-40bd-ac30-ffc97b552489");
    EXPECT_EQ(r.sources[0].period, 202508);
    bool found_tag = false, found_name = false;
    for (const auto& e : r.rollup.tags.entries())
        found_tag |=
            r.rollup.pool.at(e.key.key) == "team" && r.rollup.pool.at(e.key.value) == "web";
    for (const auto& e : r.rollup.cost.entries())
        found_name |= r.rollup.pool.at(e.key.dim[ingest::kDimProductName]) ==
                          "Amazon Elastic Compute Cloud" &&
                      r.rollup.pool.at(e.key.dim[ingest::kDimRegion]) == "us-east-1";
    EXPECT_TRUE(found_tag);
    EXPECT_TRUE(found_name);

    // Without the manifest the two runs are two deliveries of one month, each the whole month:
    // summed, the month was counted twice (exit 0). Refused, naming both; one run's folder
    // alone is read.
    std::filesystem::remove_all(root + "/metadata");
    const std::string db = t / "s.db";
    RunResult two = run_cli({"ingest", "--quiet", "--db", db, root});
    EXPECT_EQ(two.exit_code, 3) << two.err;
    EXPECT_NE(
        two.err.find(root + "/data/BILLING_PERIOD=2025-08: 2 deliveries of one billing "
                            "period without a manifest (2025-08-10T04:01:02.345Z-3695a728-d559-"
                            "40bd-ac30-ffc97b552489, 2025-08-20T04:01:02.345Z-4795a728-d559-"
                            "40bd-ac30-ffc97b552489); each holds the whole "
                            "period, so reading them all would count it 2 times"),
        std::string::npos)
        << two.err;
    EXPECT_FALSE(std::filesystem::exists(db));
    RunResult one =
        run_cli({"ingest", "--quiet", "--db", db,
                 root + "/data/BILLING_PERIOD=2025-08/"
                        "2025-08-20T04:01:02.345Z-4795a728-d559-40bd-ac30-ffc97b552489"});
    EXPECT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(query_one(db, "SELECT money_sum(unblended) FROM cost_daily"), "50000000000");
    // Folders of the user's own below a period folder (one per payer) are not deliveries.
    const std::string mine = t / "mine/20250801-20250901";
    write_file(mine + "/payer-a/cur.csv",
               std::string(kLegacyHeader) + legacy_row("1", "2025-08-03", "1"));
    std::string other = legacy_row("2", "2025-08-04", "2");
    other.replace(other.find(",000011112222,"), 14, ",000011113333,");
    write_file(mine + "/payer-b/cur.csv", std::string(kLegacyHeader) + other);
    RunResult payers = run_cli({"ingest", "--quiet", "--db", t / "m.db", t / "mine"});
    EXPECT_EQ(payers.exit_code, 0) << payers.err;
}

TEST(Ingest, SkipModeCountsAndRecordsBadRows) {
    TempDir t;
    std::string csv = sample_csv();
    csv += legacy_row("5", "2024-01-05", "abc");
    csv += "6,short,row\n";
    csv += legacy_row("7", "not-a-date", "1");
    csv += legacy_row("8", "2024-01-06", "4");
    write_file(t / "bad.csv", csv);
    ingest::IngestOptions o;
    o.skip_bad_rows = true;
    auto r = run({t / "bad.csv"}, o);
    EXPECT_EQ(r.rows, 5u);
    EXPECT_EQ(r.skipped, 3u);
    ASSERT_EQ(r.problems.size(), 3u);
    EXPECT_EQ(r.problems[0].line, 7u);
    EXPECT_EQ(r.problems[0].column, "lineItem/UnblendedCost");
    EXPECT_EQ(r.problems[0].message, "not a number: 'abc'");
    EXPECT_EQ(r.problems[1].message, "expected 18 fields (as in the header), found 3");
    EXPECT_EQ(r.problems[2].column, "lineItem/UsageStartDate");
    EXPECT_EQ(to_plain_string(total(r)), "7.0000014724");
    auto s = store::Store::open(t / "s.db");
    s->replace_periods(r, "x", true);
    EXPECT_EQ(query_one(t / "s.db", "SELECT skipped_rows || ' ' || on_error FROM ingest"),
              "3 skip");
    EXPECT_EQ(query_one(t / "s.db", "SELECT count(*) FROM ingest_problem"), "3");
}

}  // namespace CURCRUNCH_UNITY_ID
