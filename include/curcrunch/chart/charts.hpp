#pragma once
// Chart builders: from data to a laid-out Scene (scales, nice ticks, bars, slices, labels,
// legend), independent of the output. Values are doubles for geometry only; every label and
// tooltip showing money is passed in already formatted from the exact amount.
#include <string>
#include <vector>

#include "curcrunch/chart/scene.hpp"
#include "curcrunch/chart/text_metrics.hpp"

namespace curcrunch::chart {

// A palette whose colours differ in lightness too, so they stay apart in grey print.
Color palette(size_t i);
inline constexpr Color kOtherColor{190, 190, 190};
inline constexpr Color kAnomalyColor{180, 20, 20};
inline constexpr Color kIncreaseColor{200, 90, 20};
inline constexpr Color kDecreaseColor{40, 90, 160};
inline constexpr Color kNoDataColor{236, 236, 236};

struct LineSeries {
    std::string name;
    std::vector<double> values;
    std::vector<std::string> value_labels;  // exact money per point, for tooltips
    // Points without data (a day or month the store has no data for): not drawn, the line
    // breaks there, and a light band says "no data". Never plotted as zero.
    std::vector<bool> missing;
    Color color = palette(0);
};

struct LineChartSpec {
    std::string title;
    double width = 520, height = 220;
    std::string currency = "USD";
    std::vector<std::string> x_labels;
    std::vector<std::string> x_hrefs;  // optional: a link per point (zoom)
    std::vector<LineSeries> series;
    std::vector<size_t> marked;  // points of series[0] to mark (anomalies)
    std::string marked_label = "anomaly";
};

struct BarItem {
    std::string label;
    double value = 0;
    std::string value_label;  // exact money
    std::string href;
    bool other = false;  // the "Other" bucket: drawn grey
};

struct BarChartSpec {
    std::string title;
    double width = 520, height = 220;
    std::string currency = "USD";
    std::vector<BarItem> items;
    bool diverging = false;  // signed values around a zero axis (increase / decrease colours)
};

struct PieChartSpec {
    std::string title;
    double width = 520, height = 200;
    std::vector<BarItem> items;  // non-negative values; shares are computed here
    std::string note;            // under the pie: what it leaves out ("" for nothing)
};

Scene line_chart(const LineChartSpec& spec, const TextMetrics& m);
Scene bar_chart(const BarChartSpec& spec, const TextMetrics& m);
Scene pie_chart(const PieChartSpec& spec, const TextMetrics& m);

}  // namespace curcrunch::chart
