// `curcrunch fetch` through the binary when something goes wrong that no single request shows:
// bytes damaged on the way or in the cache, a partial file left complete by a run that was
// killed, a CUR prefix that leads nowhere, and a SIGTERM in the middle of a download. Each must
// end in success after a retry, in a clear failure, or in a clean stop — never in a run that
// fails the same way every night, nor in a silent "ok".
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

// The cached copy of one of a profile's data files of `range` ("20261001-20261101"), and its
// object key.
struct CachedFile {
    std::string path, key;
};
CachedFile cached_file(const World& w, const std::string& profile, const std::string& bucket,
                       const std::string& range) {
    const fs::path root = w.tmp.path() / "cache" / profile;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().extension() == ".gz" &&
            e.path().string().find(range + "/") != std::string::npos)
            return {e.path().string(), fs::relative(e.path(), root / bucket).string()};
    return {};
}

// GetObject requests for data files whose key contains `part`.
size_t gets_of(AwsTestServer& aws, const std::string& part) {
    size_t n = 0;
    for (const auto& s : aws.raw().seen())
        n += s.method == "GET" && s.target.find(".csv.gz") != std::string::npos &&
             s.target.find(part) != std::string::npos;
    return n;
}

// Flips one byte in the middle of `path` in place, keeping its size; `keep_identity` puts its
// modification time back, as damage on the disk (not a write) leaves it.
void damage_in_place(const std::string& path, bool keep_identity) {
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    std::string bytes = read_file(path);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
    {
        std::FILE* f = std::fopen(path.c_str(), "r+b");  // same inode
        ASSERT_NE(f, nullptr);
        ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
        std::fclose(f);
    }
    if (keep_identity) {
        const timespec times[2] = {before.st_atim, before.st_mtim};
        ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    }
}

}  // namespace

// Audit finding 4: a body damaged on the way (same length) was kept, and its period failed on
// every later run. Its MD5 is not the ETag: it is downloaded again at once.
TEST(FetchRobustness, ABodyDamagedOnTheWayIsDownloadedAgain) {
    World w;
    w.aws.corrupt_next_get("oab-cur/20260901-20261001/");
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("not the object's ETag"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(damaged on the way); downloading it again"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

// A cached file changed after its download (same size, new identity) no longer holds what was
// downloaded: hashed because its identity changed, it is downloaded again and the period
// ingested again. Files that kept their identity are not hashed, so a quiet run stays quiet.
TEST(FetchRobustness, ACachedFileThatChangedIsDownloadedAgain) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const CachedFile f = cached_file(w, "oab", "billing-oab", "20261001-20261101");
    ASSERT_FALSE(f.path.empty());
    const std::string good = read_file(f.path);
    const size_t gets = gets_of(w.aws, "20261001-20261101");
    damage_in_place(f.path, false);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find(f.path + ": the cached copy of s3://billing-oab/" + f.key +
                         " changed since it was downloaded"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(gets_of(w.aws, "20261001-20261101"), gets + 1);
    EXPECT_EQ(read_file(f.path), good);
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

// Damage the identity cannot show (the bytes changed, not the file's stat) is found when the
// period is ingested again: that run fails, and forgets the file, so the next one downloads it
// again instead of failing the same way every night.
TEST(FetchRobustness, ACachedFileThatFailsItsIngestIsDownloadedByTheNextRun) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const CachedFile f = cached_file(w, "internal", "billing-internal", "20261001-20261101");
    ASSERT_FALSE(f.path.empty());
    damage_in_place(f.path, true);
    // internal's October ingested by hand from the exports on disk: the next fetch ingests the
    // cached files again (as fetch_rerun_test.cpp's AUnitReplacedByAnotherIngestIsFetchedAgain).
    std::string oct;
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "internal"))
        if (e.path().string().find("20261001-20261101/") != std::string::npos &&
            e.path().extension() == ".gz")
            oct = e.path().string();
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, oct}).exit_code, 0);

    auto failed = run_cli(w.args(), w.env());
    EXPECT_EQ(failed.exit_code, 6) << failed.out << failed.err;
    EXPECT_NE(failed.err.find(f.path + " is downloaded again by the next run (its ingest failed)"),
              std::string::npos)
        << failed.err;
    auto again = run_cli(w.args(), w.env());
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << again.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

// Audit finding 5: a run killed between a download's last write and its rename left a .part as
// long as the object; every later run asked for the range after its end and got 416.
TEST(FetchRobustness, ACompletePartialFileIsFinishedNotRefusedForever) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const CachedFile f = cached_file(w, "oab", "billing-oab", "20260901-20261001");
    ASSERT_FALSE(f.path.empty());
    const std::string good = read_file(f.path);
    fs::rename(f.path, f.path + ".part");
    fs::rename(f.path + ".etag", f.path + ".part.etag");
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << r.out;
    std::string range;
    for (const auto& s : w.aws.raw().seen())
        if (s.target.find(f.key.substr(f.key.rfind('/'))) != std::string::npos)
            range = s.header("Range");
    EXPECT_EQ(range, "bytes=" + std::to_string(good.size() - 1) + "-");  // its last byte again
    EXPECT_EQ(read_file(f.path), good);
    EXPECT_FALSE(fs::exists(f.path + ".part"));
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

// Audit finding 10: a server that ignored the Range of a resumed download answered 200 with the
// whole object, which was appended to the partial file.
TEST(FetchRobustness, AWholeObjectAnsweringARangeReplacesThePartialFile) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const CachedFile f = cached_file(w, "oab", "billing-oab", "20260901-20261001");
    ASSERT_FALSE(f.path.empty());
    const std::string good = read_file(f.path);
    fs::remove(f.path);
    fs::rename(f.path + ".etag", f.path + ".part.etag");
    write_file(f.path + ".part", good.substr(0, good.size() / 2));
    w.aws.ignore_range_next_get(f.key);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("answered with the whole object; the file starts again from it"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(read_file(f.path), good);
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

// Audit finding 8: a prefix without the report's name lists keys but no manifest; the run said
// "ok" and fetched nothing. It is a problem of the run, recorded and alerted.
TEST(FetchRobustness, APrefixWithoutManifestsIsAProblemNotSuccess) {
    World w;
    write_file(w.tmp / "fetch.json", R"({
  "vault": {"kv_mount": "secret", "kv_path": "billing/aws", "kv_version": 2},
  "profiles": {
    "oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur"}]},
    "internal": {"cur": [{"bucket": "billing-internal", "prefix": "billing/internal-cu"}],
                 "organizations": false, "invoices": false}
  }
})");
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
    const std::string problem =
        "profile internal: CUR listing of s3://billing-internal/billing/internal-cu failed: no "
        "CUR manifest under s3://billing-internal/billing/internal-cu/ (0 key(s) listed: the "
        "prefix or the bucket holds nothing); the prefix must name the report's folder";
    EXPECT_NE(r.out.find("fetch run 1: partial"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(problem), std::string::npos) << r.out;
    EXPECT_NE(query_one(w.db, "SELECT problems FROM fetch_run").find(problem), std::string::npos);

    // The report's name left out: keys, but none a manifest where a report keeps them.
    write_file(w.tmp / "fetch.json", R"({
  "vault": {"kv_mount": "secret", "kv_path": "billing/aws", "kv_version": 2},
  "profiles": {"internal": {"cur": [{"bucket": "billing-internal", "prefix": "billing"}],
                            "organizations": false, "invoices": false}}
})");
    auto wrong = run_cli(w.args(), w.env());
    EXPECT_EQ(wrong.exit_code, 5) << wrong.out << wrong.err;
    EXPECT_NE(wrong.out.find("no CUR manifest under s3://billing-internal/billing/ ("),
              std::string::npos)
        << wrong.out;
    EXPECT_NE(wrong.out.find("; a manifest not where a report's are: 'billing/internal-cur/"),
              std::string::npos)
        << wrong.out;
}

// Audit finding 6: SIGTERM during a download ended the process at once (143) with no message,
// no fetch_run row, no alert, and the Vault token left alive. It now stops at the next safe
// point: the transfer is abandoned (its .part kept), the token revoked, the run recorded and
// alerted as interrupted, with the documented exit status 128 + 15.
TEST(FetchRobustness, SigtermStopsTheRunCleanly) {
    World w;
    w.aws.pace(0, 20000);  // every data file trickles out over 20 s
    LoopbackServer hook;
    hook.set_handler([](const SeenRequest&) { return respond(204, ""); });
    std::atomic<int> pid{0};
    RunResult r;
    std::thread run([&] {
        r = run_cli(w.args({"--alert-webhook", hook.url("/alerts")}), w.env(), &pid);
    });
    // Signalled once a download is under way.
    bool downloading = false;
    for (auto until = std::chrono::steady_clock::now() + 60s;
         !downloading && std::chrono::steady_clock::now() < until;) {
        std::this_thread::sleep_for(20ms);
        std::error_code ec;
        if (fs::exists(w.tmp / "cache", ec))
            for (const auto& e : fs::recursive_directory_iterator(w.tmp / "cache", ec))
                downloading = downloading || e.path().extension() == ".part";
    }
    ASSERT_TRUE(downloading);
    const auto sent = std::chrono::steady_clock::now();
    ASSERT_EQ(::kill(pid.load(), SIGTERM), 0);
    run.join();
    EXPECT_LT(std::chrono::steady_clock::now() - sent, 10s);
    EXPECT_EQ(r.exit_code, 143) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: interrupted"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("interrupted by SIGTERM: the run stopped at its next safe point; 0 CUR "
                         "period(s) stored before it stay, each whole, the rest are as they were"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(query_one(w.db, "SELECT outcome FROM fetch_run"), "interrupted");
    EXPECT_EQ(w.vault.live_tokens(), 0u);  // revoked
    auto seen = hook.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_NE(seen[0].body.find("\"outcome\":\"interrupted\""), std::string::npos) << seen[0].body;
    EXPECT_NE(seen[0].body.find("\"exit_code\":143"), std::string::npos) << seen[0].body;
}

}  // namespace CURCRUNCH_UNITY_ID
