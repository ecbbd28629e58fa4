#pragma once
// Axis scales: a linear scale whose domain is widened to "nice" round ticks (1, 2, 2.5, 5 x
// 10^k), and money tick labels with thousands separators and the currency.
#include <string>
#include <vector>

namespace curcrunch::chart {

struct LinearScale {
    double lo = 0, hi = 1;      // domain after widening to the ticks
    double out0 = 0, out1 = 1;  // range (points); out1 may be < out0 (y axes)
    std::vector<double> ticks;
    double step = 1;
    double operator()(double v) const {
        return hi == lo ? out0 : out0 + (v - lo) / (hi - lo) * (out1 - out0);
    }
};

// Ticks covering [min, max] (and 0, which every money axis shows), about `target` of them.
LinearScale nice_scale(double min, double max, double out0, double out1, int target = 5);

// "$1,250" / "$12.5K"-free: whole currency units with separators when the step is >= 1,
// cents otherwise; "USD" and other codes as a suffix ("1,250 EUR"), "$" for USD.
std::string money_tick(double value, double step, const std::string& currency);

}  // namespace curcrunch::chart
