#pragma once
// The daily rollup of an ingest's new measurements (meter_ingest.cpp). Each batch is folded on
// its own (in parallel, one batch per task) into per (account, meter, day) states that point
// into the batches (no allocation per measurement); the batches' states are then merged and
// turned into the DailyRollup that meter_store.hpp adds to the store. Every aggregation merges
// exactly: sums and counts add, max keeps the larger, latest the later (instant, then uid),
// unique_count unites the sets of distinct values.
#include <cstdint>
#include <vector>

#include "curcrunch/billing/measurement.hpp"
#include "curcrunch/billing/meter_store.hpp"

namespace curcrunch::billing {

// `fresh[b][r]` non-zero: row r of batch b is new and counts; the other rows are left out.
DailyRollup roll_up_measurements(const MeterCatalog& catalog,
                                 const std::vector<MeasurementBatch>& batches,
                                 const std::vector<std::vector<uint8_t>>& fresh);

}  // namespace curcrunch::billing
