// `curcrunch fetch` end to end when AWS refuses requests in ways that say how to do better: a
// CUR bucket in another region than the profile's (S3's 301 PermanentRedirect), and a machine
// whose clock is off (S3's RequestTimeTooSkewed, STS's "Signature expired"). The run delivers
// everything, says what it corrected, and a configured region saves the redirect.
#include <gtest/gtest.h>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

const char* kConfigWithRegion = R"({
  "vault": {"kv_mount": "secret", "kv_path": "billing/aws", "kv_version": 2},
  "profiles": {
    "oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur",
                     "region": "us-east-2"}]},
    "internal": {"cur": [{"bucket": "billing-internal", "prefix": "billing/internal-cur"}],
                 "organizations": false, "invoices": false}
  }
})";

}  // namespace

TEST(FetchRefusals, ABucketElsewhereAndAClockOffStillDeliverEverything) {
    World w;  // the profiles' region is eu-west-1 (Vault's aws_region_name)
    w.aws.set_bucket_region("billing-oab", "us-east-2");
    w.aws.set_clock_offset(std::chrono::seconds(-2700));  // this machine runs 45 minutes fast
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    // The region was learned once for the whole run, and each service's clock once (STS,
    // S3, Organizations, Invoicing, Payments), every client after that signing right.
    EXPECT_EQ(w.aws.region_refusals(), 1);
    EXPECT_EQ(w.aws.assumed(), 1);
    EXPECT_EQ(count_of(r.err, "s3://billing-oab is in region us-east-2, not eu-west-1"), 1u)
        << r.err;
    const std::string skew = "this machine's clock is 2700 s ahead of ";
    EXPECT_EQ(count_of(r.err, skew + "sts's"), 1u) << r.err;
    EXPECT_EQ(count_of(r.err, skew + "s3's"), 1u) << r.err;
    EXPECT_EQ(count_of(r.err, skew + "organizations's"), 1u) << r.err;
    EXPECT_EQ(static_cast<size_t>(w.aws.skew_refusals()), count_of(r.err, skew)) << r.err;
}

TEST(FetchRefusals, AConfiguredRegionSavesTheRedirect) {
    World w;
    w.aws.set_bucket_region("billing-oab", "us-east-2");
    write_file(w.tmp / "fetch.json", kConfigWithRegion);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_EQ(w.aws.region_refusals(), 0);
    EXPECT_EQ(r.err.find("is in region"), std::string::npos) << r.err;
}

TEST(FetchRefusals, ARegionThatIsNotOneIsAUsageError) {
    World w;
    std::string config = kConfigWithRegion;
    config.replace(config.find("us-east-2"), 9, "us east 2");
    write_file(w.tmp / "fetch.json", config);
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("fetch.json: profiles.oab.cur[0].region: expected a region's name, such "
                         "as eu-west-1"),
              std::string::npos)
        << r.err;
    // One bucket given two regions.
    config = kConfigWithRegion;
    const std::string internal = R"("prefix": "billing/internal-cur"})";
    config.replace(config.find(internal), internal.size(),
                   internal + R"(, {"bucket": "billing-oab", "prefix": "other",
                                     "region": "eu-west-3"})");
    write_file(w.tmp / "fetch.json", config);
    r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bucket billing-oab is given region us-east-2 elsewhere in this file"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(w.aws.raw().seen().size(), 0u);
}

}  // namespace CURCRUNCH_UNITY_ID
