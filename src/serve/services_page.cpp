// Cost by service: bars and a pie, and a table of every service with its change.
#include "curcrunch/report/pdf_report.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "table_view.hpp"

namespace curcrunch::serve {

std::string services_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/services", c);
    const report::ReportData& d = c.figures();
    std::string o =
        "<div class=\"charts\">" + figure(c, [&](double w) { return services_chart(c, w); }) +
        figure(c, [&](double w) { return report::service_pie_chart(d, c.site.metrics(), w); }) +
        "</div>\n";
    TableView tv;
    tv.caption = "Cost by service";
    tv.path = "/services";
    tv.default_sort = "cost";
    tv.link = [&](const std::string& key) {
        return "/services" + query_string(v, {{"service", key}}, {"sort", "dir", "page"});
    };
    o += table_html(c, report::build_table(d, "services", {{"limit", "0"}}), tv, d.currency);
    if (const std::string note = report::share_base_note(d); !note.empty())
        o += "<p class=\"note\">" + esc(note) + "</p>\n";
    TableView charges;
    charges.caption = "By charge type";
    charges.path = "/services";
    charges.paged = false;
    return o + table_html(c, report::build_table(d, "charge_types", {}), charges, d.currency);
}

}  // namespace curcrunch::serve
