#pragma once
// `curcrunch meters ingest`: usage measurement files into the store, atomically. Every file is
// parsed and checked first (measurement.hpp); then, in one transaction, each measurement is
// recorded by uid and rolled up by day (meter_store.hpp):
// - a uid seen before (in the store or earlier in the input) with the same content is a
//   duplicate and ignored, so ingesting the same file twice changes nothing;
// - a uid seen before with other content is a conflict, reported with both places;
// - bad records and conflicts stop the ingest with the store unchanged, unless skip_bad_rows,
//   which leaves them out (counted and listed) and stores the rest.
// When nothing new remains the store is not written at all (not even an ingest record).
#include <string>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/measurement.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct MeterIngestOptions {
    bool skip_bad_rows = false;
    Micros now = 0;  // timestamps from now + 1 day on are out of range (0: the clock's now)
    size_t max_problems = 100;
};

struct MeterIngestResult {
    int64_t ingest_id = 0;  // 0: nothing was written
    uint64_t lines = 0, stored = 0, duplicates = 0, skipped = 0;
    std::vector<MeterProblem> problems;  // what was skipped (skip mode), at most max_problems
};

// Throws Error(input) listing the problems (file:line: field: message) when a record is bad or
// a uid conflicts and skip_bad_rows is off; the store is then unchanged.
MeterIngestResult ingest_meter_files(store::Database& db, const BillingConfig& config,
                                     const std::vector<std::string>& paths,
                                     const MeterIngestOptions& options);

}  // namespace curcrunch::billing
