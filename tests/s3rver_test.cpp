// Interop with an S3 implementation nobody here wrote: npm's s3rver 3.7.1, run by node on
// 127.0.0.1 over TLS with a CA made for the test (installed by the test command into
// tests/s3rver/node_modules). It does not check SigV4 strictly and ignores If-Match, so it
// complements the project's own AWS test server: listing with real pagination (max-keys 2),
// ranged GETs that resume a partial download, CUR sync, and TLS verification against a custom
// CA bundle (and a clear failure without it).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "curcrunch/aws/cur_sync.hpp"
#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

// s3rver as a child process; stopped with SIGTERM when the test ends.
class S3rver {
  public:
    S3rver(const std::string& dir, const std::string& key, const std::string& cert) {
        const std::string script =
            std::string(CURCRUNCH_SOURCE_DIR) + "/tests/s3rver/node_modules/s3rver/bin/s3rver.js";
        if (!fs::exists(script))
            throw std::runtime_error(script + " is missing: run ./setup.sh test (npm ci)");
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe");
        std::vector<std::string> args = {"node",
                                         "--openssl-legacy-provider",
                                         script,
                                         "--directory",
                                         dir,
                                         "--address",
                                         "127.0.0.1",
                                         "--port",
                                         "0",
                                         "--silent",
                                         "--configure-bucket",
                                         "cur-bucket",
                                         "--key",
                                         key,
                                         "--cert",
                                         cert};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        posix_spawn_file_actions_addclose(&actions, fds[1]);
        const int rc =
            ::posix_spawnp(&pid_, "node", &actions, nullptr, c_strings(args).data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error(std::string("cannot start node: ") + strerror(rc));
        ::close(fds[1]);
        // "S3rver listening on 127.0.0.1:<port>"
        std::string out;
        char buf[256];
        while (out.find("listening on 127.0.0.1:") == std::string::npos ||
               out.find('\n', out.find("listening on")) == std::string::npos) {
            ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n <= 0) throw std::runtime_error("s3rver did not start: " + out);
            out.append(buf, static_cast<size_t>(n));
        }
        ::close(fds[0]);
        const size_t at = out.find("127.0.0.1:") + 10;
        port_ = std::stoi(out.substr(at));
    }
    ~S3rver() {
        ::kill(pid_, SIGTERM);
        int st;
        ::waitpid(pid_, &st, 0);
    }
    std::string endpoint() const { return "https://127.0.0.1:" + std::to_string(port_); }

  private:
    pid_t pid_ = -1;
    int port_ = 0;
};

struct Interop {
    Interop() {
        const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " +
                                (tmp / "key.pem") + " -out " + (tmp / "cert.pem") +
                                " -days 2 -subj /CN=127.0.0.1 -addext "
                                "subjectAltName=IP:127.0.0.1 2>/dev/null";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
        fs::create_directories(tmp / "data");
        server = std::make_unique<S3rver>(tmp / "data", tmp / "key.pem", tmp / "cert.pem");
        creds.access_key_id = "S3RVER";  // s3rver's documented default key pair
        creds.secret_access_key = Secret("S3RVER");
        net::ClientOptions o;
        o.ca_file = tmp / "cert.pem";
        http = std::make_unique<net::HttpClient>(o);
        rc = std::make_unique<net::ResilientClient>(*http, quick_retries(2));
    }
    // PUT through our own signer: s3rver sees an ordinary SigV4 upload.
    void put(const std::string& key, const std::string& body) {
        aws::HttpRequest h;
        h.method = "PUT";
        h.path = "/cur-bucket/" + key;
        h.headers = {{"Host", server->endpoint().substr(8)}};
        h.body = body;
        aws::SigningParams p;
        p.region = "us-east-1";
        p.service = "s3";
        p.amz_date = aws::amz_date_now();
        p.normalize_path = false;
        p.add_content_sha256 = true;
        aws::sign(h, creds, p);
        net::Request r;
        r.method = "PUT";
        r.url = server->endpoint() + h.target();
        for (auto& [k, v] : h.headers)
            if (k != "Host") r.headers.emplace_back(k, v);
        r.body = body;
        auto res = http->perform(r);
        ASSERT_TRUE(res.ok()) << res.error_text;
        ASSERT_EQ(res.response.status, 200) << res.response.body;
    }
    TempDir tmp;
    std::unique_ptr<S3rver> server;
    aws::Credentials creds;
    std::unique_ptr<net::HttpClient> http;
    std::unique_ptr<net::ResilientClient> rc;
};

}  // namespace

TEST(S3rverInterop, ListsEveryPageResumesRangedDownloadsAndSyncsCur) {
    Interop w;
    gen::GenOptions o;
    o.out = w.tmp / "export";
    o.layout = true;
    o.gzip = true;
    o.gzip_level = 1;
    o.hourly = false;
    o.start = 202608;
    o.months = 3;
    o.payers = 1;
    o.accounts_per_payer = 2;
    o.resources_per_account = 3;
    o.report_name = "interop";
    gen::generate(o);
    std::vector<std::string> keys;
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "export"))
        if (e.is_regular_file()) {
            keys.push_back("billing/" + fs::relative(e.path(), w.tmp.path() / "export").string());
            w.put(keys.back(), read_file(e.path().string()));
        }
    std::sort(keys.begin(), keys.end());
    ASSERT_GE(keys.size(), 9u);

    aws::S3Client s3(*w.rc, w.creds, "us-east-1", w.server->endpoint());
    // Two keys per page: every continuation token s3rver hands out is followed.
    auto listed = s3.list("cur-bucket", "billing/", 2);
    std::vector<std::string> got;
    for (const auto& obj : listed)
        got.push_back(obj.key);
    EXPECT_EQ(got, keys);

    // A download cut short resumes with a Range request and yields the exact object.
    const aws::S3Object* data = nullptr;
    for (const auto& obj : listed)
        if (obj.key.find(".csv.gz") != std::string::npos) data = &obj;
    ASSERT_NE(data, nullptr);
    const std::string whole =
        read_file((w.tmp / "export") + "/" + data->key.substr(std::string("billing/").size()));
    const std::string dest = w.tmp / "dl/file.csv.gz";
    fs::create_directories(w.tmp / "dl");
    write_file(dest + ".part", whole.substr(0, whole.size() / 3));
    write_file(dest + ".part.etag", data->etag + "\n");
    aws::DownloadedFile written;
    EXPECT_EQ(s3.download("cur-bucket", *data, dest, &written), aws::DownloadOutcome::resumed);
    EXPECT_EQ(read_file(dest), whole);
    EXPECT_EQ(written.sha256, Sha256::of(whole));  // the whole file's, not the resumed part's
    EXPECT_EQ(s3.download("cur-bucket", *data, dest), aws::DownloadOutcome::unchanged);

    // The whole export through sync: the same rollups as from disk.
    auto periods =
        aws::sync_cur(s3, "cur-bucket", "billing/interop", w.tmp / "cache", 202601, 202612);
    ASSERT_EQ(periods.size(), 3u);
    std::vector<std::string> manifests;
    for (const auto& p : periods) {
        EXPECT_TRUE(p.ok) << p.error;
        manifests.push_back(p.local_manifest);
    }
    auto ingest_into = [](const std::vector<std::string>& in, const std::string& db) {
        auto r = ingest::run_ingest(ingest::plan_inputs(in), {});
        store::Store::open(db)->replace_periods(r, "t", false);
        return dump_rollups(db);
    };
    EXPECT_EQ(ingest_into(manifests, w.tmp / "s3.db"),
              ingest_into({w.tmp / "export"}, w.tmp / "disk.db"));
}

TEST(S3rverInterop, TlsIsVerifiedAgainstTheGivenCaOnly) {
    Interop w;
    net::HttpClient system_ca(net::ClientOptions{});  // the system bundle does not know our CA
    net::ResilientClient rc(system_ca, quick_retries(3));
    aws::S3Client s3(rc, w.creds, "us-east-1", w.server->endpoint());
    const std::string msg = error_text([&] { s3.list("cur-bucket", "billing/", 2); });
    EXPECT_NE(msg.find("s3 ListObjectsV2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("TLS"), std::string::npos) << msg;
    EXPECT_NE(msg.find("after 1 attempt(s)"), std::string::npos) << msg;  // never retried
    // With the CA bundle the same request verifies and succeeds.
    aws::S3Client ok(*w.rc, w.creds, "us-east-1", w.server->endpoint());
    EXPECT_TRUE(ok.list("cur-bucket", "billing/", 2).empty());
}

}  // namespace CURCRUNCH_UNITY_ID
