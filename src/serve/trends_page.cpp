// Cost trends: the monthly trend and the trend at the chosen granularity, with its table.
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/store/query.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "table_view.hpp"

namespace curcrunch::serve {

std::string trends_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/trends", c);
    const report::ReportData& d = c.figures();
    std::string o = kpis(d) + "<div class=\"charts\">" + figure(monthly_chart(c)) +
                    figure(report::trend_chart(d, c.site.metrics(), 560)) + "</div>\n";
    TableView tv;
    tv.caption = "Cost by " + std::string(store::grain_name(v.report.granularity));
    tv.path = "/trends";
    return o + table_html(c, report::build_table(d, "trend", {}), tv, d.currency);
}

}  // namespace curcrunch::serve
