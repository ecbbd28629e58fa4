#pragma once
// The view's cost by month, stacked by its top services (the rest as "Other"): which services
// a month's total is made of, month after month.
#include "curcrunch/chart/scene.hpp"
#include "site.hpp"

namespace curcrunch::serve {

inline constexpr size_t kStackedSeries = 6;  // services drawn apart; the rest are "Other"

chart::Scene service_stack_chart(const ViewContext& c, double width);

}  // namespace curcrunch::serve
