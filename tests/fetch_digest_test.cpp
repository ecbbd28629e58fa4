// The sha256 of a fetched CUR file comes from its download (issue 16): `fetch` hashes the bytes
// as it writes them and the ingest of the period records that digest (sha256_origin
// "download") instead of reading the file again for it. A later fetch that ingests cached files
// it did not download reuses the digest recorded with them while their identity holds, and
// hashes a file whose identity changed; `fetch --verify` hashes every file and refuses a period
// whose file changed behind an unchanged identity.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "fetch_world.hpp"
#include "syscall_trace.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// internal's October: its top-level manifest and its one data file, as S3 keys.
struct October {
    std::string manifest_key, data_key;
};
October internal_october(World& w) {
    October o;
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "internal")) {
        const std::string rel = fs::relative(e.path(), w.tmp.path() / "internal").string();
        if (rel.find("20261001-20261101/") == std::string::npos) continue;
        if (e.path().extension() == ".gz") o.data_key = "billing/" + rel;
        if (e.path().parent_path().filename() == "20261001-20261101" && rel.size() > 14 &&
            rel.compare(rel.size() - 14, 14, "-Manifest.json") == 0)
            o.manifest_key = "billing/" + rel;
    }
    return o;
}

std::string cached(World& w, const std::string& key) {
    return (w.tmp / "cache") + "/internal/billing-internal/" + key;
}

// A new copy of the manifest (same files, one more newline): the next fetch ingests the period
// again from the files it already has.
void touch_manifest(World& w, const October& o) {
    w.aws.put_object("billing-internal", o.manifest_key,
                     read_file(w.tmp / "internal" + ("/" + o.manifest_key.substr(8))) + "\n");
}

// The same gzip file with other bytes: the header's MTIME field, which no checksum covers.
std::string other_header_time(std::string gz) {
    EXPECT_GE(gz.size(), 10u);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
    EXPECT_EQ(gz[3] & 0x02, 0) << "FHCRC set";
    gz[4] = static_cast<char>(gz[4] ^ 0x5a);
    return gz;
}

// The latest source row of a path: "sha256 origin".
std::string latest_source(const std::string& db, const std::string& path) {
    return query_one(db, "SELECT sha256 || ' ' || sha256_origin FROM ingest_source WHERE path = '" +
                             path + "' ORDER BY id DESC LIMIT 1");
}

}  // namespace

TEST(FetchDigest, AFetchedFileIsRecordedWithTheDigestOfItsDownload) {
    World w;
    auto r = run_cli(w.args({"--verbose"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // Every CUR file came from a download in this run.
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM ingest_source"), "4");
    EXPECT_EQ(query_one(w.db,
                        "SELECT count(*) FROM ingest_source WHERE sha256_origin <> "
                        "'download'"),
              "0");
    EXPECT_EQ(count_of(r.err, "sha256 reused from its download"), 4u) << r.err;
    // Each digest is the file's, on disk and in the bucket, and its identity the cached file's.
    const October o = internal_october(w);
    const std::string path = cached(w, o.data_key);
    const std::string bytes = read_file(path);
    EXPECT_EQ(bytes, read_file(w.tmp / "internal" + ("/" + o.data_key.substr(8))));
    EXPECT_EQ(latest_source(w.db, path), Sha256::of(bytes) + " download");
    const FileIdentity id = file_identity(path);
    EXPECT_EQ(query_one(w.db,
                        "SELECT file_dev || ' ' || file_ino || ' ' || file_bytes || ' ' || "
                        "file_mtime_ns FROM ingest_source WHERE path = '" +
                            path + "'"),
              std::to_string(id.dev) + " " + std::to_string(id.ino) + " " +
                  std::to_string(id.size) + " " + std::to_string(id.mtime_ns));
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM ingest_source WHERE sha256 = ''"), "0");
    // The rollups are those of the same exports ingested from disk.
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

TEST(FetchDigest, UnchangedCachedFilesReuseTheDigestRecordedWithThem) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const October o = internal_october(w);
    const std::string path = cached(w, o.data_key), sha = Sha256::of(read_file(path));
    touch_manifest(w, o);

    auto r = run_cli(w.args({"--verbose"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find(path + ": sha256 reused from ingest "), std::string::npos) << r.err;
    EXPECT_EQ(latest_source(w.db, path), sha + " recorded");
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

TEST(FetchDigest, ACachedFileWithANewIdentityIsHashedAgain) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const October o = internal_october(w);
    const std::string path = cached(w, o.data_key), original = read_file(path);
    // Replaced in the cache by other bytes of the same size (a new inode): its size and ETag
    // still match the object, but its new identity voids the digest its download recorded
    // next to it, and hashed again its bytes are not those: it is downloaded again.
    const std::string tampered = other_header_time(original);
    write_file(path + ".new", tampered);
    fs::rename(path + ".new", path);
    touch_manifest(w, o);

    auto r = run_cli(w.args({"--verbose"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 1 ingested, 3 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find(path + ": the cached copy of s3://billing-internal/" + o.data_key +
                         " changed since it was downloaded (sha256 " + Sha256::of(tampered) +
                         ", downloaded " + Sha256::of(original) + "); downloading it again"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(read_file(path), original);
    EXPECT_EQ(latest_source(w.db, path), Sha256::of(original) + " download");
}

TEST(FetchDigest, VerifyHashesEveryFileAndRefusesOneChangedBehindItsIdentity) {
    World w;
    auto first = run_cli(w.args({"--verify", "--verbose"}), w.env());
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_EQ(first.err.find("sha256 reused"), std::string::npos) << first.err;
    const October o = internal_october(w);
    const std::string path = cached(w, o.data_key), bytes = read_file(path);
    EXPECT_EQ(latest_source(w.db, path), Sha256::of(bytes) + " read");
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM ingest_source WHERE sha256_origin <> 'read'"),
              "0");

    // Edited in place with its size and modification time kept: the identity still matches.
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    const std::string edited = other_header_time(bytes);
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.write(edited.data(), static_cast<std::streamsize>(edited.size()));
    }
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    touch_manifest(w, o);
    const std::string ingests = query_one(w.db, "SELECT count(*) FROM ingest");

    auto r = run_cli(w.args({"--verify"}), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
    EXPECT_NE(r.out.find("problem: period 2026-10, profile internal: not replaced: " + path +
                         ": sha256 " + Sha256::of(edited) + " differs from " + Sha256::of(bytes) +
                         " recorded by ingest "),
              std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM ingest"), ingests);
    EXPECT_EQ(latest_source(w.db, path), Sha256::of(bytes) + " read");
}

// The engine's side, without a fetch: a digest a download computed stands for a compressed
// file while its identity holds, and --verify compares the file's bytes with it.
TEST(FetchDigest, TheEngineReusesOrChecksADownloadDigest) {
    TempDir t;
    const std::string path = t / "m.csv.gz";
    const std::string bytes =
        gzip_bytes(std::string(kLegacyHeader) + legacy_row("a1", "2025-03-01", "1.25"));
    write_file(path, bytes);
    ingest::IngestOptions opts;
    ingest::RecordedDigest d;
    d.identity = file_identity(path);
    d.sha256 = std::string(64, 'a');  // not the file's: only a reused digest can be this
    d.origin = "download";
    opts.recorded[path] = d;

    ingest::IngestResult r = ingest::run_ingest(ingest::plan_inputs({path}), opts);
    r.wait_for_hashes();
    ASSERT_EQ(r.sources.size(), 1u);
    EXPECT_EQ(r.sources[0].sha256, d.sha256);
    EXPECT_EQ(r.sources[0].sha256_origin, "download");

    opts.verify = true;
    ingest::IngestResult v = ingest::run_ingest(ingest::plan_inputs({path}), opts);
    try {
        v.wait_for_hashes();
        FAIL() << "a digest that is not the file's passed --verify";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::input);
        EXPECT_NE(
            std::string(e.what()).find(path + ": sha256 " + Sha256::of(bytes) + " differs from " +
                                       d.sha256 + " computed by its download"),
            std::string::npos)
            << e.what();
    }

    // Another identity: the digest does not stand, the file is hashed.
    opts.verify = false;
    opts.recorded[path].identity.mtime_ns += 1;
    ingest::IngestResult h = ingest::run_ingest(ingest::plan_inputs({path}), opts);
    h.wait_for_hashes();
    EXPECT_EQ(h.sources[0].sha256, Sha256::of(bytes));
    EXPECT_EQ(h.sources[0].sha256_origin, "read");
}

// A fetched export (and the .etag that says which version it is) and a fetched invoice document
// reach the disk before they take their names, and their folders after (core/durable_file.hpp):
// the store records their digests, and a crash of the machine then leaves either the file whole
// under its name or the .part the next fetch continues.
TEST(FetchDigest, DownloadsAreSyncedBeforeTheyTakeTheirNames) {
    World w;
    const std::string dir = fs::canonical(w.tmp.path()).string();
    const SyscallTrace t = trace_syscalls(dir, w.args(), w.env());
    int exports = 0, documents = 0, manifests = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir + "/cache")) {
        const std::string file = e.path().string();
        if (e.is_regular_file() && file.size() > 14 &&
            file.compare(file.size() - 14, 14, "-Manifest.json") == 0) {
            SCOPED_TRACE(file);
            ++manifests;  // the copy the period's ingest reads: whole or not at all
            expect_synced_then_named(t, file + ".part", file);
            continue;
        }
        if (!e.is_regular_file() || !fs::exists(file + ".etag")) continue;
        SCOPED_TRACE(file);
        ++exports;
        expect_synced_then_named(t, file + ".part", file);
        const long renamed = t.find({"rename", "\"" + file + ".part\"", "\"" + file + "\""});
        const long etag_synced = t.find({"fsync(", "<" + file + ".etag>"}, renamed);
        EXPECT_GT(etag_synced, renamed) << t.dump();
        EXPECT_GT(t.find({"fsync(", "<" + e.path().parent_path().string() + ">"}, etag_synced),
                  etag_synced)
            << t.dump();
    }
    for (const auto& e : fs::recursive_directory_iterator(dir + "/invoices")) {
        if (!e.is_regular_file()) continue;
        const std::string file = e.path().string();
        SCOPED_TRACE(file);
        ++documents;
        expect_synced_then_named(t, (e.path().parent_path() / e.path().stem()).string() + ".part",
                                 file);
    }
    EXPECT_GE(exports, 4);  // two months of two profiles
    EXPECT_EQ(manifests, 4);
    EXPECT_GE(documents, 2);
}

}  // namespace CURCRUNCH_UNITY_ID
