// The S3 client against the AWS test server, which verifies every SigV4 signature.
#include <gtest/gtest.h>

#include "aws_test_server.hpp"
#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/core/sha256.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::aws;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

const char* kAk = "AKIATESTKEY";
const char* kSk = "test/secret+key";

struct Fixture {
    Fixture()
        : aws(kAk, kSk),
          http(options()),
          rc(http, quick_retries(4)),
          creds{kAk, Secret(kSk), Secret()} {}
    static net::ClientOptions options() {
        net::ClientOptions o;
        o.total_timeout = 2000ms;
        return o;
    }
    S3Client s3() { return S3Client(rc, creds, "us-east-1", aws.endpoint()); }
    AwsTestServer aws;
    net::HttpClient http;
    net::ResilientClient rc;
    Credentials creds;
};

std::string blob(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i)
        s += static_cast<char>('a' + (i * 7 + i / 13) % 26);
    return s;
}

}  // namespace

TEST(S3, ListsEveryPage) {
    Fixture f;
    for (int i = 1; i <= 5; ++i)
        f.aws.put_object("billing",
                         "cur/report/20261101-20261201/report-0000" + std::to_string(i) + ".csv.gz",
                         blob(10 * i));
    f.aws.put_object("billing", "other/x", "x");
    auto objs = f.s3().list("billing", "cur/report/", 2);
    ASSERT_EQ(objs.size(), 5u);
    EXPECT_EQ(objs[4].key, "cur/report/20261101-20261201/report-00005.csv.gz");
    EXPECT_EQ(objs[4].size, 50u);
    EXPECT_EQ(objs[4].etag, AwsTestServer::etag_of(blob(50)));
    EXPECT_EQ(f.aws.raw().seen().size(), 3u);  // 2 + 2 + 1
    EXPECT_EQ(f.aws.rejected(), 0);
}

TEST(S3, WrongKeyIsRejectedBySignatureCheck) {
    Fixture f;
    f.aws.put_object("billing", "k", "v");
    Credentials bad{kAk, Secret("not-the-secret"), Secret()};
    S3Client s3(f.rc, bad, "us-east-1", f.aws.endpoint());
    try {
        s3.list("billing", "");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(
            e.what(),
            "s3 ListObjectsV2 failed: HTTP 403 SignatureDoesNotMatch (after 1 attempt(s)): The "
            "request signature we calculated does not match the signature you provided.");
    }
    EXPECT_EQ(f.aws.rejected(), 1);
}

TEST(S3, DownloadsSkipsUnchangedAndResumes) {
    Fixture f;
    TempDir t;
    const std::string data = blob(200000);
    f.aws.put_object("billing", "cur/a b/file.csv.gz", data);  // a key that needs encoding
    auto s3 = f.s3();
    auto objs = s3.list("billing", "cur/");
    ASSERT_EQ(objs.size(), 1u);
    const std::string dest = t / "cache/file.csv.gz";
    EXPECT_EQ(s3.download("billing", objs[0], dest), DownloadOutcome::downloaded);
    EXPECT_EQ(read_file(dest), data);
    const size_t requests = f.aws.raw().seen().size();
    EXPECT_EQ(s3.download("billing", objs[0], dest), DownloadOutcome::unchanged);
    EXPECT_EQ(f.aws.raw().seen().size(), requests);  // nothing fetched

    // A partial file of the same version is continued with Range + If-Match.
    std::filesystem::remove(dest);
    write_file(dest + ".part", data.substr(0, 1234));
    write_file(dest + ".part.etag", objs[0].etag + "\n");
    EXPECT_EQ(s3.download("billing", objs[0], dest), DownloadOutcome::resumed);
    EXPECT_EQ(read_file(dest), data);
    const SeenRequest last = f.aws.raw().seen().back();
    EXPECT_EQ(last.header("Range"), "bytes=1234-");
    EXPECT_EQ(last.header("If-Match"), objs[0].etag);
    EXPECT_EQ(f.aws.rejected(), 0);
}

TEST(S3, TruncatedTransferIsResumedOnRetry) {
    Fixture f;
    TempDir t;
    const std::string data = blob(100000);
    f.aws.put_object("billing", "k.csv.gz", data);
    auto s3 = f.s3();
    auto objs = s3.list("billing", "");
    Action cut = respond(200, data, {{"ETag", AwsTestServer::etag_of(data)}});
    cut.kind = Action::truncate;  // half the body, then the connection closes
    f.aws.raw().push(cut);
    EXPECT_EQ(s3.download("billing", objs[0], t / "k.csv.gz"), DownloadOutcome::resumed);
    EXPECT_EQ(read_file(t / "k.csv.gz"), data);
    EXPECT_EQ(f.aws.raw().seen().back().header("Range"),
              "bytes=" + std::to_string(data.size() / 2) + "-");
}

// The digest of a downloaded file is the whole file's however it arrived: in one response, by a
// resumed partial file (whose first bytes this download never saw), or after a retry.
TEST(S3, ADownloadGivesTheDigestAndIdentityOfTheWholeFile) {
    Fixture f;
    TempDir t;
    const std::string data = blob(300000), sha = Sha256::of(data);
    f.aws.put_object("billing", "k.csv.gz", data);
    auto s3 = f.s3();
    auto objs = s3.list("billing", "");
    const std::string dest = t / "cache/k.csv.gz";
    DownloadedFile got;
    EXPECT_EQ(s3.download("billing", objs[0], dest, &got), DownloadOutcome::downloaded);
    EXPECT_EQ(got.sha256, sha);
    EXPECT_TRUE(got.identity.known());
    EXPECT_EQ(got.identity, file_identity(dest));
    EXPECT_EQ(got.identity.size, data.size());

    EXPECT_EQ(s3.download("billing", objs[0], dest, &got), DownloadOutcome::unchanged);
    EXPECT_EQ(got.sha256, "");  // nothing written, nothing known

    std::filesystem::remove(dest);
    write_file(dest + ".part", data.substr(0, 4321));
    write_file(dest + ".part.etag", objs[0].etag + "\n");
    EXPECT_EQ(s3.download("billing", objs[0], dest, &got), DownloadOutcome::resumed);
    EXPECT_EQ(got.sha256, sha);
    EXPECT_EQ(got.identity, file_identity(dest));

    std::filesystem::remove(dest);
    Action cut = respond(200, data, {{"ETag", AwsTestServer::etag_of(data)}});
    cut.kind = Action::truncate;  // half the body, then the connection closes
    f.aws.raw().push(cut);
    EXPECT_EQ(s3.download("billing", objs[0], dest, &got), DownloadOutcome::resumed);
    EXPECT_EQ(read_file(dest), data);
    EXPECT_EQ(got.sha256, sha);
    EXPECT_EQ(got.identity, file_identity(dest));
}

TEST(S3, ReplacedObjectIsNeverSpliced) {
    Fixture f;
    TempDir t;
    f.aws.put_object("billing", "k", blob(5000));
    auto s3 = f.s3();
    auto objs = s3.list("billing", "");
    f.aws.put_object("billing", "k", blob(6000));  // replaced after the listing
    try {
        s3.download("billing", objs[0], t / "k");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(
            e.what(),
            "s3 GetObject failed: HTTP 412 PreconditionFailed (after 1 attempt(s)): At least "
            "one of the pre-conditions you specified did not hold");
    }
    EXPECT_FALSE(std::filesystem::exists(t / "k"));
    EXPECT_EQ(s3.get("billing", "k"), blob(6000));
}

TEST(S3, AKeyWithDotSegmentsIsSentAsSigned) {
    // S3 keys are not paths: "a/./b/../c" is its own object, and its path is signed as it is
    // (no normalisation for S3). Sent normalised, it would name another object than the one
    // signed, and S3 would refuse the signature.
    Fixture f;
    f.aws.put_object("billing", "odd/./dir/../name.csv", "the dotted one");
    f.aws.put_object("billing", "odd/name.csv", "another object");
    EXPECT_EQ(f.s3().get("billing", "odd/./dir/../name.csv"), "the dotted one");
    EXPECT_EQ(f.aws.rejected(), 0);
    ASSERT_EQ(f.aws.raw().seen().size(), 1u);
    EXPECT_EQ(f.aws.raw().seen()[0].target, "/billing/odd/./dir/../name.csv");
}

TEST(S3, AnEndpointsPathIsPartOfTheSignedPath) {
    // A gateway that serves S3 under /gw: the server sees bucket "gw" and key "billing/obj",
    // and verifies the signature over the whole path it received.
    Fixture f;
    f.aws.put_object("gw", "billing/obj", "behind the gateway");
    S3Client s3(f.rc, f.creds, "us-east-1", f.aws.endpoint() + "/gw/");
    EXPECT_EQ(s3.get("billing", "obj"), "behind the gateway");
    EXPECT_EQ(f.aws.rejected(), 0);
}

TEST(S3, AnEndpointIsSignedAsCurlSendsIt) {
    struct Case {
        const char* url;
        const char* origin;
        const char* host;
        const char* path;
    };
    for (const Case& c : std::vector<Case>{
             {"https://minio.example:443", "https://minio.example", "minio.example", ""},
             {"http://127.0.0.1:80", "http://127.0.0.1", "127.0.0.1", ""},
             {"https://s3.eu-west-1.amazonaws.com", "https://s3.eu-west-1.amazonaws.com",
              "s3.eu-west-1.amazonaws.com", ""},
             {"http://127.0.0.1:9000/", "http://127.0.0.1:9000", "127.0.0.1:9000", ""},
             {"https://minio.example:80", "https://minio.example:80", "minio.example:80", ""},
             {"http://minio.example:443", "http://minio.example:443", "minio.example:443", ""},
             {"http://[::1]:80", "http://[::1]", "[::1]", ""},
             {"https://gateway.example:443/s3/", "https://gateway.example", "gateway.example",
              "/s3"}}) {
        SCOPED_TRACE(c.url);
        const SigningEndpoint e = signing_endpoint(c.url);
        EXPECT_EQ(e.origin, c.origin);
        EXPECT_EQ(e.host, c.host);
        EXPECT_EQ(e.path, c.path);
    }
}

TEST(S3, AnEndpointNamingTheDefaultPortIsSignedAsSent) {
    // curl sends "Host: 127.0.0.1" for http://127.0.0.1:80, and the server checks the
    // signature against that: the port must not be signed either (https's 443 likewise; see
    // S3.AnEndpointIsSignedAsCurlSendsIt).
    AwsTestServer aws(kAk, kSk, 80);
    // The test set-up runs as root on a machine of its own; a port 80 taken is a failure, not a
    // skip (the unit cases above check the derivation without a server).
    ASSERT_TRUE(aws.listening()) << "port 80 is taken or not permitted on this machine";
    aws.put_object("billing", "cur/x.csv", "on port 80");
    net::HttpClient http(Fixture::options());
    net::ResilientClient rc(http, quick_retries(1));
    Credentials creds{kAk, Secret(kSk), Secret()};
    S3Client s3(rc, creds, "us-east-1", "http://127.0.0.1:80");
    EXPECT_EQ(s3.list("billing", "cur/").size(), 1u);
    EXPECT_EQ(s3.get("billing", "cur/x.csv"), "on port 80");
    EXPECT_EQ(aws.rejected(), 0);
    ASSERT_FALSE(aws.raw().seen().empty());
    EXPECT_EQ(aws.raw().seen()[0].header("Host"), "127.0.0.1");
}

}  // namespace CURCRUNCH_UNITY_ID
