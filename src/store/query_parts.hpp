#pragma once
// Pieces the query API's SQL shares between the cost rollup (query.cpp) and the tag rollup
// (query_tags.cpp), internal to src/store: the filter clause and its bound values, the measure
// sums and how result rows are cut.
#include <set>
#include <string>
#include <vector>

#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::store::query_parts {

// " AND ..." for the query's day bounds and filters on a rollup table. The tag rollup has no
// product_name: a service given by name there matches the product codes the cost rollup files
// under that name. Regions are the caller's to refuse on the tag rollup.
std::string filter_sql(const Query& q, bool tag_rollup);
// Binds the values filter_sql placed, from parameter `i` on; returns the next free index.
int bind_filter(Statement& st, const Query& q, int i, bool tag_rollup);

// The measure sums every query selects, in the order add_measures reads them.
inline constexpr const char* kMeasureSums =
    "money_sum(unblended), money_sum(net_unblended), money_sum(amortized), money_sum(blended), "
    "money_sum(public_on_demand), money_sum(usage_amount), sum(row_count), "
    "money_sum(net_amortized)";
// Adds the kMeasureSums columns starting at `first` to r.
void add_measures(ResultRow& r, const Statement& st, int first);

// The currency ids of a group: a query without a currency filter selects these after its sums
// and checks them with CurrencyIds, which is what keeps it from summing two currencies without
// a second pass over the rows.
inline constexpr const char* kCurrencyIds = "min(currency), max(currency)";
struct CurrencyIds {
    std::set<int64_t> ids;
    void add(const Statement& st, int first) {
        ids.insert(st.column_int(first));
        ids.insert(st.column_int(first + 1));
    }
};
// The currency of the query's rows: q.currency when set; else the one the ids name, "" when
// there are none; throws MixedCurrencies when they hold more than one (canonically: "" and
// "USD" are one).
std::string currency_of(Database& db, const Query& q, const CurrencyIds& seen);
// r -= x, every measure and the row count.
void subtract(ResultRow& r, const ResultRow& x);

// Drops rows under the query's threshold, sorts and applies the limit.
std::vector<ResultRow> finish(std::vector<ResultRow> rows, const Query& q);

}  // namespace curcrunch::store::query_parts
