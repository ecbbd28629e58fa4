#include "curcrunch/report/anomaly.hpp"

#include <algorithm>
#include <cmath>
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

std::vector<Anomaly> detect_anomalies(const std::vector<Amount>& daily, const AnomalyRule& rule) {
    std::vector<Anomaly> out;
    for (size_t i = rule.min_history; i < daily.size(); ++i) {
        const size_t from = i > rule.window ? i - rule.window : 0;
        std::vector<Amount> window(daily.begin() + static_cast<std::ptrdiff_t>(from),
                                   daily.begin() + static_cast<std::ptrdiff_t>(i));
        const Amount med = median(window);
        std::vector<Amount> dev;
        dev.reserve(window.size());
        for (Amount v : window)
            dev.push_back(abs_amount(v - med));
        // med is a sum over stored rows: times a percentage it may pass 128 bits (mul_div).
        Amount spread = 0;
        if (!mul_div(abs_amount(med), rule.min_spread_percent, 100, spread))
            spread = abs_amount(med);
        const Amount mad = std::max(median(dev), spread);
        const Amount diff = daily[i] - med;
        if (abs_amount(diff) < rule.floor) continue;
        // The ratio of two exact amounts; a statistic, not money.
        const double z = mad == 0 ? std::numeric_limits<double>::infinity()
                                  : 0.6745 * static_cast<double>(diff) / static_cast<double>(mad);
        if (std::abs(z) > rule.z_threshold) out.push_back({i, daily[i], med, z});
    }
    return out;
}

}  // namespace curcrunch::report
