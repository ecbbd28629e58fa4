// STS AssumeRole against the AWS test server (which verifies every signature), and the
// assumed-role credentials used for S3, refreshed before they expire.
#include <gtest/gtest.h>

#include "aws_test_server.hpp"
#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/aws/sts_client.hpp"
#include "curcrunch/core/error.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::aws;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

const char* kRoleArn = "arn:aws:iam::123456789012:role/curcrunch-billing-reader";

struct Fixture {
    Fixture()
        : aws("AKIABASEKEY", "base/secret"),
          http(net::ClientOptions{}),
          rc(http, quick_retries(3)) {
        base.access_key_id = "AKIABASEKEY";
        base.secret_access_key = Secret("base/secret");
        aws.add_role(kRoleArn);
        aws.put_object("cur-bucket", "report/a.csv.gz", "abc");
    }
    AwsTestServer aws;
    net::HttpClient http;
    net::ResilientClient rc;
    Credentials base;
};

}  // namespace

TEST(Sts, AssumedRoleCredentialsSignS3Requests) {
    Fixture f;
    StsClient sts(f.rc, f.base, "us-east-1", f.aws.endpoint());
    AssumedRole role = sts.assume_role(kRoleArn, "curcrunch-oab", 900);
    EXPECT_EQ(role.credentials.access_key_id, "ASIATEMP1");
    EXPECT_EQ(role.credentials.session_token.reveal(), "FwoGZXIvYXdzEXAMPLETOKEN1");
    EXPECT_EQ(role.arn, std::string(kRoleArn) + "/curcrunch-oab");
    auto left = role.expires - std::chrono::system_clock::now();
    EXPECT_GT(left, 880s);
    EXPECT_LT(left, 910s);
    // The temporary key works only with its session token, which the signer sends and signs.
    S3Client s3(f.rc, role.credentials, "us-east-1", f.aws.endpoint());
    EXPECT_EQ(s3.get("cur-bucket", "report/a.csv.gz"), "abc");
    EXPECT_EQ(f.aws.rejected(), 0);
    const auto seen = f.aws.raw().seen();
    EXPECT_NE(seen[0].body.find(
                  "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fcurcrunch-billing-reader"),
              std::string::npos);
    EXPECT_EQ(seen[1].header("X-Amz-Security-Token"), "FwoGZXIvYXdzEXAMPLETOKEN1");
}

TEST(Sts, AccessDeniedAndExpiredTokensFailClearly) {
    Fixture f;
    StsClient sts(f.rc, f.base, "us-east-1", f.aws.endpoint());
    EXPECT_EQ(error_text([&] { sts.assume_role("arn:aws:iam::123456789012:role/nope", "s"); }),
              "sts AssumeRole arn:aws:iam::123456789012:role/nope failed: HTTP 403 AccessDenied "
              "(after 1 attempt(s)): User is not authorized to perform: sts:AssumeRole on "
              "resource: arn:aws:iam::123456789012:role/nope");
    AssumedRole role = sts.assume_role(kRoleArn, "s");
    f.aws.expire_sessions();
    S3Client s3(f.rc, role.credentials, "us-east-1", f.aws.endpoint());
    EXPECT_EQ(error_text([&] { s3.get("cur-bucket", "report/a.csv.gz"); }),
              "s3 GetObject failed: HTTP 400 ExpiredToken (after 1 attempt(s)): The provided "
              "token has expired.");
}

TEST(Sts, ProviderReassumesBeforeExpiry) {
    Fixture f;
    StsClient sts(f.rc, f.base, "us-east-1", f.aws.endpoint());
    AssumeRoleProvider fresh(sts, kRoleArn, "s", 3600, 300s);
    fresh.get();
    fresh.get();
    EXPECT_EQ(fresh.assumptions(), 1);  // still valid for an hour: reused
    AssumeRoleProvider short_lived(sts, kRoleArn, "s", 900, 1000s);
    short_lived.get();
    const std::string first = short_lived.get().access_key_id;  // 900 s left < 1000 s margin
    EXPECT_EQ(short_lived.assumptions(), 2);
    EXPECT_NE(first, "ASIATEMP1");
}

}  // namespace CURCRUNCH_UNITY_ID
