// HashPace (issue 16): a plain file's digest keeps behind the file's parse by a share that
// follows the rows the store write will insert, at most half the file, and never waits once the
// parse has ended or the ingest no longer needs it to. Sha256::of_unchanged_file asks its pace
// before each window it maps. An ingest at two threads whose parse fails still ends (the hasher
// does not wait on a parse that stopped), and one that succeeds has every digest right. The
// file's own parse hashes its head, up to where the held-back share begins, and a hasher thread
// the rest.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/hash_pace.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using ingest::HashPace;

TEST(HashPace, HoldsBackByStoredRowsAtMostHalfTheFile) {
    auto rows = std::make_shared<std::atomic<uint64_t>>(0);
    const uint64_t size = uint64_t(96) << 20;
    // An eighth of it is a whole number of rows' shares, so the bounds below are exact.
    static_assert((uint64_t(96) << 20) / 8 % HashPace::kHashBytesPerStoredRow == 0);
    HashPace pace(size, rows);
    EXPECT_EQ(pace.allowed(), 0u);  // nothing parsed yet
    pace.parsed(uint64_t(10) << 20);
    pace.parsed(uint64_t(30) << 20);
    EXPECT_EQ(pace.allowed(), uint64_t(40) << 20);  // no rows: right behind the parse
    // kHashBytesPerStoredRow of digest per row: rows worth an eighth of the file hold it back.
    *rows = size / 8 / HashPace::kHashBytesPerStoredRow;
    EXPECT_EQ(pace.allowed(), uint64_t(35) << 20);
    *rows = 1000000000;  // far more rows than the file can hold back for: half of it at most
    EXPECT_EQ(pace.allowed(), uint64_t(20) << 20);
    pace.finish();
    EXPECT_EQ(pace.allowed(), UINT64_MAX);
}

// The head a file's parse hashes itself ends where the held-back share begins.
TEST(HashPace, TheHeadEndsWhereTheHeldBackShareBegins) {
    auto rows = std::make_shared<std::atomic<uint64_t>>(0);
    const uint64_t size = uint64_t(96) << 20;
    HashPace pace(size, rows);
    EXPECT_EQ(pace.head_end(), size);                     // no rows yet: nothing held back
    *rows = size / 8 / HashPace::kHashBytesPerStoredRow;  // 12 MiB left for the store write
    EXPECT_EQ(pace.head_end(), size - size / 8);
    *rows = 1000000000;
    EXPECT_EQ(pace.head_end(), size / 2);
}

// Once the stream has timed enough of its hashing, each stored row leaves kHashNsPerStoredRow of
// it at that speed: a digest half as fast leaves half the bytes, and the head ends later.
TEST(HashPace, TheShareFollowsTheTimedSpeedOfTheDigest) {
    auto rows = std::make_shared<std::atomic<uint64_t>>(1000);
    const uint64_t size = uint64_t(1) << 30;
    HashPace pace(size, rows);
    const double fixed = static_cast<double>(HashPace::kHashBytesPerStoredRow);
    EXPECT_EQ(pace.bytes_per_row(), fixed);  // nothing timed yet
    const uint64_t min = HashPace::kMinTimedBytes;
    pace.hashed(min / 2, 1000);
    EXPECT_EQ(pace.bytes_per_row(), fixed);  // too little timed to trust
    pace.hashed(min / 2, min - 1000);        // one byte per nanosecond so far
    EXPECT_DOUBLE_EQ(pace.bytes_per_row(), HashPace::kHashNsPerStoredRow);
    const uint64_t fast_head = pace.head_end();
    EXPECT_NEAR(static_cast<double>(size - fast_head), 1000 * HashPace::kHashNsPerStoredRow, 1);
    pace.hashed(min, 3 * min);  // half a byte per nanosecond over all of it
    EXPECT_DOUBLE_EQ(pace.bytes_per_row(), HashPace::kHashNsPerStoredRow / 2);
    EXPECT_NEAR(static_cast<double>(size - pace.head_end()), 500 * HashPace::kHashNsPerStoredRow,
                1);
    EXPECT_GT(pace.head_end(), fast_head);
}

TEST(HashPace, FinishOrStopEndsTheWait) {
    auto rows = std::make_shared<std::atomic<uint64_t>>(0);
    std::atomic<bool> stop{false};
    for (int how = 0; how < 2; ++how) {
        HashPace pace(1000, rows);
        pace.parsed(100);
        auto waiter = std::async(std::launch::async, [&] { pace.wait_for(500, stop); });
        EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout)
            << "500 bytes may not be read while 100 are parsed";
        if (how == 0)
            pace.finish();
        else
            stop = true;
        EXPECT_EQ(waiter.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        stop = false;
    }
    // Parsed far enough: no wait at all.
    HashPace pace(1000, rows);
    pace.parsed(600);
    pace.wait_for(500, stop);
}

// The pace is asked before each 16 MiB window, with the offset where it ends, in order; the
// digest is the file's.
TEST(HashPace, DigestAsksBeforeEachWindow) {
    TempDir t;
    const uint64_t size = (uint64_t(40) << 20) + 123;
    std::string bytes(size, 'x');
    for (size_t i = 0; i < bytes.size(); i += 4099)
        bytes[i] = static_cast<char>('a' + i % 26);
    write_file(t / "f.csv", bytes);
    std::vector<uint64_t> asked;
    const std::string d = Sha256::of_unchanged_file(t / "f.csv", file_identity(t / "f.csv"),
                                                    [&](uint64_t end) { asked.push_back(end); });
    EXPECT_EQ(d, Sha256::of(bytes));
    EXPECT_EQ(asked, (std::vector<uint64_t>{uint64_t(16) << 20, uint64_t(32) << 20, size}));
}

// A parse that fails ends its file's pace: the ingest reports the bad row instead of hanging
// on a hasher that waits for bytes nobody will parse.
TEST(HashPace, AFailedParseDoesNotKeepTheDigestWaiting) {
    TempDir t;
    std::string csv(kLegacyHeader);
    for (int i = 0; i < 2000; ++i)
        csv += legacy_row("a" + std::to_string(i % 7), "2025-03-01", "1.25");
    csv += legacy_row("a1", "2025-03-02", "not-a-number");
    write_file(t / "bad.csv", csv);
    ingest::IngestOptions o;
    o.threads = 2;
    tbb::task_arena two(2);
    auto done = std::async(std::launch::async, [&] {
        std::string what;
        two.execute([&] {
            try {
                ingest::IngestResult r =
                    ingest::run_ingest(ingest::plan_inputs({t / "bad.csv"}), o);
                r.wait_for_hashes();
            } catch (const Error& e) {
                what = e.what();
            }
        });
        return what;
    });
    ASSERT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    const std::string what = done.get();
    EXPECT_NE(what.find("not a number: 'not-a-number'"), std::string::npos) << what;
    EXPECT_NE(what.find("bad.csv"), std::string::npos) << what;
}

// The run's last plain file, at two threads: its parse hashes the head as it goes, and hands the
// rest, from a multiple of 64 KiB, to a hasher thread that reads it again beside the store
// write; the digest recorded is the file's. At one thread the parse hashes all of it.
TEST(HashPace, TheParseHashesTheHeadAndAHasherThreadTheRest) {
    TempDir t;
    std::string csv(kLegacyHeader);
    for (int i = 0; i < 120000; ++i) {  // every row a line-item group of its own
        char day[16];
        std::snprintf(day, sizeof day, "2025-03-%02d", 1 + i % 28);
        csv += legacy_row("r" + std::to_string(i), day, "1.25", "Usage " + std::to_string(i));
    }
    write_file(t / "big.csv", csv);
    const std::string want = Sha256::of(csv);
    const bool cores = std::thread::hardware_concurrency() >= 2;
    for (const std::string threads : {"2", "1"}) {
        const std::string db = t / ("threads" + threads + ".db");
        auto r = run_cli({"ingest", "--verbose", "--threads", threads, "--db", db, t / "big.csv"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(query_one(db, "SELECT sha256 FROM ingest_source"), want) << threads;
        const std::string says = ": sha256 of its first ";
        const size_t at = r.err.find(says);
        if (threads == "1" || !cores) {
            EXPECT_EQ(at, std::string::npos) << r.err;
            continue;
        }
        ASSERT_NE(at, std::string::npos) << r.err;
        const uint64_t head = std::stoull(r.err.substr(at + says.size()));
        EXPECT_EQ(head % Sha256::kRestAlign, 0u) << head;
        EXPECT_GT(head, 0u);
        EXPECT_LT(head, csv.size());
        // The share it left, timed by the parse's own hashing (hash_pace.hpp).
        const std::string per_row = " bytes of it per stored row)";
        const size_t end = r.err.find(per_row, at);
        ASSERT_NE(end, std::string::npos) << r.err;
        const size_t open = r.err.rfind('(', end);
        EXPECT_GT(std::stoull(r.err.substr(open + 1, end - open - 1)), 0u) << r.err;
    }
}

}  // namespace CURCRUNCH_UNITY_ID
