// --threads 1 means one thread in all (issue 16): no hasher thread beside the parse. A CSV file's
// digest is computed as it is read, and a Parquet file's by the caller in wait_for_hashes(),
// after the scan; every digest still equals the file's sha256. thread_budget() sees the
// --threads limit, which tbb::this_task_arena::max_concurrency() alone does not. With more
// threads, different files are hashed by different hasher threads, half as many as parse threads.
#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/stage_stats.hpp"
#include "curcrunch/ingest/thread_budget.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string month_csv() {
    return std::string(kLegacyHeader) + legacy_row("a1", "2025-03-01", "1.25") +
           legacy_row("a2", "2025-03-02", "2.5");
}

// Spins for about `ns` of this thread's CPU time.
void burn(uint64_t ns) {
    const uint64_t until = ingest::thread_cpu_ns() + ns;
    volatile uint64_t x = 0;
    while (ingest::thread_cpu_ns() < until)
        x = x + 1;
}

ingest::IngestOptions one_thread() {
    ingest::IngestOptions o;
    o.threads = 1;
    return o;  // defer_cached_hashes stays true: the files are small and in the page cache
}

}  // namespace

TEST(IngestThreads, ThreadBudgetSeesTheLimit) {
    {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
        EXPECT_EQ(ingest::thread_budget(), 1u);
    }
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    EXPECT_EQ(ingest::thread_budget(), cores);
}

// `ingest --threads N` holds a ThreadLimit over the whole command, the store write included,
// whose helpers (the sorts beside the inserts, the reader that counts released strings, the
// flush thread) start only when thread_budget() allows more than one.
TEST(IngestThreads, AThreadLimitHoldsUntilItEnds) {
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    {
        const ingest::ThreadLimit one(1);
        EXPECT_EQ(ingest::thread_budget(), 1u);
        const ingest::ThreadLimit none(0);  // no --threads: no limit of its own
        EXPECT_EQ(ingest::thread_budget(), 1u);
    }
    EXPECT_EQ(ingest::thread_budget(), cores);
}

// A stage timed inside another on the same thread (the digest computed inside the store write at
// --threads 1) is counted once: the stages add up to the thread's CPU time, not more.
TEST(IngestThreads, NestedStageTimersCountEachNanosecondOnce) {
    ingest::StageStats stats;
    const uint64_t t0 = ingest::thread_cpu_ns();
    {
        ingest::StageTimer store(&stats, ingest::Stage::store);
        burn(3000000);
        {
            ingest::StageTimer hash(&stats, ingest::Stage::hash);
            burn(6000000);
        }
        burn(3000000);
    }
    const uint64_t total = ingest::thread_cpu_ns() - t0;
    const uint64_t store = stats.ns(ingest::Stage::store), hash = stats.ns(ingest::Stage::hash);
    EXPECT_LE(store + hash, total);
    EXPECT_GE(hash, 6000000u);
    EXPECT_LT(hash, 9000000u) << "the inner timer ran about 6 ms";
    EXPECT_GE(store, 6000000u);
    EXPECT_LT(store, 9000000u) << "the outer timer ran about 6 ms besides the inner one";
}

// Decode and aggregate run in one pass per row: the decode timer's CPU time is split by the
// cycles the row decoder timed as aggregation, and the two add up to what the timer measured.
// The cycles are turned into time at the counter's rate, so time the thread spent off the CPU
// (here a sleep, in a busy ingest other threads' turns) does not shrink the aggregation's part.
TEST(IngestThreads, AggregationTakesItsShareOfTheDecodeStage) {
    ingest::StageStats stats;
    const uint64_t t0 = ingest::thread_cpu_ns();
    {
        ingest::StageTimer decode(&stats, ingest::Stage::decode);
        burn(3000000);
        // 600 timed rows of 10 us each, standing for themselves (weight kBurst / kBurst).
        for (int i = 0; i < 600; ++i) {
            const uint64_t c0 = ingest::cycle_count();
            burn(10000);
            ingest::StageTimer::innermost()->add_aggregate_cycles(ingest::cycle_count() - c0,
                                                                  ingest::TimingSample::kBurst);
        }
        // A span read across cores whose counters differ, wrapped below zero, and one the
        // thread was preempted in: left out.
        ingest::StageTimer::innermost()->add_aggregate_cycles(uint64_t(0) - 5, 300);
        ingest::StageTimer::innermost()->add_aggregate_cycles(ingest::StageTimer::kPreempted, 300);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        burn(3000000);
    }
    const uint64_t total = ingest::thread_cpu_ns() - t0;
    const uint64_t decode = stats.ns(ingest::Stage::decode);
    const uint64_t aggregate = stats.ns(ingest::Stage::aggregate);
    EXPECT_LE(decode + aggregate, total);
    EXPECT_GE(decode + aggregate, 12000000u);
    // A share of the segment's cycles would give about 6/32 of its 12 ms CPU time (2.3 ms);
    // the margins allow for a burst preempted or slowed by a busy machine.
    EXPECT_GT(aggregate, 4000000u) << "the timed rows ran about 6 of the 12 ms";
    EXPECT_LT(aggregate, 9000000u);
    EXPECT_GT(decode, 3000000u);
    // Without stats no timer runs for a decoder to tell.
    { const ingest::StageTimer off(nullptr, ingest::Stage::decode); }
    EXPECT_EQ(ingest::StageTimer::innermost(), nullptr);
    // The share: exact for big values, all of it when the part is not smaller than the whole.
    EXPECT_EQ(ingest::share_of_ns(10000000000u, 3000000000u, 4000000000u), 7500000000u);
    EXPECT_EQ(ingest::share_of_ns(7u, 5u, 5u), 7u);
    EXPECT_EQ(ingest::share_of_ns(7u, 9u, 5u), 7u);
    EXPECT_EQ(ingest::share_of_ns(7u, 0u, 5u), 0u);
}

// The sample of rows timed for --stats: runs of kBurst calls after gaps of 128 to 383, whose
// weights add up to exactly the calls made whenever a run ends.
TEST(IngestThreads, TimedRowsStandForTheRowsBeforeThem) {
    ingest::TimingSample sample;
    const uint64_t burst = ingest::TimingSample::kBurst;
    uint64_t calls = 0, weights = 0, timed = 0, runs = 0, gap = 0, in_run = 0;
    while (runs < 50) {
        ++calls;
        const uint64_t w = sample.due();
        if (w == 0) {
            ASSERT_EQ(in_run, 0u) << "a run is never cut short";
            ++gap;
            continue;
        }
        if (in_run == 0 && runs > 0) {
            EXPECT_GE(gap, 128u);
            EXPECT_LE(gap, 383u);
        }
        EXPECT_EQ(w, runs == 0 ? burst : gap + burst) << "the first run has no gap before it";
        weights += w;
        ++timed;
        if (++in_run == burst) {
            EXPECT_EQ(weights, calls * burst) << "after run " << runs;
            in_run = gap = 0;
            ++runs;
        }
    }
    EXPECT_EQ(timed, 50 * burst);
    EXPECT_GT(calls, 50 * (128 + burst));
    EXPECT_LT(calls, 50 * (383 + burst));
}

TEST(IngestThreads, OneThreadHashesCsvAsItIsRead) {
    TempDir t;
    const std::string csv = month_csv();
    write_file(t / "plain.csv", csv);
    write_file(t / "a.csv.gz", gzip_bytes(csv));
    auto r =
        ingest::run_ingest(ingest::plan_inputs({t / "plain.csv", t / "a.csv.gz"}), one_thread());
    ASSERT_EQ(r.sources.size(), 2u);
    // Known before wait_for_hashes(): no file was left to a hasher thread.
    for (const auto& src : r.sources)
        EXPECT_EQ(src.sha256, Sha256::of(read_file(src.path))) << src.path;
    r.wait_for_hashes();
    for (const auto& src : r.sources)
        EXPECT_EQ(src.sha256, Sha256::of(read_file(src.path))) << src.path;
    EXPECT_EQ(r.rows, 4u);
}

TEST(IngestThreads, OneThreadHashesParquetInWaitForHashes) {
    TempDir t;
    const std::string real = real_samples() + "/cur1-parquet_wal-workshop_2018-10.snappy.parquet";
    const std::string pq = t / "month.parquet";
    std::filesystem::copy_file(real, pq);
    {
        auto r = ingest::run_ingest(ingest::plan_inputs({pq}), one_thread());
        ASSERT_EQ(r.sources.size(), 1u);
        EXPECT_EQ(r.sources[0].sha256, "");  // not yet: the caller computes it
        r.wait_for_hashes();
        EXPECT_EQ(r.sources[0].sha256, Sha256::of(read_file(real)));
        EXPECT_GT(r.rows, 0u);
    }
    // The digest is computed by wait_for_hashes() itself, not by a thread that may already have
    // read the file: a file changed between the scan and that call is always caught.
    auto r = ingest::run_ingest(ingest::plan_inputs({pq}), one_thread());
    {
        std::ofstream f(pq, std::ios::app | std::ios::binary);
        f << "appended after the scan";
    }
    try {
        r.wait_for_hashes();
        FAIL() << "a file changed after its scan was hashed";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("changed while it was being ingested"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("month.parquet"), std::string::npos) << e.what();
    }
}

// Eight parse threads (an arena of eight, whatever this machine's cores) start four hasher
// threads for twelve cached files: one before the first file, one more per file queued while
// files outnumber threads, up to half the parse's threads. The run's last files, those that
// start once every file has a lane, are hashed by their own parses up to the part held back
// for the store write (stream_digest.hpp); the eight lanes start at most eight of them, so at
// least four are queued. The digests are each file's own, whichever thread computed them.
TEST(IngestThreads, FilesAreHashedOnHalfAsManyThreadsAsTheParse) {
    TempDir t;
    std::vector<std::string> paths;
    for (int i = 0; i < 12; ++i) {
        const std::string day = "2025-03-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1);
        paths.push_back(t / ("day" + std::to_string(i) + ".csv"));
        write_file(paths.back(),
                   std::string(kLegacyHeader) + legacy_row("a" + std::to_string(i), day, "1.25"));
    }
    ingest::StageStats stats;
    ingest::IngestOptions o;
    o.threads = 8;
    o.stats = &stats;
    ingest::IngestResult r;
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 8);
    tbb::task_arena eight(8);
    eight.execute([&] {
        EXPECT_EQ(ingest::thread_budget(), 8u);
        r = ingest::run_ingest(ingest::plan_inputs(paths), o);
    });
    r.wait_for_hashes();
    EXPECT_EQ(stats.hash_threads(), 4u);
    EXPECT_NE(stats.table(1, 1.0).find("hash: 4 hasher threads started beside the parse"),
              std::string::npos)
        << stats.table(1, 1.0);
    ASSERT_EQ(r.sources.size(), 12u);
    for (const auto& src : r.sources)
        EXPECT_EQ(src.sha256, Sha256::of(read_file(src.path))) << src.path;
    EXPECT_EQ(r.rows, 12u);
}

// Two parse threads keep one hasher thread: the second core is the parse's.
TEST(IngestThreads, TwoThreadsKeepOneHasher) {
    TempDir t;
    std::vector<std::string> paths;
    for (int i = 0; i < 3; ++i) {
        paths.push_back(t / ("p" + std::to_string(i) + ".csv"));
        write_file(paths.back(), month_csv());
    }
    ingest::StageStats stats;
    ingest::IngestOptions o;
    o.threads = 2;
    o.stats = &stats;
    ingest::IngestResult r;
    tbb::task_arena two(2);
    two.execute([&] { r = ingest::run_ingest(ingest::plan_inputs(paths), o); });
    r.wait_for_hashes();
    EXPECT_EQ(stats.hash_threads(), 1u);
    for (const auto& src : r.sources)
        EXPECT_EQ(src.sha256, Sha256::of(read_file(src.path))) << src.path;
    EXPECT_EQ(r.rows, 6u);
}

}  // namespace CURCRUNCH_UNITY_ID
