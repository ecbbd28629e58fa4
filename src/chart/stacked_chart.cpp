#include "curcrunch/chart/stacked_chart.hpp"

#include <algorithm>
#include <cmath>

#include "chart_style.hpp"
#include "curcrunch/chart/scale.hpp"

namespace curcrunch::chart {
namespace {

using namespace style;
constexpr double kSwatch = 8, kLegendRow = 12;

struct LegendEntry {
    double x, y;
    std::string text;
};

// Legend entries wrapped into rows of `width`; returns the rows' height.
double lay_out_legend(const StackedBarSpec& spec, const TextMetrics& m, double width,
                      std::vector<LegendEntry>& out) {
    double x = 0, y = 0;
    const double max_text = std::max(30.0, width - kSwatch - 4);
    for (const auto& ser : spec.series) {
        const std::string text = m.fit(ser.name, max_text, kLabelSize);
        const double w = kSwatch + 4 + m.width(text, kLabelSize) + 10;
        if (x > 0 && x + w > width) {
            x = 0;
            y += kLegendRow;
        }
        out.push_back({x, y, text});
        x += w;
    }
    return spec.series.empty() ? 0 : y + kLegendRow;
}

}  // namespace

Scene stacked_bar_chart(const StackedBarSpec& spec, const TextMetrics& m) {
    Scene s;
    s.width = spec.width;
    s.height = spec.height;
    s.title = spec.title;
    s.items.push_back(Text{0, 11, spec.title, kTitleSize, kInk, Anchor::start, true, 0});
    const size_t n = spec.x_labels.size();
    std::vector<double> up(n, 0), down(n, 0);
    for (const auto& ser : spec.series)
        for (size_t i = 0; i < n && i < ser.values.size(); ++i)
            (ser.values[i] < 0 ? down[i] : up[i]) += ser.values[i];
    const double lo = n ? *std::min_element(down.begin(), down.end()) : 0;
    const double hi = n ? *std::max_element(up.begin(), up.end()) : 0;

    std::vector<LegendEntry> legend;
    const double legend_h = lay_out_legend(spec, m, spec.width, legend);
    const double top = 22, bottom = spec.height - legend_h - 18;
    LinearScale y = nice_scale(lo, hi, bottom, top);
    double tick_w = 0;
    for (double t : y.ticks)
        tick_w = std::max(tick_w, m.width(money_tick(t, y.step, spec.currency), kLabelSize));
    const double left = tick_w + 8, right = spec.width - 4;
    for (double t : y.ticks) {
        const double py = y(t);
        s.items.push_back(Line{left, py, right, py, t == 0 ? kAxis : kGrid, 0.6, false});
        s.items.push_back(Text{left - 4, py + 2.5, money_tick(t, y.step, spec.currency), kLabelSize,
                               kInk, Anchor::end, false, 0});
    }
    const double slot = n ? (right - left) / static_cast<double>(n) : 0;
    const double bar = slot * 0.72;
    // Every k-th bucket is labelled so no two labels overlap.
    double widest = 0;
    for (const auto& l : spec.x_labels)
        widest = std::max(widest, m.width(l, kLabelSize));
    const size_t stride =
        slot > 0 ? std::max<size_t>(1, static_cast<size_t>(std::ceil((widest + 4) / slot))) : 1;
    for (size_t i = 0; i < n; ++i) {
        const double cx = left + slot * (static_cast<double>(i) + 0.5);
        // The last label is kept inside the chart: anchored at its end when centring would not.
        if ((n - 1 - i) % stride == 0) {
            const bool clip = cx + m.width(spec.x_labels[i], kLabelSize) / 2 > spec.width;
            s.items.push_back(Text{clip ? spec.width : cx, bottom + 10, spec.x_labels[i],
                                   kLabelSize, kInk, clip ? Anchor::end : Anchor::middle, false,
                                   0});
        }
        double pos = 0, neg = 0;
        for (size_t k = 0; k < spec.series.size(); ++k) {
            const StackSeries& ser = spec.series[k];
            if (i >= ser.values.size() || ser.values[i] == 0) continue;
            const double v = ser.values[i];
            const double from = v > 0 ? pos : neg, to = from + v;
            (v > 0 ? pos : neg) = to;
            const double y0 = y(std::max(from, to)), y1 = y(std::min(from, to));
            std::string tip = ser.name + ", " + spec.x_labels[i] + ": " +
                              (i < ser.value_labels.size() ? ser.value_labels[i] : "");
            if (i < spec.x_notes.size() && !spec.x_notes[i].empty())
                tip += " (" + spec.x_notes[i] + ")";
            s.items.push_back(Rect{cx - bar / 2, y0, bar, std::max(0.5, y1 - y0),
                                   ser.other ? kOtherColor : palette(k), tip, ser.href});
        }
    }
    const double ly = spec.height - legend_h;
    for (size_t k = 0; k < legend.size(); ++k) {
        const LegendEntry& e = legend[k];
        const StackSeries& ser = spec.series[k];
        s.items.push_back(Rect{e.x, ly + e.y, kSwatch, kSwatch,
                               ser.other ? kOtherColor : palette(k), ser.name, ser.href});
        s.items.push_back(Text{e.x + kSwatch + 4, ly + e.y + 7.5, e.text, kLabelSize, kInk,
                               Anchor::start, false, 0});
    }
    return s;
}

}  // namespace curcrunch::chart
