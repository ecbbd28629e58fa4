#include "stacked_bars.hpp"

#include <map>

#include "curcrunch/chart/stacked_chart.hpp"
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
    const report::ReportData& d = c.figures();
    const ViewParams& v = c.view;
    Stack s;
    s.title = "Cost by month, top services stacked";
    s.currency = d.currency;
    for (const auto& [month, by_service] : d.service_months)
        s.months.push_back(month);
    s.notes = month_notes(c, s.months);
    // d.services is ordered by cost: the first kStackedSeries are drawn apart.
    std::map<std::string, size_t> part_of;
    for (const auto& sv : d.services) {
        if (part_of.size() == kStackedSeries) break;
        part_of[sv.key] = s.parts.size();
        s.parts.push_back(
            {sv.label.empty() ? sv.key : sv.label,
             "/trends" + query_string(v, {{"service", sv.key}}, {"sort", "dir", "page"}),
             std::vector<Amount>(s.months.size(), 0), false});
    }
    // The parts re-add the amounts of d.service_months, whose sum is the view's checked total:
    // no part can overflow.
    StackPart other{"Other services", "", std::vector<Amount>(s.months.size(), 0), true};
    bool any_other = false;
    size_t i = 0;
    for (const auto& [month, by_service] : d.service_months) {
        for (const auto& [code, amount] : by_service) {
            auto it = part_of.find(code);
            if (it != part_of.end()) {
                s.parts[it->second].amounts[i] += amount;
            } else {
                other.amounts[i] += amount;
                any_other = any_other || amount != 0;
            }
        }
        ++i;
    }
    if (any_other) s.parts.push_back(std::move(other));
    return stack_chart(s, c.site.metrics(), width);
}

}  // namespace curcrunch::serve
