#pragma once
// The (payer, billing period) units a shard store holds, read and checked row by row before a
// merge writes anything (store/shard_check.hpp calls it for every shard).
//
// A shard's rows are accepted only when they keep the store's invariants (store/schema.cpp,
// version 6) on their own, since merge copies them into a store that relies on them:
//   - every billing_period row is a unit of the shard's one ingest, made by an ingest (origin
//     'ingest'), whose payer is a string of the shard's dictionary and which lists at most
//     ingest::kMaxInvoiceIds invoice ids;
//   - every rollup row belongs to one of those units (its payer and period) and lies within the
//     unit's [min_day, max_day]; its period, day, dim ids and row_count are SQLite integers;
//     every dim id it holds is in the shard's dictionary; every amount is an integer within
//     kMaxAmount (core/money.hpp);
//   - each unit's billing_period row says what its cost rows hold: their rows (sum of
//     row_count), their unblended total (checked sums) and their first and last day; its rows
//     are at most kMaxUnitRows;
//   - row counts are what an ingest writes (ingest/rollup.cpp Rollup::settle): each input row
//     reaches one cost group and one line-item group, and one tag group per tag key it has. So
//     the line items' row_count sum equals the unit's rows, and every row_count lies in 1..the
//     unit's rows, as does the sum of one tag key's row_count over the unit.
// What the merge needs later is gathered in the same pass: the payer's id in the shard and, per
// dictionary string, how many cells of the unit's rows use it (the references the target's dim
// must gain, store/dim_refs.hpp).
#include <compare>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

// The bound on a unit's input rows (billing_period.rows), so on every row_count: 2^40, about
// 1.1 * 10^12 rows in one payer's month. The largest CUR deliveries hold some 10^10 line items a
// month, and an ingest decoding 10^7 rows a second would take 30 hours for 2^40. Downstream,
// queries add row_count with SQLite's 64-bit sum() (store/query_parts.hpp): over cost or line
// rows, or one tag key's rows, a sum is at most the input rows of the units it covers, so it
// reaches 2^63 only over more than 2^23 units at this bound (9.2 * 10^18 input rows); a sum
// that did would fail with "integer overflow", never give a wrong count.
inline constexpr int64_t kMaxUnitRows = int64_t{1} << 40;
inline constexpr const char* kMaxUnitRowsText = "2^40";

// A unit of replacement of the store (what an ingest or a merge replaces whole).
struct StoreUnit {
    std::string payer;  // the payer account id ('' when no row names one)
    Period period = 0;
    auto operator<=>(const StoreUnit&) const = default;
};

// "payer 123456789012, period 2026-10", the text is shown safely (core/shown_text.hpp).
std::string unit_name(const StoreUnit& u);

struct ShardUnitRows {
    StoreUnit unit;
    int64_t payer_id = 0;              // the payer's dim id in the shard
    int64_t min_day = 0, max_day = 0;  // yyyymmdd bounds of its rows (billing_period)
    int64_t cost_rows = 0;             // cost_daily rows (groups) of the unit
    // What the unit's rows of each rollup table are, by rollup_tables() order (dim_refs.hpp):
    // what a merge must find again in the rows it copies.
    struct Table {
        int64_t rows = 0;        // rows (groups)
        int64_t row_counts = 0;  // sum of their row_count
    };
    std::vector<Table> tables;
    // (shard dim id, cells of the unit's rows in all three rollups holding it), by id.
    std::vector<std::pair<int64_t, int64_t>> cells;
};

// The units of the shard store `db` (payer, then period), every check above passed. Throws
// Error(input) saying which check failed (the caller names the shard).
std::vector<ShardUnitRows> read_shard_units(Database& db, int64_t ingest_id);

}  // namespace curcrunch::store
