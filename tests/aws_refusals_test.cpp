// What the AWS clients do with refusals that say how to do better, against the AWS test server
// (which verifies every signature, answers with a Date from its own clock and refuses requests
// as AWS does): a bucket in another region than the credentials' (301 PermanentRedirect, 400
// AuthorizationHeaderMalformed), a machine whose clock is off (RequestTimeTooSkewed, "Signature
// expired"), and the service's own message at the end of every error.
#include <gtest/gtest.h>

#include "aws_test_server.hpp"
#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/aws/json_service.hpp"
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

const char* kAk = "AKIAREFUSALS";
const char* kSk = "refusals/secret";
const char* kRoleArn = "arn:aws:iam::123456789012:role/curcrunch-billing-reader";

struct Fixture {
    Fixture() : aws(kAk, kSk), http(net::ClientOptions{}), rc(http, quick_retries(3)) {
        creds.access_key_id = kAk;
        creds.secret_access_key = Secret(kSk);
        aws.put_object("eu-bucket", "cur/report-1.csv.gz", "first file");
        aws.put_object("eu-bucket", "cur/report-2.csv.gz", "second file");
        aws.add_role(kRoleArn);
    }
    S3Client s3(std::shared_ptr<BucketRegions> regions = nullptr) {
        return S3Client(rc, creds, "us-east-1", aws.endpoint(), std::move(regions));
    }
    AwsTestServer aws;
    net::HttpClient http;
    net::ResilientClient rc;
    Credentials creds;
};

net::Response response(long status, std::string body,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    net::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST(AwsRefusals, BucketInAnotherRegionIsFollowedOnceAndRemembered) {
    for (auto answer : {AwsTestServer::WrongRegion::permanent_redirect,
                        AwsTestServer::WrongRegion::malformed_authorization}) {
        Fixture f;
        f.aws.set_bucket_region("eu-bucket", "eu-west-1", answer);
        auto regions = std::make_shared<BucketRegions>();
        S3Client s3 = f.s3(regions);
        testing::internal::CaptureStderr();
        const auto objects = s3.list("eu-bucket", "cur/");
        const std::string log = testing::internal::GetCapturedStderr();
        ASSERT_EQ(objects.size(), 2u);
        EXPECT_EQ(f.aws.region_refusals(), 1);
        EXPECT_EQ(regions->of("aws", "eu-bucket"), "eu-west-1");
        EXPECT_NE(log.find("s3://eu-bucket is in region eu-west-1, not us-east-1"),
                  std::string::npos)
            << log;
        // The next requests, of this client and of another sharing the regions, go right.
        EXPECT_EQ(s3.get("eu-bucket", "cur/report-1.csv.gz"), "first file");
        EXPECT_EQ(f.s3(regions).get("eu-bucket", "cur/report-2.csv.gz"), "second file");
        EXPECT_EQ(f.aws.region_refusals(), 1);
        // A redirect is not a failure of the endpoint: nothing was retried or backed off.
        EXPECT_EQ(f.rc.stats().retries, 0);
    }
}

TEST(AwsRefusals, ADownloadFollowsTheRegionToo) {
    Fixture f;
    f.aws.set_bucket_region("eu-bucket", "eu-west-1");
    TempDir dir;
    S3Client s3 = f.s3();
    const auto objects = f.s3().list("eu-bucket", "cur/report-2");
    ASSERT_EQ(objects.size(), 1u);
    const std::string path = dir / "report-2.csv.gz";
    EXPECT_EQ(s3.download("eu-bucket", objects[0], path), DownloadOutcome::downloaded);
    EXPECT_EQ(read_file(path), "second file");
    EXPECT_EQ(f.aws.region_refusals(), 2);  // each client learned it once (no shared regions)
}

TEST(AwsRefusals, AConfiguredRegionSavesTheRedirect) {
    Fixture f;
    f.aws.set_bucket_region("eu-bucket", "eu-west-1");
    auto regions = std::make_shared<BucketRegions>();
    regions->set("eu-bucket", "eu-west-1");
    EXPECT_EQ(f.s3(regions).list("eu-bucket", "cur/").size(), 2u);
    EXPECT_EQ(f.aws.region_refusals(), 0);
}

TEST(AwsRefusals, ARedirectWithoutAUsableRegionFailsWithWhatS3Said) {
    Fixture f;
    // A region that is not a region's name never reaches a host name or a signature.
    f.aws.raw().push(respond(301,
                             "<Error><Code>PermanentRedirect</Code><Message>The bucket you are "
                             "attempting to access must be addressed using the specified "
                             "endpoint.</Message><Endpoint>evil.example</Endpoint></Error>",
                             {{"x-amz-bucket-region", "evil.example/x"}}));
    EXPECT_EQ(error_text([&] { f.s3().list("eu-bucket", "cur/"); }),
              "s3 ListObjectsV2 failed: HTTP 301 PermanentRedirect (after 1 attempt(s)): The "
              "bucket you are attempting to access must be addressed using the specified "
              "endpoint.");
    EXPECT_EQ(f.aws.raw().seen().size(), 1u);
}

TEST(AwsRefusals, TheRegionIsReadFromTheHeaderTheRegionOrTheEndpoint) {
    const net::ServiceError moved{"PermanentRedirect", ""};
    EXPECT_EQ(S3Client::redirect_region(response(301, "", {{"x-amz-bucket-region", "ap-south-1"}}),
                                        moved),
              "ap-south-1");
    EXPECT_EQ(
        S3Client::redirect_region(
            response(301, "<Error><Endpoint>b.s3.eu-central-2.amazonaws.com</Endpoint></Error>"),
            moved),
        "eu-central-2");
    EXPECT_EQ(S3Client::redirect_region(
                  response(301, "<Error><Endpoint>b.s3-sa-east-1.amazonaws.com</Endpoint></Error>"),
                  moved),
              "sa-east-1");
    EXPECT_EQ(S3Client::redirect_region(
                  response(301, "<Error><Endpoint>b.s3.amazonaws.com</Endpoint></Error>"), moved),
              "us-east-1");
    auto from_endpoint = [&](const std::string& host) {
        return S3Client::redirect_region(
            response(301, "<Error><Endpoint>" + host + "</Endpoint></Error>"), moved);
    };
    EXPECT_EQ(from_endpoint("b.s3.dualstack.eu-west-3.amazonaws.com"), "eu-west-3");
    EXPECT_EQ(from_endpoint("b.s3-external-1.amazonaws.com"), "us-east-1");
    EXPECT_EQ(from_endpoint("s3-eu-west-2.s3.eu-west-1.amazonaws.com"), "eu-west-1");
    EXPECT_EQ(from_endpoint("b.s3.cn-north-1.amazonaws.com.cn"), "cn-north-1");
    EXPECT_EQ(from_endpoint("b.s3-accelerate.amazonaws.com"), "");
    EXPECT_EQ(from_endpoint("b.s3.example.com"), "");
    EXPECT_EQ(
        S3Client::redirect_region(response(400, "<Error><Region>us-gov-west-1</Region></Error>"),
                                  {"AuthorizationHeaderMalformed", ""}),
        "us-gov-west-1");
    EXPECT_EQ(
        S3Client::redirect_region(response(301, "", {{"x-amz-bucket-region", "eu-west-1"}}), {}),
        "eu-west-1");  // a HEAD's 301 has no body
    // Other refusals, and regions that are not names, say nothing.
    EXPECT_EQ(S3Client::redirect_region(response(403, "", {{"x-amz-bucket-region", "eu-west-1"}}),
                                        {"AccessDenied", ""}),
              "");
    EXPECT_EQ(
        S3Client::redirect_region(
            response(301, "<Error><Endpoint>b.s3.Evil..x.amazonaws.com</Endpoint></Error>"), moved),
        "");
    EXPECT_TRUE(is_region_name("cn-north-1"));
    EXPECT_TRUE(is_region_name("us-isob-east-1"));
    EXPECT_FALSE(is_region_name("external-1"));
    EXPECT_FALSE(is_region_name("dualstack"));
    EXPECT_EQ(partition_of("cn-northwest-1"), "aws-cn");
    EXPECT_EQ(partition_of("us-gov-west-1"), "aws-us-gov");
    EXPECT_EQ(partition_of("eu-west-1"), "aws");
    EXPECT_TRUE(is_region_name("eusc-de-east-1"));
    EXPECT_EQ(partition_of("eusc-de-east-1"), "aws-eusc");
    EXPECT_EQ(partition_of("us-isof-south-1"), "aws-iso-f");
    EXPECT_FALSE(is_region_name("abcde-west-1"));
    EXPECT_FALSE(is_region_name("eu--west-1"));
    EXPECT_FALSE(is_region_name("eu-west-1-"));
    EXPECT_FALSE(is_region_name("1eu-west"));
    EXPECT_EQ(regional_endpoint("s3", "cn-north-1"), "https://s3.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(regional_endpoint("sts", "eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
}

TEST(AwsRefusals, AClockOffByAnHourIsCorrectedFromS3sDate) {
    Fixture f;
    f.aws.set_clock_offset(3600s);  // this machine is an hour behind
    testing::internal::CaptureStderr();
    EXPECT_EQ(f.s3().list("eu-bucket", "cur/").size(), 2u);
    const std::string log = testing::internal::GetCapturedStderr();
    EXPECT_EQ(f.aws.skew_refusals(), 1);
    const auto off = f.rc.now("s3") - std::chrono::system_clock::now();
    EXPECT_GT(off, 3595s);
    EXPECT_LT(off, 3605s);
    EXPECT_NE(log.find("this machine's clock is 3600 s behind s3's"), std::string::npos) << log;
    // Another client of the run (sharing the guards) signs with AWS's time from the start.
    net::HttpClient http2(net::ClientOptions{});
    net::ResilientClient rc2(http2, quick_retries(3), nullptr, 1, f.rc.guards());
    S3Client other(rc2, f.creds, "us-east-1", f.aws.endpoint());
    EXPECT_EQ(other.get("eu-bucket", "cur/report-1.csv.gz"), "first file");
    EXPECT_EQ(f.aws.skew_refusals(), 1);
    EXPECT_EQ(f.rc.stats().retries, 0);
}

TEST(AwsRefusals, EachServiceHasItsOwnClockAndADayIsTheMost) {
    Fixture f;
    f.aws.set_clock_offset(1200s);  // past S3's 15 minutes
    EXPECT_EQ(f.s3().list("eu-bucket", "cur/").size(), 2u);
    // An S3 endpoint's clock (an S3-compatible store's, say) does not move STS's.
    EXPECT_GT(f.rc.now("s3") - std::chrono::system_clock::now(), 1195s);
    EXPECT_LT(f.rc.now("sts") - std::chrono::system_clock::now(), 1s);

    Fixture g;
    g.aws.set_clock_offset(-48h);
    testing::internal::CaptureStderr();
    EXPECT_EQ(error_text([&] { g.s3().get("eu-bucket", "cur/report-1.csv.gz"); }),
              "s3 GetObject failed: HTTP 403 RequestTimeTooSkewed (after 1 attempt(s)): The "
              "difference between the request time and the current time is too large.");
    const std::string log = testing::internal::GetCapturedStderr();
    EXPECT_NE(log.find("this machine's clock is 172800 s ahead of s3's, more than the 24 h "
                       "curcrunch corrects: set the clock right (NTP)"),
              std::string::npos)
        << log;
    EXPECT_LT(g.rc.now("s3") - std::chrono::system_clock::now(), 1s);
}

TEST(AwsRefusals, ABucketsRegionIsKnownWithinItsPartition) {
    BucketRegions regions;
    regions.set("billing", "cn-northwest-1");
    EXPECT_EQ(regions.of("aws-cn", "billing"), "cn-northwest-1");
    EXPECT_EQ(regions.of("aws", "billing"), "");  // another partition's bucket of that name
    // A redirect out of the client's partition is not followed.
    Fixture f;
    f.aws.set_bucket_region("eu-bucket", "cn-north-1");
    EXPECT_EQ(error_text([&] { f.s3().list("eu-bucket", "cur/"); }),
              "s3 ListObjectsV2 failed: HTTP 301 PermanentRedirect (after 1 attempt(s)): The "
              "bucket you are attempting to access must be addressed using the specified "
              "endpoint. Please send all future requests to this endpoint.");
}

TEST(AwsRefusals, JsonServicesAndStsCorrectTheClockToo) {
    Fixture f;
    f.aws.set_json_handler([](const std::string&, const std::string&, const std::string&) {
        return respond(200, "{\"Accounts\":[]}", {{"Content-Type", "application/x-amz-json-1.1"}});
    });
    f.aws.set_clock_offset(-1200s);  // this machine is 20 minutes ahead: "not yet current"
    JsonService service = organizations_service();
    service.endpoint = f.aws.endpoint();
    JsonServiceClient orgs(f.rc, f.creds, service);
    EXPECT_EQ(orgs.call("ListAccounts", "{}"), "{\"Accounts\":[]}");
    EXPECT_EQ(f.aws.skew_refusals(), 1);

    Fixture g;
    g.aws.set_clock_offset(-7200s);  // two hours ahead: STS's expiry is in our past
    StsClient sts(g.rc, g.creds, "us-east-1", g.aws.endpoint());
    AssumeRoleProvider provider(sts, kRoleArn, "s");
    provider.get();
    provider.get();
    // By AWS's clock the credentials have an hour left: assumed once, not on every call.
    EXPECT_EQ(provider.assumptions(), 1);
    EXPECT_EQ(g.aws.assumed(), 1);
    EXPECT_EQ(g.aws.skew_refusals(), 1);
}

TEST(AwsRefusals, ASignatureRefusalWithADateNearOursIsNotRetried) {
    Fixture f;
    Credentials wrong = f.creds;
    wrong.secret_access_key = Secret("not/the/secret");
    S3Client s3(f.rc, wrong, "us-east-1", f.aws.endpoint());
    EXPECT_EQ(error_text([&] { s3.get("eu-bucket", "cur/report-1.csv.gz"); }),
              "s3 GetObject failed: HTTP 403 SignatureDoesNotMatch (after 1 attempt(s)): The "
              "request signature we calculated does not match the signature you provided.");
    EXPECT_EQ(f.aws.skew_refusals(), 0);
    EXPECT_EQ(f.rc.now("s3") - std::chrono::system_clock::now() < 1s, true);
}

TEST(AwsRefusals, ASkewRefusalWithoutADateFailsAsItWas) {
    Fixture f;
    f.aws.raw().push(respond(403,
                             "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference "
                             "between the request time and the current time is too large."
                             "</Message></Error>"));
    EXPECT_EQ(error_text([&] { f.s3().get("eu-bucket", "cur/report-1.csv.gz"); }),
              "s3 GetObject failed: HTTP 403 RequestTimeTooSkewed (after 1 attempt(s)): The "
              "difference between the request time and the current time is too large.");
}

TEST(AwsRefusals, RetryAfterAsADateCountsFromTheResponsesDate) {
    const std::string date = "Sun, 06 Nov 1994 08:49:37 GMT";
    EXPECT_EQ(net::parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", &date), 3000ms);
    EXPECT_EQ(net::parse_retry_after("Sun, 06 Nov 1994 08:49:30 GMT", &date), 0ms);
    EXPECT_EQ(net::parse_retry_after("Sun, 06 Nov 1994 10:49:37 GMT", &date), 3600000ms);
    EXPECT_EQ(net::parse_retry_after("12", &date), 12000ms);
    EXPECT_FALSE(net::parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT trailing", &date));
    // Years the clock cannot hold are not dates (a fuzzer found that year 7095 overflowed it).
    EXPECT_FALSE(net::parse_http_date("Sun, 06 Nov 7096 08:49:40 GMT"));
    EXPECT_FALSE(net::parse_http_date("Sun, 06 Nov 1969 08:49:40 GMT"));
    EXPECT_TRUE(net::parse_http_date("Sun, 06 Nov 2200 08:49:40 GMT"));
    EXPECT_EQ(net::parse_retry_after("Sun, 06 Nov 7096 08:49:40 GMT", &date), std::nullopt);
}

}  // namespace CURCRUNCH_UNITY_ID
