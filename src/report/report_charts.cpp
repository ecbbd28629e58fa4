#include "curcrunch/report/report_charts.hpp"

#include <algorithm>

#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/tie_out.hpp"

namespace curcrunch::report {
namespace {

double as_double(Amount a) {  // chart geometry only
    return static_cast<double>(a) / static_cast<double>(kUnit);
}

Amount amount_of(const std::string& cell) {
    Amount a = 0;
    parse_amount(cell, a);
    return a;
}

// Bars (and pie slices) from a two-column table (label, amount); "Other (N)" and "Below
// threshold (N)" are the grey remainders, the total row is not drawn.
std::vector<chart::BarItem> bar_items(const ReportTable& t, const std::string& currency,
                                      const ChartLink& link = nullptr) {
    std::vector<chart::BarItem> out;
    for (const auto& r : t.rows) {
        if (r.key == kTotalRowKey) continue;
        const bool rest = r.key == kOtherRowKey || r.key == kBelowRowKey;
        const Amount a = amount_of(r.cells.at(1));
        out.push_back({r.cells.at(0), as_double(a), money_text(a, currency),
                       link && !rest ? link(r.key) : "", rest});
    }
    return out;
}

// "1-20" of a cut bucket's "(1-20)".
std::string trend_cut_days(const TrendPoint& k) {
    const std::string m = k.cut_mark();
    return m.size() > 2 ? m.substr(1, m.size() - 2) : m;
}

// For a chart's title: " (2026-04: days 1-20 only)" for the one bucket of `points` the view
// cuts, " (2026-03-09 and 2026-04-20 cut to the period)" for two (their tooltips say which days).
std::string trend_cut_note(const std::vector<TrendPoint>& points) {
    std::vector<const TrendPoint*> cut;
    for (const auto& k : points)
        if (k.cut() && !k.no_data()) cut.push_back(&k);
    if (cut.empty()) return "";
    if (cut.size() == 1) return " (" + cut[0]->key + ": days " + trend_cut_days(*cut[0]) + " only)";
    return " (" + cut.front()->key + " and " + cut.back()->key + " cut to the period)";
}

// A one-series cost line over `points` (key = x label), with `marked` points (anomalies);
// buckets without data are gaps.
chart::Scene cost_line(const std::string& title, const std::vector<TrendPoint>& points,
                       const std::string& currency, const chart::TextMetrics& m, double width,
                       const ChartLink& link, const std::vector<size_t>& marked = {},
                       const std::string& marked_label = "anomalous day") {
    chart::LineChartSpec s;
    s.title = title;
    s.width = width;
    s.height = 210;
    s.currency = currency;
    chart::LineSeries ser;
    ser.name = "cost";
    for (const auto& k : points) {
        s.x_labels.push_back(k.key);
        if (link) s.x_hrefs.push_back(link(k.key));
        ser.values.push_back(as_double(k.amount));
        // A bucket the view cuts holds only its days within the view: says which.
        const std::string cut = k.cut() ? " (days " + trend_cut_days(k) + " only)" : "";
        ser.value_labels.push_back(k.no_data() ? "no data"
                                               : money_text(k.amount, currency) + cut +
                                                     (!k.partial() ? ""
                                                      : k.days_with_data < k.days
                                                          ? " (" + k.shortfall() + " with data)"
                                                          : " (partial: a payer lacks days)"));
        ser.missing.push_back(k.no_data());
    }
    s.series.push_back(std::move(ser));
    s.marked = marked;
    s.marked_label = marked_label;
    return chart::line_chart(s, m);
}

// A bar label in `room` points of 7.5 pt text: a label naming its row's account as
// "Name (123456789012)" loses characters from the name, never the id (the chart truncates any
// other label itself).
std::string fitted_label(const std::string& label, const std::string& key,
                         const chart::TextMetrics& m, double room) {
    constexpr double kSize = 7.5;
    if (m.width(label, kSize) <= room) return label;
    const std::string tail = " (" + key + ")";
    if (!key.empty() && label.size() > tail.size() &&
        label.compare(label.size() - tail.size(), tail.size(), tail) == 0) {
        const double left = room - m.width(tail, kSize);
        if (left >= room / 3)
            return m.fit(label.substr(0, label.size() - tail.size()), left, kSize) + tail;
    }
    return label;
}

}  // namespace

std::string top_param(int top) {
    return std::to_string(std::max(top, 0));
}

std::string pie_top_param(const ReportData& d) {
    // Ten slices have ten colours of their own (chart::palette); past them, colours repeat.
    return top_param(std::min(d.params.top, 10));
}

std::string stacked_months_param(const ReportData& d) {
    const Period last = period_of(d.params.to);
    const Period first = std::max(period_of(d.params.from), add_months(last, -11));
    std::string months;
    for (Period p = first; p <= last; p = add_months(p, 1))
        months += (months.empty() ? "" : ",") + format_period(p);
    return months;
}

chart::Scene stacked_months_scene(const ReportTable& t, const ReportData& d,
                                  const chart::TextMetrics& m, double width,
                                  const std::string& title) {
    chart::StackedBarSpec s;
    s.title = !title.empty() ? title
                             : "Monthly cost by service (top " + std::to_string(kStackedServices) +
                                   ", the rest as Other)";
    s.width = width;
    s.height = 250;
    s.currency = d.currency;
    for (size_t c = 1; c < t.columns.size(); ++c) {
        s.x_labels.push_back(t.columns[c].key);
        std::string note;
        for (const TrendPoint& p : d.months)
            if (p.key == t.columns[c].key && p.partial())
                note = p.days_with_data < p.days ? "data for " + p.shortfall()
                                                 : "partial: " + p.shortfall();
        s.x_notes.push_back(std::move(note));
    }
    for (const TableRow& r : t.rows) {
        if (r.key == kTotalRowKey) continue;
        chart::StackSeries ser;
        ser.name = r.cells.at(0);
        ser.other = r.key == kOtherRowKey || r.key == kBelowRowKey;
        for (size_t c = 1; c < t.columns.size(); ++c) {
            const Amount a = amount_of(r.cells.at(c));
            ser.values.push_back(as_double(a));
            ser.value_labels.push_back(money_text(a, d.currency));
        }
        s.series.push_back(std::move(ser));
    }
    return chart::stacked_bar_chart(s, m);
}

std::string service_bars_title(const ReportData& d) {
    return "Cost by service (top " + std::to_string(d.params.top) + ")";
}

std::string account_bars_title(const ReportData& d) {
    return "Cost by account (top " + std::to_string(d.params.top) + ")";
}

chart::Scene bar_scene(const std::string& title, const ReportTable& t, const ReportData& d,
                       const chart::TextMetrics& m, double width, const ChartLink& link,
                       bool diverging) {
    chart::BarChartSpec s;
    s.title = title;
    s.width = width;
    s.currency = d.currency;
    s.diverging = diverging;
    s.items = bar_items(t, d.currency, link);
    // bar_chart gives labels at most 38% of the width: an account's keeps its id.
    for (size_t i = 0, r = 0; i < s.items.size() && r < t.rows.size(); ++r) {
        if (t.rows[r].key == kTotalRowKey) continue;
        s.items[i].label = fitted_label(s.items[i].label, t.rows[r].key, m, width * 0.38);
        ++i;
    }
    if (diverging)
        for (auto& it : s.items)
            if (it.value > 0) it.value_label = "+" + it.value_label;
    s.height = 40 + 16 * static_cast<double>(std::max<size_t>(1, s.items.size()));
    return chart::bar_chart(s, m);
}

chart::Scene pie_scene(const ReportTable& t, const ReportData& d, const chart::TextMetrics& m,
                       double width) {
    chart::PieChartSpec s;
    s.title = "Distribution by service";
    s.width = width;
    // A pie has only positive parts: the negative rows (credits, refunds, negations larger than
    // a service's charges) are left out and said so, and the shares are of the parts shown.
    Amount left_out = 0, shown = 0;
    std::vector<std::string> which;
    const std::vector<chart::BarItem> all = bar_items(t, d.currency);
    for (size_t i = 0, r = 0; r < t.rows.size(); ++r) {
        if (t.rows[r].key == kTotalRowKey) continue;
        const Amount a = amount_of(t.rows[r].cells.at(1));
        if (a > 0) {
            shown += a;
            s.items.push_back(all[i]);
        } else if (a < 0) {
            left_out += a;
            which.push_back(all[i].label);
        }
        ++i;
    }
    if (!which.empty()) {
        std::string names;
        for (size_t i = 0; i < which.size() && i < 3; ++i)
            names += (i ? ", " : "") + which[i];
        if (which.size() > 3) names += ", ...";
        s.note = "Not shown: credits and refunds of " + money_text(left_out, d.currency) + " (" +
                 names + "); shares are of the " + money_text(shown, d.currency) + " shown.";
    }
    s.height =
        std::max(170.0, 34 + 13 * static_cast<double>(s.items.size())) + (s.note.empty() ? 0 : 14);
    return chart::pie_chart(s, m);
}

std::string change_chart_note(const ReportData& d) {
    if (!d.vs_previous.previous.none()) return "";
    return std::string(kChangeChartTitle) + ": n/a: no data for the previous period (" +
           format_day(d.vs_previous.previous.from) + " to " +
           format_day(d.vs_previous.previous.to) + ").";
}

chart::Scene monthly_trend_chart(const ReportData& d, const chart::TextMetrics& m, double width,
                                 const ChartLink& link) {
    return cost_line("Monthly cost, " + d.months.front().key + " to " + d.months.back().key +
                         trend_cut_note(d.months),
                     d.months, d.currency, m, width, link);
}

chart::Scene trend_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    const store::Grain g = d.params.granularity;
    const std::string title = std::string(g == store::Grain::day     ? "Daily"
                                          : g == store::Grain::week  ? "Weekly"
                                          : g == store::Grain::month ? "Monthly"
                                                                     : "Yearly") +
                              " cost, " + format_day(d.params.from) + " to " +
                              format_day(d.params.to) + trend_cut_note(d.trend);
    std::vector<size_t> marked;
    for (const auto& a : d.anomalies) {
        const std::string key = trend_bucket(a.day, g);
        for (size_t i = 0; i < d.trend.size(); ++i)
            if (d.trend[i].key == key && std::find(marked.begin(), marked.end(), i) == marked.end())
                marked.push_back(i);
    }
    std::sort(marked.begin(), marked.end());
    return cost_line(title, d.trend, d.currency, m, width, nullptr, marked,
                     g == store::Grain::day ? "anomalous day" : "holds an anomalous day");
}

chart::Scene service_bar_chart(const ReportData& d, const chart::TextMetrics& m, double width,
                               const ChartLink& link) {
    return bar_scene(service_bars_title(d),
                     build_table(d, "service_chart", {{"limit", top_param(d.params.top)}}), d, m,
                     width, link);
}

chart::Scene service_pie_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    return pie_scene(build_table(d, "service_chart", {{"limit", pie_top_param(d)}}), d, m, width);
}

chart::Scene service_change_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    return bar_scene(kChangeChartTitle,
                     build_table(d, "service_change_chart", {{"limit", top_param(d.params.top)}}),
                     d, m, width, nullptr, true);
}

chart::Scene account_bar_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    return bar_scene(account_bars_title(d),
                     build_table(d, "account_chart", {{"limit", top_param(d.params.top)}}), d, m,
                     width);
}

}  // namespace curcrunch::report
