#pragma once
// The query API over the rollups, shared by `summary`, reports and the dashboard: filter by
// date range, payers, accounts, services, regions and a cost threshold; group by a time grain
// and a dimension; sort; limit. All sums are exact (money_sum). What the store covers (the
// data-through day, final or accruing months) is in store/coverage.hpp.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

enum class Grain { total, day, week, month, year };
enum class Dimension {
    none,
    service,
    account,
    payer,
    region,
    usage_type,
    line_item_type,
    operation
};
enum class Measure {
    unblended,
    net_unblended,
    amortized,
    net_amortized,
    blended,
    public_on_demand,
    usage  // usage quantity: a sum of mixed units unless the query narrows to one usage type
};
enum class SortOrder { time_then_cost, cost_desc, key_asc };

struct DateRange {
    Day from;
    Day to;  // inclusive
};

// Presets: last-7-days, last-30-days, month-to-date, last-12-months (12 whole months ending with
// the current one), year (calendar year to date), last-year (the previous calendar year).
// Relative to `today` (UTC).
std::optional<DateRange> resolve_preset(const std::string& name, Day today);
const std::vector<std::string>& preset_names();

struct Query {
    std::optional<Day> from, to;        // inclusive day bounds
    std::vector<std::string> payers;    // payer account ids
    std::vector<std::string> accounts;  // usage account ids
    std::vector<std::string> services;  // product code or product name
    std::vector<std::string> regions;
    std::optional<Amount> min_cost;  // drop result rows whose measure is below this
    Grain grain = Grain::month;
    Dimension by = Dimension::service;
    Measure measure = Measure::unblended;
    SortOrder sort = SortOrder::time_then_cost;
    size_t limit = 0;  // 0: no limit
};

struct ResultRow {
    std::string bucket;  // '2018-11', '2018-11-05', '2018-W45' style start day for weeks, '2018'
    std::string key;     // dimension value ('' for none)
    std::string label;   // human name (product name for services, "Name (id)" for accounts
                         // and payers Organizations named), may equal key
    Amount unblended = 0, net_unblended = 0, amortized = 0, net_amortized = 0, blended = 0,
           public_on_demand = 0, usage = 0;
    int64_t rows = 0;
    Amount measure(Measure m) const;
};

std::vector<ResultRow> run_query(Database& db, const Query& q);

// The SQL expression of a time bucket over a yyyymmdd column named `day` (weeks group by day
// and are folded by bucket_text), and the label of one of its values.
const char* bucket_sql(Grain g);
std::string bucket_text(Grain g, int64_t v);

const char* grain_name(Grain g);
const char* dimension_name(Dimension d);
const char* measure_name(Measure m);
std::optional<Grain> parse_grain(const std::string& s);
std::optional<Dimension> parse_dimension(const std::string& s);
std::optional<Measure> parse_measure(const std::string& s);

}  // namespace curcrunch::store
