// Line items: every usage line of the view, sortable by any column, 50 to a page, with the rows
// under the threshold summed and the total in the footer.
#include "page_parts.hpp"
#include "pages.hpp"
#include "table_view.hpp"

namespace curcrunch::serve {

report::ReportTable line_items_table(const ViewContext& c) {
    report::ReportData d;
    d.params = c.view.report;
    d.line_items = report::line_items(c.db, c.view.report, &c.cube);
    return report::build_table(d, "line_items", {{"limit", "0"}});
}

std::string line_items_page(const ViewContext& c, PageFrame& f) {
    f.crumbs = crumbs("/line-items", c);
    // Not every region's line items under a region total: no table, and why.
    if (!c.view.report.regions.empty())
        return "<p class=\"note\">" + esc(report::kLineItemsNoRegion) + "</p>\n";
    TableView tv;
    tv.caption = "Line items";
    tv.path = "/line-items";
    tv.default_sort = kLineItemsDefaultSort;
    tv.strict_sort = true;
    return table_html(c, line_items_table(c), tv, "USD");
}

}  // namespace curcrunch::serve
