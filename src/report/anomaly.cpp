#include "curcrunch/report/anomaly.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace curcrunch::report {
namespace {

// Median of integers, exact (the mean of the two middle values rounds toward zero).
Amount median(std::vector<Amount> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Amount abs_amount(Amount a) {
    return a < 0 ? -a : a;
}

}  // namespace

std::vector<Anomaly> detect_anomalies(const DailySeries& s, Day from, Day to,
                                      const AnomalyRule& rule) {
    std::vector<Anomaly> out;
    const size_t n = std::min(s.days.size(), s.values.size());
    for (size_t i = rule.min_history; i < n; ++i) {
        if (s.days[i] < from || s.days[i] > to) continue;
        const size_t first = i > rule.window ? i - rule.window : 0;
        std::vector<Amount> history(s.values.begin() + static_cast<std::ptrdiff_t>(first),
                                    s.values.begin() + static_cast<std::ptrdiff_t>(i));
        const Amount med = median(history);
        std::vector<Amount> dev;
        dev.reserve(history.size());
        for (Amount v : history)
            dev.push_back(abs_amount(v - med));
        // med is a sum over stored rows: times a percentage it may pass 128 bits (mul_div).
        Amount spread = 0;
        if (!mul_div(abs_amount(med), rule.min_spread_percent, 100, spread))
            spread = abs_amount(med);
        const Amount mad = std::max(median(dev), spread);
        const Amount diff = s.values[i] - med;
        if (abs_amount(diff) < rule.floor) continue;
        // The ratio of two exact amounts; a statistic, not money.
        const double z = mad == 0 ? std::numeric_limits<double>::infinity()
                                  : 0.6745 * static_cast<double>(diff) / static_cast<double>(mad);
        if (std::abs(z) > rule.z_threshold)
            out.push_back({s.days[i], s.values[i], med, z, i - first, s.days[first], {}});
    }
    return out;
}

Day history_start(const std::vector<Day>& covered, Day from, const AnomalyRule& rule) {
    if (covered.empty()) return from;
    const auto at = std::lower_bound(covered.begin(), covered.end(), from);
    const size_t before = static_cast<size_t>(at - covered.begin());
    const size_t back = std::min(before, rule.window);
    return before == 0 ? std::min(from, covered.front()) : covered[before - back];
}

std::string format_z(double z) {
    if (std::isinf(z)) return "no spread";
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", z);
    return b;
}

}  // namespace curcrunch::report
