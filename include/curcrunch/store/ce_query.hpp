#pragma once
// Reading the Cost Explorer costs fetch stored (ce_cost, schema v2; store/schema.cpp), with the
// filters and groupings of `summary`, so CE can be set against the CUR without sqlite3. Sums
// are exact (money_sum).
//
// CE was asked for UnblendedCost by month for the whole fetched range and by day for the
// current month only (fetch/fetch_job.cpp). A query therefore reads one of the two series,
// never both (that would count the current month twice): day and week buckets read the daily
// rows, month, year and total the monthly ones. Rows are selected by their start day, so a
// monthly row counts when the first day of its month lies within [from, to].
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::store {

enum class CeDimension { none, service, account, profile };

struct CeQuery {
    std::optional<Day> from, to;        // inclusive, on the row's start day
    std::vector<std::string> accounts;  // linked account ids
    std::vector<std::string> services;  // as Cost Explorer names them
    std::vector<std::string> profiles;  // payer profiles of the fetch configuration
    std::optional<Amount> min_cost;     // rows below this are summed as "below threshold"
    Grain grain = Grain::month;
    CeDimension by = CeDimension::service;
    SortOrder sort = SortOrder::time_then_cost;
    size_t limit = 0;  // 0: no limit; totals still cover every matching row
};

struct CeResultRow {
    std::string bucket;  // as ResultRow: '2026-10', '2026-10-05' (also weeks, by Monday), '2026'
    std::string key;     // dimension value ('' for none)
    std::string label;   // the account's name from Organizations, else the key
    std::string unit;    // currency, normally USD
    Amount amount = 0;   // UnblendedCost
    bool estimated = false;  // CE marked at least one of the summed cells as an estimate
    int64_t rows = 0;        // ce_cost cells summed
};

struct CeResult {
    std::vector<CeResultRow> rows;   // sorted, at most `limit`
    std::vector<CeResultRow> below;  // per bucket and unit, the rows under min_cost summed
    std::vector<CeResultRow> other;  // per unit, the rows past the limit summed
    size_t matching = 0;             // every row, before threshold and limit
    std::vector<std::pair<std::string, Amount>> totals;  // per unit, over every matching row
    bool fetched = false;  // the store holds Cost Explorer data of the series read
};

CeResult run_ce_query(Database& db, const CeQuery& q);

const char* ce_dimension_name(CeDimension d);
std::optional<CeDimension> parse_ce_dimension(const std::string& s);

}  // namespace curcrunch::store
