#include "curcrunch/chart/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "chart_style.hpp"
#include "curcrunch/chart/scale.hpp"

namespace curcrunch::chart {
namespace {

using namespace style;
constexpr Color kMuted{120, 120, 120};
constexpr double kPi = 3.14159265358979323846;

void add_title(Scene& s, const std::string& title) {
    s.items.push_back(Text{0, 11, title, kTitleSize, kInk, Anchor::start, true, 0});
}

// Labels along an axis of `n` slots `spacing` apart: every k-th is kept so none overlap.
size_t label_stride(const std::vector<std::string>& labels, double spacing, const TextMetrics& m) {
    double widest = 0;
    for (const auto& l : labels)
        widest = std::max(widest, m.width(l, kLabelSize));
    if (spacing <= 0) return 1;
    return std::max<size_t>(1, static_cast<size_t>(std::ceil((widest + 6) / spacing)));
}

// Vertical money axis with grid lines from `plot_left` to `plot_right`.
void y_axis(Scene& s, const LinearScale& y, double plot_left, double plot_right,
            const std::string& currency) {
    for (double t : y.ticks) {
        const double py = y(t);
        s.items.push_back(Line{plot_left, py, plot_right, py, t == 0 ? kAxis : kGrid, 0.6, false});
        s.items.push_back(Text{plot_left - 4, py + 2.5, money_tick(t, y.step, currency), kLabelSize,
                               kInk, Anchor::end, false, 0});
    }
}

double widest_tick(const LinearScale& y, const std::string& currency, const TextMetrics& m) {
    double w = 0;
    for (double t : y.ticks)
        w = std::max(w, m.width(money_tick(t, y.step, currency), kLabelSize));
    return w;
}

std::string percent(double share) {
    char b[16];
    std::snprintf(b, sizeof b, share < 0.1 ? "%.1f%%" : "%.0f%%", share * 100);
    return b;
}

}  // namespace

Color palette(size_t i) {
    static const Color colors[] = {{31, 59, 115},   {230, 126, 34}, {120, 170, 210}, {46, 125, 50},
                                   {250, 205, 120}, {110, 80, 160}, {200, 80, 80},   {20, 120, 130},
                                   {240, 170, 190}, {90, 90, 90}};
    return colors[i % (sizeof colors / sizeof colors[0])];
}

Scene line_chart(const LineChartSpec& spec, const TextMetrics& m) {
    Scene s;
    s.width = spec.width;
    s.height = spec.height;
    s.title = spec.title;
    add_title(s, spec.title);
    double lo = 0, hi = 0;
    auto missing = [](const LineSeries& ser, size_t i) {
        return i < ser.missing.size() && ser.missing[i];
    };
    for (const auto& ser : spec.series)
        for (size_t i = 0; i < ser.values.size(); ++i)
            if (!missing(ser, i)) {
                lo = std::min(lo, ser.values[i]);
                hi = std::max(hi, ser.values[i]);
            }
    const bool legend = spec.series.size() > 1 || !spec.marked.empty();
    const double top = 22, bottom = spec.height - (legend ? 30 : 16);
    LinearScale y = nice_scale(lo, hi, bottom, top);
    const size_t n = spec.x_labels.size();
    // The last x label is centred 6 points inside the plot's right end: the plot ends early
    // enough for half of it to stay inside the chart.
    const double half_last = n ? m.width(spec.x_labels.back(), kLabelSize) / 2 : 0;
    const double left = widest_tick(y, spec.currency, m) + 8,
                 right = spec.width - std::max(8.0, half_last - 5);
    y_axis(s, y, left, right, spec.currency);
    auto px = [&](size_t i) {
        return n <= 1
                   ? (left + right) / 2
                   : left + 6 +
                         static_cast<double>(i) * (right - left - 12) / static_cast<double>(n - 1);
    };
    const double spacing = n > 1 ? (right - left - 12) / static_cast<double>(n - 1) : right - left;
    const size_t stride = label_stride(spec.x_labels, spacing, m);
    for (size_t i = 0; i < n; i += stride)
        s.items.push_back(
            Text{px(i), bottom + 10, spec.x_labels[i], kLabelSize, kInk, Anchor::middle, false, 0});
    // Bands over the points without data (of the first series), half a step either side.
    if (!spec.series.empty())
        for (size_t i = 0; i < n;) {
            if (!missing(spec.series[0], i)) {
                ++i;
                continue;
            }
            size_t j = i;
            while (j + 1 < n && missing(spec.series[0], j + 1))
                ++j;
            const double half = n > 1 ? spacing / 2 : 6;
            const double x0 = std::max(left, px(i) - half), x1 = std::min(right, px(j) + half);
            const std::string tip = "no data: " + spec.x_labels[i] +
                                    (j > i ? " to " + spec.x_labels[j] : std::string());
            s.items.push_back(Rect{x0, top, x1 - x0, bottom - top, kNoDataColor, tip, ""});
            if (x1 - x0 > m.width("no data", kLabelSize) + 4)
                s.items.push_back(Text{(x0 + x1) / 2, top + 10, "no data", kLabelSize, kMuted,
                                       Anchor::middle, false, 0});
            i = j + 1;
        }
    for (const auto& ser : spec.series) {
        // One polyline per run of points with data: a gap is a gap, not a drop to zero.
        Polyline line{{}, ser.color, 1.5};
        for (size_t i = 0; i < ser.values.size() && i < n; ++i) {
            if (missing(ser, i)) {
                if (!line.points.empty()) s.items.push_back(line);
                line.points.clear();
                continue;
            }
            line.points.push_back({px(i), y(ser.values[i])});
        }
        if (!line.points.empty()) s.items.push_back(line);
        // Points carry the exact value (tooltips) and the zoom link.
        for (size_t i = 0; i < ser.values.size() && i < n; ++i) {
            if (missing(ser, i)) continue;
            std::string tip = spec.x_labels[i] + ": " +
                              (i < ser.value_labels.size() ? ser.value_labels[i] : std::string());
            if (spec.series.size() > 1) tip = ser.name + ", " + tip;
            s.items.push_back(Circle{px(i), y(ser.values[i]), n > 40 ? 1.2 : 2.2, ser.color, tip,
                                     i < spec.x_hrefs.size() ? spec.x_hrefs[i] : ""});
        }
    }
    if (!spec.series.empty())
        for (size_t i : spec.marked) {
            if (i >= n || i >= spec.series[0].values.size()) continue;
            const auto& ser = spec.series[0];
            s.items.push_back(Circle{px(i), y(ser.values[i]), 4, kAnomalyColor,
                                     spec.marked_label + " " + spec.x_labels[i] + ": " +
                                         (i < ser.value_labels.size() ? ser.value_labels[i] : ""),
                                     ""});
        }
    if (legend) {
        double x = left;
        const double ly = spec.height - 8;
        for (const auto& ser : spec.series) {
            s.items.push_back(Rect{x, ly - 6, 10, 6, ser.color, "", ""});
            s.items.push_back(
                Text{x + 13, ly, ser.name, kLabelSize, kInk, Anchor::start, false, 0});
            x += 13 + m.width(ser.name, kLabelSize) + 14;
        }
        if (!spec.marked.empty()) {
            s.items.push_back(Circle{x + 4, ly - 3, 4, kAnomalyColor, "", ""});
            s.items.push_back(
                Text{x + 11, ly, spec.marked_label, kLabelSize, kInk, Anchor::start, false, 0});
        }
    }
    return s;
}

Scene bar_chart(const BarChartSpec& spec, const TextMetrics& m) {
    Scene s;
    s.width = spec.width;
    s.height = spec.height;
    s.title = spec.title;
    add_title(s, spec.title);
    const size_t n = spec.items.size();
    double lo = 0, hi = 0, label_w = 0;
    for (const auto& it : spec.items) {
        lo = std::min(lo, it.value);
        hi = std::max(hi, it.value);
        label_w = std::max(label_w, m.width(it.label, kLabelSize));
    }
    label_w = std::min(label_w, spec.width * 0.38);
    const double top = 22, bottom = spec.height - 16;
    const double row = n ? std::min(18.0, (bottom - top) / static_cast<double>(n)) : 18;
    const double left = label_w + 8;
    // Room on the right for the value printed after the longest bar.
    double value_w = 0;
    for (const auto& it : spec.items)
        value_w = std::max(value_w, m.width(it.value_label, kLabelSize));
    const double right = spec.width - value_w - 8;
    LinearScale x = nice_scale(lo, hi, left, right, 5);
    // Tick labels along the bottom, thinned so they never overlap.
    std::vector<std::string> tick_labels;
    for (double t : x.ticks)
        tick_labels.push_back(money_tick(t, x.step, spec.currency));
    const double tick_spacing = x.ticks.size() > 1 ? (x(x.ticks[1]) - x(x.ticks[0])) : spec.width;
    const size_t stride = label_stride(tick_labels, tick_spacing, m);
    const double axis_bottom = top + row * static_cast<double>(n);
    for (size_t i = 0; i < x.ticks.size(); ++i) {
        const double px = x(x.ticks[i]);
        s.items.push_back(
            Line{px, top, px, axis_bottom, x.ticks[i] == 0 ? kAxis : kGrid, 0.6, false});
        if (i % stride == 0)
            s.items.push_back(Text{px, axis_bottom + 10, tick_labels[i], kLabelSize, kInk,
                                   Anchor::middle, false, 0});
    }
    for (size_t i = 0; i < n; ++i) {
        const BarItem& it = spec.items[i];
        const double y0 = top + row * static_cast<double>(i);
        const double a = x(0), b = x(it.value);
        Color c = it.other         ? kOtherColor
                  : spec.diverging ? (it.value >= 0 ? kIncreaseColor : kDecreaseColor)
                                   : palette(0);
        s.items.push_back(Rect{std::min(a, b), y0 + row * 0.15, std::max(std::abs(b - a), 0.5),
                               row * 0.7, c, it.label + ": " + it.value_label, it.href});
        s.items.push_back(Text{left - 4, y0 + row * 0.5 + 2.6, m.fit(it.label, label_w, kLabelSize),
                               kLabelSize, kInk, Anchor::end, false, 0});
        const bool after = !spec.diverging || it.value >= 0;
        s.items.push_back(Text{after ? std::max(a, b) + 3 : std::max(a, b) + 3,
                               y0 + row * 0.5 + 2.6, it.value_label, kLabelSize, kInk,
                               Anchor::start, false, 0});
    }
    return s;
}

Scene pie_chart(const PieChartSpec& spec, const TextMetrics& m) {
    Scene s;
    s.width = spec.width;
    s.height = spec.height;
    s.title = spec.title;
    add_title(s, spec.title);
    double total = 0;
    for (const auto& it : spec.items)
        total += std::max(0.0, it.value);
    const double top = 22, note = spec.note.empty() ? 0 : 14;
    const double r = std::min((spec.height - top - 6 - note) / 2, spec.width * 0.2);
    const double cx = 8 + r, cy = top + r;
    double a = 0;
    const double legend_x = cx + r + 20,
                 row = std::min(
                     13.0, (spec.height - top - note) / std::max<size_t>(1, spec.items.size()));
    const double label_w = spec.width - legend_x - 14 - 110;
    for (size_t i = 0; i < spec.items.size(); ++i) {
        const BarItem& it = spec.items[i];
        const double share = total > 0 ? std::max(0.0, it.value) / total : 0;
        const Color c = it.other ? kOtherColor : palette(i);
        const std::string tip = it.label + ": " + it.value_label + " (" + percent(share) + ")";
        if (share > 0) s.items.push_back(Wedge{cx, cy, r, a, a + share * 2 * kPi, c, tip, it.href});
        a += share * 2 * kPi;
        const double ly = top + 4 + row * static_cast<double>(i);
        s.items.push_back(Rect{legend_x, ly, 8, 8, c, tip, it.href});
        s.items.push_back(Text{legend_x + 12, ly + 7, m.fit(it.label, label_w, kLabelSize),
                               kLabelSize, kInk, Anchor::start, false, 0});
        s.items.push_back(
            Text{spec.width - 52, ly + 7, it.value_label, kLabelSize, kInk, Anchor::end, false, 0});
        s.items.push_back(
            Text{spec.width - 4, ly + 7, percent(share), kLabelSize, kInk, Anchor::end, false, 0});
    }
    if (!spec.note.empty())
        s.items.push_back(Text{4, spec.height - 4, m.fit(spec.note, spec.width - 8, kLabelSize),
                               kLabelSize, kMuted, Anchor::start, false, 0});
    return s;
}

}  // namespace curcrunch::chart
