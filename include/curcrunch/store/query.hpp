#pragma once
// The query API over the rollups, shared by `summary`, reports and the dashboard: filter by
// date range, payers, accounts, services, regions and a cost threshold; group by a time grain
// and a dimension (a tag key or a cost category too: store/query_tags.hpp); sort; limit. All
// sums are exact (money_sum). What the store covers (the data-through day, final or accruing
// months) is in store/coverage.hpp; month over month is store/query_mom.hpp.
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
    operation,
    tag,      // the values of one user (or AWS) tag key, Query::tag_key; plus "untagged"
    category  // the values of one cost category, Query::tag_key; plus "untagged"
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
    // Only the rows in this currency (canonical, store/currency_scope.hpp: "USD" also matches
    // rows without one); empty: every row, and run_query refuses rows in more than one.
    std::string currency;
    // With currency empty: sum every currency without refusing, as reports before currencies
    // were told apart did (audit recomputes them so; report_params.hpp every_currency).
    bool any_currency = false;
    std::optional<Amount> min_cost;  // drop result rows whose measure is below this
    Grain grain = Grain::month;
    Dimension by = Dimension::service;
    // The key of `by` = tag or category, as the store holds it: normalized the way ingest does
    // (ingest/schema.hpp normalize_tag_key, "CostCenter" -> "cost_center"), without the cost
    // category prefix.
    std::string tag_key;
    Measure measure = Measure::unblended;
    SortOrder sort = SortOrder::time_then_cost;
    size_t limit = 0;  // 0: no limit
};

struct ResultRow {
    std::string bucket;    // '2018-11', '2018-11-05', '2018-W45' style start day for weeks, '2018'
    std::string key;       // dimension value ('' for none, and for the untagged row of a tag or
                           // category: a tag value is never empty)
    std::string label;     // human name (product name for services, "Name (id)" for accounts
                           // and payers Organizations named), may equal key
    std::string currency;  // of every amount of the row (store/currency_scope.hpp)
    Amount unblended = 0, net_unblended = 0, amortized = 0, net_amortized = 0, blended = 0,
           public_on_demand = 0, usage = 0;
    int64_t rows = 0;
    Amount measure(Measure m) const;
};

// Errors: Error(usage) for a query the rollups cannot answer exactly (grouping by a tag without
// a key, or with a region filter: the tag rollup keeps no region), and MixedCurrencies
// (store/currency_scope.hpp) when q.currency is empty and the rows hold more than one currency:
// amounts of two currencies are never summed.
std::vector<ResultRow> run_query(Database& db, const Query& q);

// The SQL expression of a time bucket over a yyyymmdd column named `day` (weeks group by day
// and are folded by bucket_text), and the label of one of its values.
const char* bucket_sql(Grain g);
std::string bucket_text(Grain g, int64_t v);

const char* grain_name(Grain g);
const char* dimension_name(Dimension d);
const char* measure_name(Measure m);
// The rollup column a measure sums ("unblended", ..., "usage_amount"); the same name in
// cost_daily, line_item_daily and tag_daily.
const char* measure_column(Measure m);
std::optional<Grain> parse_grain(const std::string& s);
// A plain dimension name; "tag" and "category" need a key: parse_grouping.
std::optional<Dimension> parse_dimension(const std::string& s);

// `--by` text: a dimension name, or "tag:KEY" / "category:KEY" with the key as the user wrote it
// (the caller normalizes it, see Query::tag_key). Empty when the text is neither; a "tag:" with
// an empty key gives the tag dimension and an empty key, for the caller to refuse by name.
struct Grouping {
    Dimension by = Dimension::service;
    std::string key;
};
std::optional<Grouping> parse_grouping(const std::string& s);
// "service", "tag:team", "category:cost_center".
std::string grouping_name(Dimension by, const std::string& key);
std::optional<Measure> parse_measure(const std::string& s);

}  // namespace curcrunch::store
