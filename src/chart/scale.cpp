#include "curcrunch/chart/scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace curcrunch::chart {
namespace {

// Heckbert's nice numbers: the round value of `x`'s magnitude, rounded or at least x.
double nice(double x, bool round) {
    const double e = std::floor(std::log10(x));
    const double f = x / std::pow(10, e);
    double n;
    if (round)
        n = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.75 ? 2.5 : f < 7.5 ? 5 : 10;
    else
        n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return n * std::pow(10, e);
}

std::string with_separators(long long whole) {
    std::string digits = std::to_string(whole < 0 ? -whole : whole), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return (whole < 0 ? "-" : "") + out;
}

}  // namespace

LinearScale nice_scale(double min, double max, double out0, double out1, int target) {
    min = std::min(min, 0.0);
    max = std::max(max, 0.0);
    if (max - min < 1e-9) max = min + 1;
    LinearScale s;
    s.step = nice(nice(max - min, false) / std::max(1, target - 1), true);
    s.lo = std::floor(min / s.step + 1e-9) * s.step;
    s.hi = std::ceil(max / s.step - 1e-9) * s.step;
    // Ticks as integer multiples of the step, rounded to the step's decimals, so 3 x 0.1 is
    // the 0.3 a reader expects and not 0.30000000000000004.
    const double scale = std::pow(10, std::max(0.0, 2 - std::floor(std::log10(s.step))));
    const long long k0 = std::llround(s.lo / s.step), k1 = std::llround(s.hi / s.step);
    for (long long k = k0; k <= k1; ++k)
        s.ticks.push_back(std::round(static_cast<double>(k) * s.step * scale) / scale + 0.0);
    s.out0 = out0;
    s.out1 = out1;
    return s;
}

std::string money_tick(double value, double step, const std::string& currency) {
    std::string num;
    if (step >= 1) {
        num = with_separators(std::llround(value));
    } else {
        const long long cents = std::llround(value * 100);
        char frac[8];
        std::snprintf(frac, sizeof frac, ".%02lld", std::llabs(cents) % 100);
        num = with_separators(cents / 100) + frac;
        if (cents < 0 && cents / 100 == 0) num = "-" + num;
    }
    if (currency == "USD" || currency.empty()) {
        if (!num.empty() && num[0] == '-') return "-$" + num.substr(1);
        return "$" + num;
    }
    return num + " " + currency;
}

}  // namespace curcrunch::chart
