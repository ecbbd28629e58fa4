#pragma once
// `summary --anomalies`: the anomalous days (and fee days) of the range with their drivers,
// from the same computation as the report and the dashboard (report/anomaly.hpp), so a day has
// the same score in all three (internal to src/cli).
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::cli {

void print_anomalies(store::Database& db, const store::Query& q, OutputFormat format);

}  // namespace curcrunch::cli
