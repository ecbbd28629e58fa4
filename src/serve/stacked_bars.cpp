#include "stacked_bars.hpp"

#include <map>

#include "curcrunch/chart/stacked_chart.hpp"
#include "curcrunch/report/cell_text.hpp"
#include "page_parts.hpp"

namespace curcrunch::serve {
namespace {

double as_double(Amount a) {  // bar geometry only; the tooltips carry the exact amounts
    return static_cast<double>(a) / static_cast<double>(kUnit);
}

}  // namespace

chart::Scene service_stack_chart(const ViewContext& c, double width) {
    const report::ReportData& d = c.figures();
    const ViewParams& v = c.view;
    chart::StackedBarSpec spec;
    spec.title = "Cost by month, top services stacked";
    spec.width = width;
    spec.height = width < 400 ? 250 : 240;
    spec.currency = d.currency;
    std::map<std::string, const report::TrendPoint*> coverage;
    for (const auto& m : d.months)
        coverage[m.key] = &m;
    for (const auto& [month, by_service] : d.service_months) {
        spec.x_labels.push_back(month);
        auto it = coverage.find(month);
        const report::TrendPoint* t = it == coverage.end() ? nullptr : it->second;
        spec.x_notes.push_back(t && t->partial() ? "data for " + std::to_string(t->days_with_data) +
                                                       " of " + std::to_string(t->days) + " days"
                                                 : "");
    }
    // d.services is ordered by cost: the first kStackedSeries are drawn apart.
    std::map<std::string, size_t> series_of;
    for (const auto& s : d.services) {
        if (series_of.size() == kStackedSeries) break;
        series_of[s.key] = spec.series.size();
        chart::StackSeries ser;
        ser.name = s.label.empty() ? s.key : s.label;
        ser.href = "/trends" + query_string(v, {{"service", s.key}}, {"sort", "dir", "page"});
        spec.series.push_back(std::move(ser));
    }
    const size_t n = spec.x_labels.size();
    std::vector<std::vector<Amount>> exact(spec.series.size() + 1, std::vector<Amount>(n, 0));
    bool any_other = false;
    size_t i = 0;
    for (const auto& [month, by_service] : d.service_months) {
        for (const auto& [code, amount] : by_service) {
            auto it = series_of.find(code);
            if (it == series_of.end()) {
                exact.back()[i] += amount;
                any_other = any_other || amount != 0;
            } else {
                exact[it->second][i] += amount;
            }
        }
        ++i;
    }
    if (any_other) {
        chart::StackSeries other;
        other.name = "Other services";
        other.other = true;
        spec.series.push_back(std::move(other));
    } else {
        exact.pop_back();
    }
    for (size_t k = 0; k < spec.series.size(); ++k)
        for (size_t j = 0; j < n; ++j) {
            spec.series[k].values.push_back(as_double(exact[k][j]));
            spec.series[k].value_labels.push_back(money(exact[k][j], d.currency));
        }
    return chart::stacked_bar_chart(spec, c.site.metrics());
}

}  // namespace curcrunch::serve
