// The fetch configuration file and endpoint resolution.
#include <gtest/gtest.h>

#include <cstdlib>

#include "curcrunch/fetch/fetch_config.hpp"
#include "curcrunch/fetch/fetch_job.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::fetch;
using namespace testsupport;

TEST(FetchConfig, TheExampleInVaultParsesWithDerivedFieldNames) {
    FetchConfig c = load_fetch_config(std::string(CURCRUNCH_SOURCE_DIR) +
                                      "/vault/curcrunch-fetch.example.json");
    ASSERT_EQ(c.profiles.size(), 4u);
    EXPECT_EQ(c.vault.kv_path, "billing/aws");
    const ProfileConfig& oab = c.profiles[0];
    EXPECT_EQ(oab.name, "oab");
    EXPECT_EQ(oab.access_key_field, "aws_oab_access_key_id");
    EXPECT_EQ(oab.secret_key_field, "aws_oab_secret_access_key");
    EXPECT_EQ(oab.role_arn_field, "aws_oab_roleArn");
    EXPECT_EQ(oab.session_name_field, "aws_oab_roleSessionName");
    EXPECT_EQ(oab.session_name, "curcrunch-oab");
    ASSERT_EQ(oab.cur.size(), 1u);
    EXPECT_EQ(oab.cur[0].bucket, "acme-billing-oab");
    EXPECT_EQ(oab.cur[0].region, "");
    EXPECT_EQ(c.profiles[1].account_id, "222222222222");
    EXPECT_EQ(c.profiles[1].cur[0].region, "us-east-1");
    EXPECT_FALSE(c.profiles[2].organizations);
    EXPECT_FALSE(c.profiles[3].payments);
}

TEST(FetchConfig, MistakesNameTheFileAndTheField) {
    TempDir t;
    auto err = [&](const std::string& json) {
        write_file(t / "c.json", json);
        return error_text([&] { load_fetch_config(t / "c.json"); });
    };
    const std::string f = t / "c.json";
    EXPECT_EQ(err("{\"profiles\":{\"a\":{\"cur\":[{\"bucket\":\"b\"}]}}}"),
              f + ": profiles.a.cur[0].prefix: required");
    EXPECT_EQ(err("{\"profiles\":{\"a\":{\"account_id\":\"12\"}}}"),
              f + ": profiles.a.account_id: expected 12 digits");
    EXPECT_EQ(err("{\"profiles\":{\"A b\":{}}}"),
              f + ": profiles.A b: profile names use a-z, 0-9, _ and - only");
    EXPECT_EQ(err("{\"profiles\":{}}"), f + ": profiles: no profile configured");
    EXPECT_EQ(err("{\"profiles\":{\"a\":{\"account_id\":\"123456789012\"},"
                  "\"b\":{\"account_id\":\"123456789012\"}}}"),
              f + ": profiles.b.account_id: payer 123456789012 is already profile a's");
    EXPECT_EQ(err("{\"vault\":{\"kv_version\":3},\"profiles\":{\"a\":{}}}"),
              f + ": vault.kv_version: expected 1 or 2");
    EXPECT_EQ(err("{\"profiles\":{\"a\":{}},\"endpoints\":{\"s4\":\"x\"}}"),
              f + ": endpoints.s4: unknown field");
    EXPECT_NE(err("{\"profiles\":").find(f + ": cannot read the fetch configuration"),
              std::string::npos);
}

TEST(FetchConfig, EndpointsFollowTheAwsCliOrder) {
    FetchConfig c;
    c.endpoints["s3"] = "http://127.0.0.1:1/config";
    ::unsetenv("AWS_ENDPOINT_URL");
    ::unsetenv("AWS_ENDPOINT_URL_S3");
    ::unsetenv("AWS_ENDPOINT_URL_COST_EXPLORER");
    EXPECT_EQ(resolve_endpoint("ce", "", c, "https://ce.us-east-1.amazonaws.com"),
              "https://ce.us-east-1.amazonaws.com");
    EXPECT_EQ(resolve_endpoint("s3", "", c, "d"), "http://127.0.0.1:1/config");
    ::setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2/global", 1);
    EXPECT_EQ(resolve_endpoint("ce", "", c, "d"), "http://127.0.0.1:2/global");
    EXPECT_EQ(resolve_endpoint("s3", "", c, "d"), "http://127.0.0.1:1/config");
    ::setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:3/s3", 1);
    ::setenv("AWS_ENDPOINT_URL_COST_EXPLORER", "http://127.0.0.1:4/ce", 1);
    EXPECT_EQ(resolve_endpoint("s3", "", c, "d"), "http://127.0.0.1:3/s3");
    EXPECT_EQ(resolve_endpoint("ce", "", c, "d"), "http://127.0.0.1:4/ce");
    EXPECT_EQ(resolve_endpoint("s3", "http://127.0.0.1:5/cli", c, "d"), "http://127.0.0.1:5/cli");
    ::unsetenv("AWS_ENDPOINT_URL");
    ::unsetenv("AWS_ENDPOINT_URL_S3");
    ::unsetenv("AWS_ENDPOINT_URL_COST_EXPLORER");
}

}  // namespace CURCRUNCH_UNITY_ID
