// `curcrunch fetch` run again, through the binary: what an earlier run stored decides what is
// fetched and ingested again. A store and its cache moved together are idle (the store keeps
// each ingested file's path relative to the cache root with its S3 ETag and size), and an
// account's `updated_at` moves only when something about the account changed. Each profile's
// period is compared on its own: with the newest ingest of its files, while that ingest is
// still behind every unit those files fed.
#include <gtest/gtest.h>
#include <zlib.h>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

// GetObject requests for CUR data files (not manifests) the AWS test server saw.
size_t data_file_gets(AwsTestServer& aws) {
    size_t n = 0;
    for (const auto& s : aws.raw().seen())
        n += s.method == "GET" && s.target.find(".csv.gz") != std::string::npos;
    return n;
}

std::string gunzip_file(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    std::string out;
    char buf[65536];
    for (int n; f && (n = gzread(f, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    if (f) gzclose(f);
    return out;
}

}  // namespace

TEST(FetchRerun, AStoreAndCacheMovedTogetherAreIdle) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const std::string rollups = dump_rollups(w.db);
    const size_t gets = data_file_gets(w.aws);
    const std::string ingests = query_one(w.db, "SELECT count(*) FROM ingest");

    const fs::path moved = w.tmp.path() / "elsewhere" / "billing";
    fs::create_directories(moved);
    fs::rename(w.tmp / "cache", moved / "cache");
    for (const char* suffix : {"", "-wal", "-shm"})
        if (fs::exists(w.db + suffix))
            fs::rename(w.db + suffix, (moved / "fetch.db").string() + suffix);
    std::vector<std::string> a = w.args();
    for (size_t i = 0; i + 1 < a.size(); ++i) {
        if (a[i] == "--db") a[i + 1] = moved / "fetch.db";
        if (a[i] == "--cache-dir") a[i + 1] = moved / "cache";
    }
    auto r = run_cli(a, w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 0 ingested, 4 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(data_file_gets(w.aws), gets);  // nothing downloaded again
    EXPECT_EQ(query_one(moved / "fetch.db", "SELECT count(*) FROM ingest"), ingests);
    EXPECT_EQ(dump_rollups(moved / "fetch.db"), rollups);
    // Recorded relative to the cache root, with the object's ETag and size.
    EXPECT_EQ(
        query_one(moved / "fetch.db", "SELECT count(*) FROM fetched_file WHERE path LIKE '/%'"),
        "0");
    EXPECT_EQ(query_one(moved / "fetch.db",
                        "SELECT count(*) FROM fetched_file WHERE path LIKE 'oab/billing-oab/"
                        "billing/oab-cur/20261001-20261101/%.csv.gz' AND etag LIKE '\"%\"' "
                        "AND bytes > 0"),
              "1");
}

TEST(FetchRerun, AChangedObjectUnderTheSameKeyIsIngestedAgain) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    // internal's September file is replaced in place (same key, new content and ETag), as CUR
    // 2.0 exports in overwrite mode do; the manifest stays the same.
    std::string key;
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "internal"))
        if (e.path().string().find("20260901-20261001/") != std::string::npos &&
            e.path().extension() == ".gz")
            key = "billing/" + fs::relative(e.path(), w.tmp.path() / "internal").string();
    ASSERT_FALSE(key.empty());
    std::string csv = gunzip_file((w.tmp.path() / "internal" / key.substr(8)).string());
    w.aws.put_object("billing-internal", key, gzip_bytes(csv, 9));  // same rows, new bytes
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

TEST(FetchRerun, AUnitReplacedByAnotherIngestIsFetchedAgain) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const std::string unit =
        "SELECT ingest_id FROM billing_period WHERE payer = '121111111111' AND period = 202610";
    const std::string fetched = query_one(w.db, unit);
    // internal's October ingested by hand from another copy: the store's unit no longer comes
    // from the files in the cache, although the fetch that read them is still behind oab's.
    std::string oct;
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "internal"))
        if (e.path().string().find("20261001-20261101/") != std::string::npos &&
            e.path().extension() == ".gz")
            oct = e.path().string();
    ASSERT_FALSE(oct.empty());
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, oct}).exit_code, 0);
    ASSERT_NE(query_one(w.db, unit), fetched);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM fetched_file WHERE ingest_id = (" + unit + ")"),
              "1");
    auto again = run_cli(w.args(), w.env());
    EXPECT_NE(again.out.find("CUR periods: 0 ingested, 4 unchanged, 0 failed"), std::string::npos)
        << again.out;
}

TEST(FetchRerun, AnAccountsUpdatedStampChangesOnlyWhenTheAccountDoes) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    auto stamps = [&] {
        return query_one(w.db,
                         "SELECT group_concat(id || '=' || name || '@' || updated_at, ' ') FROM "
                         "(SELECT * FROM account ORDER BY id)");
    };
    const std::string first = stamps();
    std::this_thread::sleep_for(1100ms);  // stamps have whole seconds
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    EXPECT_EQ(stamps(), first);

    const std::string& renamed = w.account_ids[0];
    const std::string before =
        query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + w.account_ids[1] + "'");
    const std::string old_stamp =
        query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + renamed + "'");
    w.billing.rename_account(renamed, "Renamed team");
    std::this_thread::sleep_for(1100ms);
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    EXPECT_EQ(query_one(w.db, "SELECT name FROM account WHERE id = '" + renamed + "'"),
              "Renamed team");
    EXPECT_NE(query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + renamed + "'"),
              old_stamp);
    EXPECT_EQ(
        query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + w.account_ids[1] + "'"),
        before);
}

}  // namespace CURCRUNCH_UNITY_ID
