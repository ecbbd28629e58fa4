// Cost by service: bars and a pie, and a table of every service with its change.
#include "curcrunch/report/pdf_report.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

std::string services_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/services", c);
    const report::ReportData& d = c.figures();
    std::string o = "<div class=\"charts\">" + figure(services_chart(c)) +
                    figure(report::service_pie_chart(d, c.site.metrics(), 560)) + "</div>\n";
    std::vector<Row> rows;
    for (const auto& k : visible(d.services, v.report)) {
        auto prev = d.prev_services.find(k.key);
        const Amount before = prev == d.prev_services.end() ? 0 : prev->second;
        rows.push_back(
            {{"<a href=\"" +
                  esc("/services" +
                      query_string(v, {{"service", k.key}}, {"sort", "dir", "page"})) +
                  "\">" + esc(k.label) + "</a>",
              esc(k.key), esc(money(k.amount, d.currency)), esc(share(k.amount, d.totals.total)),
              esc(report::percent_change(k.amount, before))},
             {0, 0, k.amount, k.amount, k.amount - before}});
    }
    const std::vector<TableColumn> cols = {{"name", "Service"},
                                           {"code", "Code"},
                                           {"cost", "Cost", true},
                                           {"share", "Share", true},
                                           {"change", "vs previous", true}};
    sort_rows(rows, cols, v.sort.empty() ? "cost" : v.sort, v.sort.empty() || v.descending);
    return o + paged_table("Cost by service", "/services", v, cols, rows);
}

}  // namespace curcrunch::serve
