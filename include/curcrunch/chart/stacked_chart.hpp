#pragma once
// Stacked bars: one bar per time bucket (a month), split into series (the top services or
// accounts, the rest as "Other"). Positive amounts stack up from zero and negative ones (credits,
// refunds) down from it, so each bar's height above zero minus its depth below is its total.
#include <string>
#include <vector>

#include "curcrunch/chart/charts.hpp"

namespace curcrunch::chart {

struct StackSeries {
    std::string name;
    std::vector<double> values;             // one per bucket, 0 where the series has none
    std::vector<std::string> value_labels;  // exact money per bucket, for tooltips
    std::string href;                       // optional: narrows the view to this series
    bool other = false;                     // the rest: drawn grey
};

struct StackedBarSpec {
    std::string title;
    double width = 520, height = 240;
    std::string currency = "USD";
    std::vector<std::string> x_labels;  // the buckets ("2026-10")
    std::vector<std::string>
        x_notes;                      // optional per bucket, in tooltips ("partial: 20 of 31 days")
    std::vector<StackSeries> series;  // bottom first
};

Scene stacked_bar_chart(const StackedBarSpec& spec, const TextMetrics& m);

}  // namespace curcrunch::chart
