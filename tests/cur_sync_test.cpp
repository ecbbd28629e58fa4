// CUR discovery over S3: the newest manifest per period wins, exactly its files are fetched,
// and ingesting the synced cache gives the same rollups as ingesting the same export from disk.
#include <gtest/gtest.h>

#include "aws_test_server.hpp"
#include "curcrunch/aws/cur_sync.hpp"
#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::aws;
using namespace testsupport;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    Fixture()
        : aws("AKIACUR", "cur/secret"), http(net::ClientOptions{}), rc(http, quick_retries(2)) {
        creds.access_key_id = "AKIACUR";
        creds.secret_access_key = Secret("cur/secret");
        gen::GenOptions o;
        o.out = (tmp.path() / "export").string();
        o.layout = true;
        o.gzip = true;
        o.gzip_level = 1;
        o.hourly = false;
        o.start = 202609;
        o.months = 2;
        o.report_name = "nightly";
        gen::generate(o);
    }
    // Uploads the generated layout as the generator's manifests name it: billing/<report>/...
    void upload(const std::string& skip_suffix = "") {
        for (const auto& e : fs::recursive_directory_iterator(tmp.path() / "export")) {
            if (!e.is_regular_file()) continue;
            std::string rel = fs::relative(e.path(), tmp.path() / "export").string();
            if (!skip_suffix.empty() && rel.find(skip_suffix) != std::string::npos) continue;
            aws.put_object("bucket", "billing/" + rel, read_file(e.path().string()));
        }
    }
    std::string ingest_dump(const std::vector<std::string>& inputs, const std::string& db) {
        auto r = ingest::run_ingest(ingest::plan_inputs(inputs), {});
        auto s = store::Store::open(db);
        s->replace_periods(r, "x", false);
        return dump_rollups(db);
    }
    TempDir tmp;
    AwsTestServer aws;
    net::HttpClient http;
    net::ResilientClient rc;
    Credentials creds;
};

}  // namespace

TEST(CurSync, NewestAssemblyOverS3EqualsTheExportOnDisk) {
    Fixture f;
    f.upload();
    // An older assembly of September, with its own assembly-level manifest and different data.
    const std::string old_dir =
        "billing/nightly/20260901-20261001/00000000-0000-4000-a000-000000000000";
    f.aws.put_object(
        "bucket", old_dir + "/nightly-00001.csv.gz",
        gzip_bytes(std::string(kLegacyHeader) + legacy_row("1", "2026-09-02", "999999")));
    f.aws.put_object(
        "bucket", old_dir + "/nightly-Manifest.json",
        "{\"assemblyId\":\"00000000-0000-4000-a000-000000000000\",\"billingPeriod\":{\"start\":"
        "\"20260901T000000.000Z\"},\"reportKeys\":[\"" +
            old_dir + "/nightly-00001.csv.gz\"]}");
    S3Client s3(f.rc, f.creds, "us-east-1", f.aws.endpoint());
    const std::string cache = (f.tmp.path() / "cache").string();
    auto periods = sync_cur(s3, "bucket", "billing/nightly", cache, 202601, 202612);
    ASSERT_EQ(periods.size(), 2u);
    for (const auto& p : periods) {
        EXPECT_TRUE(p.ok) << p.error;
        EXPECT_EQ(p.files, 1);
        EXPECT_EQ(p.downloaded, 1);
    }
    EXPECT_EQ(periods[0].period, 202609);
    EXPECT_FALSE(fs::exists(fs::path(cache) / old_dir));  // the stale assembly was not fetched
    EXPECT_EQ(f.aws.rejected(), 0);

    const std::string from_s3 = f.ingest_dump(
        {periods[0].local_manifest, periods[1].local_manifest}, (f.tmp.path() / "s3.db").string());
    const std::string from_disk =
        f.ingest_dump({(f.tmp.path() / "export").string()}, (f.tmp.path() / "disk.db").string());
    EXPECT_EQ(from_s3, from_disk);
    // Nothing of the stale assembly: neither its payer nor its $999999 (in 10^-10 units).
    EXPECT_EQ(from_s3.find("|000011112222|"), std::string::npos);
    EXPECT_EQ(from_s3.find("|9999990000000000|"), std::string::npos);

    // A second sync downloads nothing: every object is unchanged.
    auto again = sync_cur(s3, "bucket", "billing/nightly", cache, 202601, 202612);
    EXPECT_EQ(again[0].unchanged, 1);
    EXPECT_EQ(again[1].downloaded, 0);
}

TEST(CurSync, APeriodWithAMissingFileIsReportedNotSynced) {
    Fixture f;
    f.upload("20261001-20261101/");  // October's folder is not uploaded at all...
    // ...except its manifest, which then lists a file the bucket does not have.
    for (const auto& e : fs::recursive_directory_iterator(f.tmp.path() / "export"))
        if (e.path().string().find("20261001-20261101/nightly-Manifest.json") != std::string::npos)
            f.aws.put_object("bucket", "billing/nightly/20261001-20261101/nightly-Manifest.json",
                             read_file(e.path().string()));
    S3Client s3(f.rc, f.creds, "us-east-1", f.aws.endpoint());
    auto periods = sync_cur(s3, "bucket", "billing/nightly", (f.tmp.path() / "cache").string(),
                            202601, 202612);
    ASSERT_EQ(periods.size(), 2u);
    EXPECT_TRUE(periods[0].ok);
    EXPECT_FALSE(periods[1].ok);
    EXPECT_NE(periods[1].error.find("is missing"), std::string::npos) << periods[1].error;
    EXPECT_TRUE(periods[1].local_manifest.empty());
    // The period filter applies.
    EXPECT_EQ(
        sync_cur(s3, "bucket", "billing/nightly", (f.tmp.path() / "c2").string(), 202610, 202610)
            .size(),
        1u);
}

TEST(CurSync, AKeyThatWouldLeaveTheCacheFailsItsPeriodBeforeAnyFileIsCreated) {
    Fixture f;
    f.upload();
    // October's top-level manifest also lists a key whose dot segments climb out of the cache
    // (the bucket lists it too, so the manifest names no missing file), and December has a
    // manifest whose own key does.
    const std::string october = "billing/nightly/20261001-20261101/nightly-Manifest.json";
    const std::string evil = "billing/nightly/20261001-20261101/../../../../escaped/evil.csv.gz";
    std::string manifest =
        read_file(f.tmp / "export/nightly/20261001-20261101/nightly-Manifest.json");
    const std::string list = "\"reportKeys\":[";
    ASSERT_NE(manifest.find(list), std::string::npos) << manifest;
    manifest.insert(manifest.find(list) + list.size(), "\"" + evil + "\",");
    f.aws.put_object("bucket", october, manifest);
    f.aws.put_object("bucket", evil, "PWNED");
    const std::string december = "billing/nightly/20261201-20270101/../nightly-Manifest.json";
    f.aws.put_object("bucket", december, manifest);
    // The cache sits two folders down in `top`, so that the key's climb ("../" four times from
    // its period's folder) ends inside `top`, which must hold nothing but the cache.
    const fs::path top = f.tmp.path() / "top";
    const std::string cache = (top / "a/b/cache").string();
    S3Client s3(f.rc, f.creds, "us-east-1", f.aws.endpoint());
    auto periods = sync_cur(s3, "bucket", "billing/nightly", cache, 202601, 202612);
    ASSERT_EQ(periods.size(), 3u);
    EXPECT_TRUE(periods[0].ok) << periods[0].error;
    EXPECT_FALSE(periods[1].ok);
    EXPECT_EQ(periods[1].error,
              "manifest s3://bucket/" + october + " lists '" + evil +
                  "', which is not a plain object key (absolute, or with an empty, '.' or '..' "
                  "part, a backslash or a control character): refused, nothing of the period is "
                  "downloaded");
    EXPECT_EQ(periods[2].period, 202612);
    EXPECT_EQ(periods[2].error,
              "manifest s3://bucket/" + december +
                  " is named, which is not a plain object key (absolute, or with an empty, '.' "
                  "or '..' part, a backslash or a control character): refused, nothing of the "
                  "period is downloaded");
    // Nothing was written outside the cache, nor anything of October or December inside it,
    // and neither the evil key nor December's manifest was asked for.
    std::vector<std::string> outside, refused;
    for (const auto& e : fs::recursive_directory_iterator(top)) {
        const std::string rel = fs::relative(e.path(), top).generic_string();
        if (rel.rfind("a/b/cache", 0) != 0 && rel != "a" && rel != "a/b") outside.push_back(rel);
        if (rel.find("20261001-20261101") != std::string::npos ||
            rel.find("20261201-20270101") != std::string::npos)
            refused.push_back(rel);
    }
    EXPECT_TRUE(outside.empty()) << outside[0];
    EXPECT_TRUE(refused.empty()) << refused[0];
    for (const auto& r : f.aws.raw().seen())
        EXPECT_EQ(r.target.find(".."), std::string::npos) << r.target;
    EXPECT_EQ(f.aws.rejected(), 0);
}

}  // namespace CURCRUNCH_UNITY_ID
