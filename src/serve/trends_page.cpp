// Cost trends: the monthly trend, the trend at the chosen granularity, the months stacked by
// service, and the table of the trend.
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/store/query.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "stacked_bars.hpp"
#include "table_view.hpp"

namespace curcrunch::serve {

std::string trends_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/trends", c);
    const report::ReportData& d = c.figures();
    std::string o =
        kpis(d) + "<div class=\"charts\">" +
        figure(c, [&](double w) { return monthly_chart(c, w); }) +
        figure(c, [&](double w) { return report::trend_chart(d, c.site.metrics(), w); }) +
        "</div>\n" +
        figure(
            c, [&](double w) { return service_stack_chart(c, w); }, 1000);
    TableView tv;
    tv.caption = "Cost by " + std::string(store::grain_name(v.report.granularity));
    tv.path = "/trends";
    return o + table_html(c, report::build_table(d, "trend", {}), tv, d.currency);
}

}  // namespace curcrunch::serve
