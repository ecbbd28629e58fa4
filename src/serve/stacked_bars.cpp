#include "stacked_bars.hpp"

#include <map>

#include "curcrunch/chart/stacked_chart.hpp"
#include "curcrunch/report/report_charts.hpp"
#include "curcrunch/report/report_table.hpp"
#include "curcrunch/report/tie_out.hpp"
#include "page_parts.hpp"

namespace curcrunch::serve {
namespace {

double as_double(Amount a) {  // bar geometry only; the tooltips carry the exact amounts
    return static_cast<double>(a) / static_cast<double>(kUnit);
}

}  // namespace

chart::Scene stack_chart(const Stack& s, const chart::TextMetrics& m, double width) {
    chart::StackedBarSpec spec;
    spec.title = s.title;
    spec.width = width;
    spec.height = width < 400 ? 250 : 240;
    spec.currency = s.currency;
    spec.x_labels = s.months;
    spec.x_notes = s.notes;
    for (const StackPart& p : s.parts) {
        chart::StackSeries ser;
        ser.name = p.name;
        ser.href = p.href;
        ser.other = p.other;
        for (Amount a : p.amounts) {
            ser.values.push_back(as_double(a));
            ser.value_labels.push_back(money(a, s.currency));
        }
        spec.series.push_back(std::move(ser));
    }
    return chart::stacked_bar_chart(spec, m);
}

std::vector<std::string> month_notes(const ViewContext& c, const std::vector<std::string>& months) {
    std::map<std::string, const report::TrendPoint*> coverage;
    for (const auto& m : c.figures().months)
        coverage[m.key] = &m;
    std::vector<std::string> notes;
    for (const auto& month : months) {
        auto it = coverage.find(month);
        const report::TrendPoint* t = it == coverage.end() ? nullptr : it->second;
        notes.push_back(t && t->partial() ? "data for " + std::to_string(t->days_with_data) +
                                                " of " + std::to_string(t->days) + " days"
                                          : "");
    }
    return notes;
}

chart::Scene service_stack_chart(const ViewContext& c, double width) {
    // The PDF's chart from the PDF's table (the JSON records it), so both show the same bars.
    const report::ReportData& d = c.figures();
    const report::ReportTable t =
        report::build_table(d, "month_service",
                            {{"months", report::stacked_months_param(d)},
                             {"limit", std::to_string(report::kStackedServices)}});
    chart::Scene scene = report::stacked_months_scene(t, d, c.site.metrics(), width);
    // What the PDF has no use for: each service's segments and legend swatch link to its trend.
    // The scene names a segment "<row label>, <month>: <amount>" and a swatch "<row label>".
    std::map<std::string, std::string> href_of;
    for (const report::TableRow& r : t.rows)
        if (r.key != report::kOtherRowKey && r.key != report::kBelowRowKey &&
            r.key != report::kTotalRowKey)
            href_of[r.cells.at(0)] =
                "/trends" + query_string(c.view, {{"service", r.key}}, {"sort", "dir", "page"});
    // The longest label that matches wins: "Amazon S3" must not take "Amazon S3, Glacier, ...".
    for (chart::Item& it : scene.items) {
        auto* rect = std::get_if<chart::Rect>(&it);
        if (!rect || rect->title.empty()) continue;
        size_t best = 0;
        for (const auto& [label, href] : href_of)
            if ((rect->title == label || rect->title.rfind(label + ", ", 0) == 0) &&
                label.size() > best) {
                rect->href = href;
                best = label.size();
            }
    }
    return scene;
}

}  // namespace curcrunch::serve
