#pragma once
// Anomalous days: a robust z-score of each day's cost against the median and the median
// absolute deviation (MAD) of a trailing window, flagged only when the deviation also exceeds
// an absolute amount. A percentage alone never flags a day: a $3 day after $1 days is +200%
// and nobody's problem.
#include <cstddef>
#include <vector>

#include "curcrunch/core/money.hpp"

namespace curcrunch::report {

struct AnomalyRule {
    size_t window = 28;         // trailing days compared against
    size_t min_history = 7;     // days needed before a day can be judged
    double z_threshold = 3.5;   // |0.6745 (x - median) / MAD| above this
    Amount floor = 25 * kUnit;  // and |x - median| at least this ($25)
    // The MAD used is at least this share of the median (percent), so a very steady series
    // does not turn every small wobble into an "infinite" z-score.
    int min_spread_percent = 5;
};

struct Anomaly {
    size_t index = 0;  // into the series
    Amount value = 0, median = 0;
    double z = 0;  // robust z-score (infinite when the window has no spread)
};

std::vector<Anomaly> detect_anomalies(const std::vector<Amount>& daily,
                                      const AnomalyRule& rule = {});

}  // namespace curcrunch::report
