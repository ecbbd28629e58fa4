#pragma once
// Anomalous days: a robust z-score of each day's cost against the median and the median
// absolute deviation (MAD) of the days before it, flagged only when the deviation also exceeds
// an absolute amount. A percentage alone never flags a day: a $3 day after $1 days is +200%
// and nobody's problem.
//
// A day is judged against the `window` days *with data* just before it in the store, whatever
// the view around it: the series handed in holds every day the store covers (and only those),
// starting early enough that the first day of any view has its full history. So a day has one
// score in a 12-month report, in its month and in its week, and a day the store has no data
// for is neither judged nor counted as a $0 day of history.
#include <cstddef>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"

namespace curcrunch::report {

struct AnomalyRule {
    size_t window = 28;         // days with data compared against
    size_t min_history = 7;     // days with data needed before a day can be judged
    double z_threshold = 3.5;   // |0.6745 (x - median) / MAD| above this
    Amount floor = 25 * kUnit;  // and |x - median| at least this (25 of the view's currency)
    // The MAD used is at least this share of the median (percent), so a very steady series
    // does not turn every small wobble into an "infinite" z-score.
    int min_spread_percent = 5;
};

// The days with data, ascending, and each one's amount. Days the store does not cover are
// absent (never zeros).
struct DailySeries {
    std::vector<Day> days;
    std::vector<Amount> values;
};

// What moved on an anomalous day: one (service, account, usage type) against its own median
// over the same history days.
struct AnomalyDriver {
    std::string service, service_label, account, usage_type;
    Amount amount = 0, median = 0;
    Amount change() const { return amount - median; }
};

struct Anomaly {
    Day day = 0;
    Amount value = 0, median = 0;
    double z = 0;        // robust z-score (infinite when the history has no spread)
    size_t history = 0;  // days with data it was judged against
    Day history_from = 0;
    std::vector<AnomalyDriver> drivers;  // the largest three in the anomaly's direction
};

// The anomalous days of `s` within [from, to].
std::vector<Anomaly> detect_anomalies(const DailySeries& s, Day from, Day to,
                                      const AnomalyRule& rule = {});

// The first day a series must start at so that `from` has its full history: the `window`-th
// day with data before `from` among `covered` (ascending), or the first covered day.
Day history_start(const std::vector<Day>& covered, Day from, const AnomalyRule& rule = {});

// "4.9", or "no spread" for an infinite score.
std::string format_z(double z);

}  // namespace curcrunch::report
