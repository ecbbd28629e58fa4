#pragma once
// Amounts by month stacked by their largest parts (services, or the values of a tag key), the
// rest as "Other": which parts a month's total is made of, month after month.
#include <string>
#include <vector>

#include "curcrunch/chart/scene.hpp"
#include "curcrunch/core/money.hpp"
#include "site.hpp"

namespace curcrunch::serve {

inline constexpr size_t kStackedSeries = 6;  // values drawn apart; the rest are "Other"

struct StackPart {
    std::string name, href;
    std::vector<Amount> amounts;  // one per month
    bool other = false;           // the rest: drawn grey
};

struct Stack {
    std::string title, currency;
    std::vector<std::string> months;  // "2026-10"
    std::vector<std::string> notes;   // per month: "" or "data for 20 of 31 days"
    std::vector<StackPart> parts;     // bottom first
};

chart::Scene stack_chart(const Stack& s, const chart::TextMetrics& m, double width);

// The view's months stacked by its top services: the PDF's chart (report/report_charts.hpp
// stacked_months_scene), its segments linking to each service's trend.
chart::Scene service_stack_chart(const ViewContext& c, double width);

// The notes of a view's months: how much of each has data, when not all of it.
std::vector<std::string> month_notes(const ViewContext& c, const std::vector<std::string>& months);

}  // namespace curcrunch::serve
