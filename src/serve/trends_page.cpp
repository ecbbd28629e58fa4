// Cost trends: the monthly trend and the trend at the chosen granularity, with its table.
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/store/query.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

std::string trends_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/trends", c);
    const report::ReportData& d = c.figures();
    std::string o = kpis(d) + "<div class=\"charts\">" + figure(monthly_chart(c)) +
                    figure(report::trend_chart(d, c.site.metrics(), 560)) + "</div>\n";
    std::vector<Row> rows;
    for (const auto& k : d.trend)
        rows.push_back({{esc(k.key), esc(money(k.amount, d.currency))}, {0, k.amount}});
    const std::vector<TableColumn> cols = {{"bucket", "Period"}, {"cost", "Cost", true}};
    sort_rows(rows, cols, v.sort, v.descending);
    return o + paged_table("Cost by " + std::string(store::grain_name(v.report.granularity)),
                           "/trends", v, cols, rows);
}

}  // namespace curcrunch::serve
