#pragma once
// `summary --mom N`: month over month (store/query_mom.hpp) as rows of month x key, each with
// its amount, the month before over the same days, the change in money and percent and whether
// the month is partial (internal to src/cli).
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::cli {

// `q`'s filters, measure, currency (set: the caller chose it over every month listed) and
// dimension; its `to` is the last day (the month it falls in is the last month) and its `limit`
// the rows kept before "Other".
void print_month_over_month(store::Database& db, const store::Query& q, int months, Day end,
                            OutputFormat format);

}  // namespace curcrunch::cli
