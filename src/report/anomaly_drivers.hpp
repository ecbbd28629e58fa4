#pragma once
// The drivers of anomalous days (internal to src/report; anomaly.hpp says what a driver is).
#include <unordered_map>
#include <vector>

#include "curcrunch/report/anomaly.hpp"
#include "report_scan.hpp"

namespace curcrunch::report {

// Fills each anomaly's drivers from `cells` (the usage cells, or with `fees` the fee cells)
// of its day and its history days in `series`.
void attach_drivers(std::vector<Anomaly>& anomalies, const DailySeries& series,
                    const std::vector<DriverCell>& cells, bool fees, DimText& dims,
                    const std::unordered_map<int64_t, int64_t>& service_names);

}  // namespace curcrunch::report
