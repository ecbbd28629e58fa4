// `--threads 1` is one thread in all (issue 16), for `fetch` as for `ingest`: the limit holds
// over each period's whole ingest, so its store write starts no helper threads (the sorts beside
// the inserts, the thread that syncs pages behind the writer). `fetch --threads` was held only
// while a period's files were parsed; the store write after it used every core. The store write
// says how many threads it may use in a debug line, which these tests read.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// The debug line of a store write allowed `threads` threads.
std::string store_write_line(size_t threads) {
    return threads > 1 ? "store write: up to " + std::to_string(threads) + " threads"
                       : "store write: one thread";
}

// The threads a limit of `n` allows here: no more than the cores.
size_t allowed(size_t n) {
    return std::min<size_t>(n, std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

TEST(FetchThreads, ThreadsOneHoldsForEachPeriodsStoreWrite) {
    World w;
    auto r = run_cli(w.args({"--threads", "1", "--verbose"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(count_of(r.err, "store write: one thread"), 4u) << r.err;
    EXPECT_EQ(count_of(r.err, "store write: up to"), 0u) << r.err;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

TEST(FetchThreads, ThreadsTwoLetsEachStoreWriteUseTwo) {
    World w;
    auto r = run_cli(w.args({"--threads", "2", "--verbose"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(count_of(r.err, store_write_line(allowed(2))), 4u) << r.err;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

TEST(IngestThreadsCli, ThreadsOneHoldsForTheStoreWrite) {
    World w;  // for its exported CUR files
    const std::string db = w.tmp / "one.db";
    auto r = run_cli({"ingest", "--verbose", "--threads", "1", "--db", db, w.tmp / "oab"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(count_of(r.err, "store write: one thread"), 1u) << r.err;
    const std::string db2 = w.tmp / "two.db";
    r = run_cli({"ingest", "--verbose", "--threads", "2", "--db", db2, w.tmp / "oab"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(count_of(r.err, store_write_line(allowed(2))), 1u) << r.err;
    EXPECT_EQ(dump_rollups(db), dump_rollups(db2));
}

}  // namespace CURCRUNCH_UNITY_ID
