#pragma once
// The charts of a report, shared with the dashboard (which renders them as SVG). Each chart
// that prints amounts is drawn from a table built by build_table, so its figures are those the
// report's JSON records.
#include <functional>
#include <string>

#include "curcrunch/chart/charts.hpp"
#include "curcrunch/chart/stacked_chart.hpp"
#include "curcrunch/report/report_data.hpp"

namespace curcrunch::report {

// The link of a chart element (a month, a service code): the dashboard's zoom; none in a PDF.
using ChartLink = std::function<std::string(const std::string& key)>;

chart::Scene monthly_trend_chart(const ReportData& d, const chart::TextMetrics& m, double width,
                                 const ChartLink& link = nullptr);
// The trend at the view's granularity; buckets holding an anomalous day are marked.
chart::Scene trend_chart(const ReportData& d, const chart::TextMetrics& m, double width);
chart::Scene service_bar_chart(const ReportData& d, const chart::TextMetrics& m, double width,
                               const ChartLink& link = nullptr);
chart::Scene service_pie_chart(const ReportData& d, const chart::TextMetrics& m, double width);
chart::Scene service_change_chart(const ReportData& d, const chart::TextMetrics& m, double width);
chart::Scene account_bar_chart(const ReportData& d, const chart::TextMetrics& m, double width);

// The same charts from tables already built (the PDF records the tables it draws).
chart::Scene bar_scene(const std::string& title, const ReportTable& t, const ReportData& d,
                       const chart::TextMetrics& m, double width, const ChartLink& link = nullptr,
                       bool diverging = false);
// Only the positive rows are slices; the negative ones are named in a note under the pie.
chart::Scene pie_scene(const ReportTable& t, const ReportData& d, const chart::TextMetrics& m,
                       double width);
// Why the change chart is not drawn ("...: n/a: no data for the previous period (FROM to TO)"),
// "" when the previous period has data.
std::string change_chart_note(const ReportData& d);

// Monthly bars stacked by service from a month_service table (its rows: the top services, then
// "Other (N)", then the total, which is not drawn); months with data for only some of their
// days say so in their tooltips. The same from a value_months table, under `title`.
chart::Scene stacked_months_scene(const ReportTable& t, const ReportData& d,
                                  const chart::TextMetrics& m, double width,
                                  const std::string& title = "");
// The months of the stacked bars: the period's, at most the last twelve.
std::string stacked_months_param(const ReportData& d);
inline constexpr int kStackedServices = 6;

std::string service_bars_title(const ReportData& d);
std::string account_bars_title(const ReportData& d);
inline constexpr const char* kChangeChartTitle =
    "Change by service vs the previous period (largest first)";

// The "limit" parameter of the charts' tables; of the pie's, at most 10 (its colours).
std::string top_param(int top);
std::string pie_top_param(const ReportData& d);

}  // namespace curcrunch::report
