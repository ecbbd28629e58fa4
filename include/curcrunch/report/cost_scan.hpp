#pragma once
// One pass over the daily cost rollup for a date range and the report filters, row by row with
// dimension ids, no SQL GROUP BY: the report derives all of its aggregates (periods, months,
// days, services, accounts, usage types) from a single scan, which is what keeps a 12-month
// report of a large organisation under a second.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/dim_names.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::report {

struct CostRow {
    Day day;
    int64_t account, product_code, product_name, usage_type, pricing_term, line_item_type;
    Amount unblended, amortized, tagged;
    int64_t rows;
    int64_t payer;  // dim id of the payer account
    Amount usage;   // usage quantity (recommendations count instance hours with it)
    // The measure the scan was asked for (ScanFilter::measure): what every figure of a report
    // sums. `unblended` and `amortized` stay what they say (the data fingerprint, commitment
    // analysis and the tagged share read them).
    Amount cost;
};

// What a scan keeps: payer accounts, usage accounts, services (product code or name) and
// regions; an empty list keeps everything. `measure` is what CostRow::cost holds.
struct ScanFilter {
    std::vector<std::string> accounts, services, regions;
    std::vector<std::string> payers;
    store::Measure measure = store::Measure::unblended;
    std::string currency;  // canonical; empty: every currency
};

// " AND currency IN (...)" keeping the rows of `currency` ("" for USD too, as
// store/currency_scope.hpp reads them); nothing for an empty one. bind_currency binds its
// values from `i` on and returns the next free index.
std::string currency_sql(const std::string& currency);
int bind_currency(store::Statement& st, int i, const std::string& currency);

// Whether the days [from, to] hold at least half of the store's rows. Then a scan reads the
// rollup table in storage order instead of following the day index row by row: a third less
// CPU, and sequential reads instead of random ones when the store is not in the page cache
// (the index order jumps across a period's pages, and read-ahead then drags in the pages of
// other tables in between).
// "(?,?,...)" with n placeholders, for an IN list bound value by value.
std::string sql_placeholders(size_t n);

bool range_holds_most_rows(store::Database& db, Day from, Day to);

// Rows of cost_daily with day in [from, to] that pass the filter.
void scan_costs(store::Database& db, Day from, Day to, const ScanFilter& filter,
                const std::function<void(const CostRow&)>& on_row);

using DimText = store::DimNames;  // dimension strings by id, cached

}  // namespace curcrunch::report
