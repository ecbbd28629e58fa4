// How often a worker flushes its rollup into the shared one (ingest/engine_core.hpp): it starts
// at 8,192 groups and doubles while more than a quarter of a flush's groups were in its flush
// before. An export in day order with few groups a day keeps the small size; one whose days
// have more groups than that grows until a worker holds whole days, instead of merging every
// group of the day again at every flush. The sums are the same either way.
#include <gtest/gtest.h>

#include <string>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/input_plan.hpp"
#include "curcrunch/ingest/stage_stats.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// `days` days of `accounts` accounts, each with one row an hour for four hours, hour by hour:
// a cost and a line-item group per account and day (no tags), every row costing 1.00.
std::string day_ordered(int days, int accounts) {
    std::string s = kLegacyHeader;
    for (int d = 1; d <= days; ++d) {
        const std::string day = std::string("2025-03-") + (d < 10 ? "0" : "") + std::to_string(d);
        for (int h = 0; h < 4; ++h)
            for (int a = 0; a < accounts; ++a) {
                const std::string account = "000000" + std::to_string(100000 + a);
                s += legacy_row("r", day, "1.00", "Usage", "", account);
            }
    }
    return s;
}

struct Outcome {
    ingest::StageStats stats;
    ingest::IngestResult result;
};

// Writes day_ordered(days, accounts) and ingests it on one thread.
void ingest_days(int days, int accounts, Outcome& out) {
    TempDir t;
    const std::string path = t / "days.csv";
    write_file(path, day_ordered(days, accounts));
    ingest::IngestOptions o;
    o.threads = 1;              // one worker: its flushes are the only ones, in file order
    o.block_size = 256u << 10;  // chunks of a quarter MiB: a day spans dozens
    o.stats = &out.stats;
    out.result = ingest::run_ingest(ingest::plan_inputs({path}), o);
}

}  // namespace

TEST(FlushSize, DaysWithFewGroupsKeepTheSmallSize) {
    Outcome o;
    ingest_days(30, 1000, o);  // 2,000 groups a day
    EXPECT_EQ(o.stats.largest_flush_size(), 8192u);
    EXPECT_EQ(o.result.rollup.cost.size(), 30000u);
    EXPECT_EQ(o.result.rows, 120000u);
    // Only a day cut by a flush comes back: under a quarter of what is merged.
    EXPECT_GT(o.stats.flushes(), 5u);
    EXPECT_LT(o.stats.groups_merged_again() * 4, o.stats.groups_merged());
}

TEST(FlushSize, DaysWithMoreGroupsThanAWorkerHoldsGrowIt) {
    Outcome o;
    ingest_days(4, 6000, o);  // 12,000 groups a day
    // 8,192 holds two thirds of a day: the second flush holds 2,284 of the first's 4,137 cost
    // groups again; at 16,384, 4,144 of 8,201; 32,768 holds more than two days, and its flush
    // holds 13% of the one before.
    EXPECT_EQ(o.stats.largest_flush_size(), 32768u);
    EXPECT_EQ(o.result.rollup.cost.size(), 24000u);
    EXPECT_EQ(o.result.rollup.lines.size(), 24000u);
    EXPECT_EQ(o.result.rows, 96000u);
    for (const auto& e : o.result.rollup.cost.entries()) {
        EXPECT_EQ(e.value.rows, 4);
        EXPECT_EQ(e.value.unblended, Amount(4) * kUnit);
    }
    // At a fixed 8,192 every flush after the first would merge about half of its groups again;
    // here the ramp and the last flush (the rest of a day cut before) make about 40%.
    EXPECT_LT(o.stats.groups_merged_again() * 2, o.stats.groups_merged());
}

}  // namespace CURCRUNCH_UNITY_ID
