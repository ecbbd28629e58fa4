// Re-ingesting a file whose device, inode, size and modification time match a recorded ingest of
// its path reuses the recorded sha256 (issue 16); touching the file forces a new hash; --verify
// hashes anyway and refuses (exit 3, store unchanged) a same-size, same-mtime edit; a schema-9
// store upgrades in place and then records identities.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>

#include "curcrunch/core/sha256.hpp"
#include "curcrunch/store/schema.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

const char* kReused = "sha256 reused from ingest";

std::string month_csv(const std::string& cost) {
    return std::string(kLegacyHeader) + legacy_row("a1", "2025-03-01", cost) +
           legacy_row("a2", "2025-03-02", cost);
}

// Overwrites the file's bytes in place (same inode), then gives it back its modification time.
void edit_keeping_mtime(const std::string& path, const std::string& bytes) {
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    struct stat after {};
    ASSERT_EQ(::stat(path.c_str(), &after), 0);
    ASSERT_EQ(after.st_ino, before.st_ino);
    ASSERT_EQ(after.st_size, before.st_size);
    ASSERT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
}

RunResult ingest(const std::string& db, const std::string& file, bool verify = false) {
    std::vector<std::string> a{"ingest", "--quiet", "--verbose", "--db", db, file};
    if (verify) a.insert(a.begin() + 1, "--verify");
    return run_cli(a);
}

std::string last_source(const std::string& db, const std::string& column) {
    return query_one(db, "SELECT " + column + " FROM ingest_source ORDER BY id DESC LIMIT 1");
}

void exec(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
}

}  // namespace

TEST(DigestReuse, ReingestOfAnUnchangedFileReusesItsDigest) {
    TempDir t;
    const std::string db = t / "s.db", csv = t / "m.csv", bytes = month_csv("1.25");
    write_file(csv, bytes);
    const std::string sha = Sha256::of(bytes);

    const RunResult first = ingest(db, csv);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(first.err.find(kReused), std::string::npos);
    EXPECT_EQ(last_source(db, "sha256"), sha);
    EXPECT_EQ(last_source(db, "sha256_origin"), "read");
    struct stat st {};
    ASSERT_EQ(::stat(csv.c_str(), &st), 0);
    EXPECT_EQ(last_source(db, "file_ino"), std::to_string(st.st_ino));
    EXPECT_EQ(last_source(db, "file_mtime_ns"),
              std::to_string(int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec));

    const RunResult again = ingest(db, csv);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.err.find(std::string(kReused) + " 1 "), std::string::npos) << again.err;
    EXPECT_EQ(last_source(db, "ingest_id"), "2");
    EXPECT_EQ(last_source(db, "sha256"), sha);
    EXPECT_EQ(last_source(db, "sha256_origin"), "recorded");

    // --verify hashes an unchanged file and passes.
    const RunResult verified = ingest(db, csv, true);
    ASSERT_EQ(verified.exit_code, 0) << verified.err;
    EXPECT_EQ(verified.err.find(kReused), std::string::npos);
    EXPECT_EQ(last_source(db, "sha256"), sha);
    EXPECT_EQ(last_source(db, "sha256_origin"), "read");
}

// A compressed file is not read for its digest either: its reader skips the hash when the
// recorded one stands.
TEST(DigestReuse, ReingestOfAnUnchangedGzipFileReusesItsDigest) {
    TempDir t;
    const std::string db = t / "s.db", gz = t / "m.csv.gz", bytes = gzip_bytes(month_csv("1.25"));
    write_file(gz, bytes);
    ASSERT_EQ(ingest(db, gz).exit_code, 0);
    EXPECT_EQ(last_source(db, "sha256 || ' ' || sha256_origin"), Sha256::of(bytes) + " read");
    const RunResult again = ingest(db, gz);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.err.find(std::string(kReused) + " 1 "), std::string::npos) << again.err;
    EXPECT_EQ(last_source(db, "sha256 || ' ' || sha256_origin"), Sha256::of(bytes) + " recorded");
    EXPECT_EQ(last_source(db, "compression"), "gzip");
}

TEST(DigestReuse, ANewModificationTimeForcesAHash) {
    TempDir t;
    const std::string db = t / "s.db", csv = t / "m.csv", bytes = month_csv("1.25");
    write_file(csv, bytes);
    ASSERT_EQ(ingest(db, csv).exit_code, 0);
    struct stat st {};
    ASSERT_EQ(::stat(csv.c_str(), &st), 0);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    times[1].tv_sec -= 3600;  // bytes unchanged, modification time moved
    ASSERT_EQ(::utimensat(AT_FDCWD, csv.c_str(), times, 0), 0);

    const RunResult r = ingest(db, csv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find(kReused), std::string::npos) << r.err;
    EXPECT_EQ(last_source(db, "sha256"), Sha256::of(bytes));
    EXPECT_EQ(last_source(db, "sha256_origin"), "read");
}

TEST(DigestReuse, VerifyRefusesAnEditThatKeptSizeAndModificationTime) {
    TempDir t;
    const std::string db = t / "s.db", csv = t / "m.csv";
    const std::string old_bytes = month_csv("1.25"), new_bytes = month_csv("9.25");
    ASSERT_EQ(old_bytes.size(), new_bytes.size());
    write_file(csv, old_bytes);
    ASSERT_EQ(ingest(db, csv).exit_code, 0);
    edit_keeping_mtime(csv, new_bytes);

    const std::string ingests = query_one(db, "SELECT count(*) FROM ingest");
    const std::string total = query_one(db, "SELECT money_sum(unblended) FROM cost_daily");
    const RunResult r = ingest(db, csv, true);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(csv + ": sha256 " + Sha256::of(new_bytes) + " differs from " +
                         Sha256::of(old_bytes) + " recorded by ingest 1"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM ingest"), ingests);
    EXPECT_EQ(query_one(db, "SELECT money_sum(unblended) FROM cost_daily"), total);

    // Without --verify the identity stands for the bytes: the recorded digest is reused (this
    // is the case --verify exists for), while the rows are the new ones.
    const RunResult plain = ingest(db, csv);
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_EQ(last_source(db, "sha256"), Sha256::of(old_bytes));
    EXPECT_EQ(last_source(db, "sha256_origin"), "recorded");
}

TEST(DigestReuse, ASchema9StoreUpgradesInPlace) {
    TempDir t;
    const std::string db = t / "s.db", csv = t / "m.csv", bytes = month_csv("1.25");
    write_file(csv, bytes);
    ASSERT_EQ(ingest(db, csv).exit_code, 0);
    // The store as schema 9 wrote it: ingest_source without the identity columns.
    exec(db,
         "DROP INDEX ingest_source_path; ALTER TABLE ingest_source DROP COLUMN file_dev; "
         "ALTER TABLE ingest_source DROP COLUMN file_ino; ALTER TABLE ingest_source DROP COLUMN "
         "file_mtime_ns; ALTER TABLE ingest_source DROP COLUMN sha256_origin; UPDATE meta SET "
         "value = '9' WHERE key = 'schema_version'");
    const std::string total = query_one(db, "SELECT money_sum(unblended) FROM cost_daily");

    const RunResult r = ingest(db, csv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
              std::to_string(store::kSchemaVersion));
    EXPECT_EQ(store::kSchemaVersion, 10);
    // The schema-9 row keeps its digest and has no identity: nothing to reuse, so it is hashed.
    EXPECT_EQ(query_one(db,
                        "SELECT sha256 || ' ' || file_mtime_ns || ' ' || sha256_origin FROM "
                        "ingest_source WHERE ingest_id = 1"),
              Sha256::of(bytes) + " 0 read");
    EXPECT_EQ(r.err.find(kReused), std::string::npos) << r.err;
    EXPECT_NE(last_source(db, "file_mtime_ns"), "0");
    EXPECT_EQ(query_one(db, "SELECT money_sum(unblended) FROM cost_daily"), total);
    // and the next ingest of it reuses the digest the upgraded store recorded.
    const RunResult again = ingest(db, csv);
    EXPECT_NE(again.err.find(std::string(kReused) + " 2 "), std::string::npos) << again.err;
}

}  // namespace CURCRUNCH_UNITY_ID
