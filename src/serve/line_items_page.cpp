// Line items: every usage line of the view, sortable by any column, 50 to a page.
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

namespace {

std::vector<Row> line_rows(const ViewContext& c, const std::string& currency) {
    const ViewParams& v = c.view;
    std::vector<Row> rows;
    for (const auto& li : report::line_items(c.db, v.report, &c.cube, 0)) {
        if (v.report.min_cost && li.cost < *v.report.min_cost) continue;
        rows.push_back(
            {{esc(li.service), esc(li.usage_type), esc(li.description),
              esc(format_money(li.quantity, 2)), esc(li.unit),
              esc(li.rate ? format_money(*li.rate, 4) : ""), esc(money(li.cost, currency))},
             {0, 0, 0, li.quantity, 0, li.rate.value_or(0), li.cost}});
    }
    return rows;
}

const std::vector<TableColumn>& line_columns() {
    static const std::vector<TableColumn> cols = {{"service", "Service"},
                                                  {"usage_type", "Usage type"},
                                                  {"description", "Description"},
                                                  {"quantity", "Quantity", true},
                                                  {"unit", "Unit"},
                                                  {"rate", "Rate", true},
                                                  {"cost", "Cost", true}};
    return cols;
}

}  // namespace

std::string line_items_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/line-items", c);
    auto rows = line_rows(c, "USD");
    sort_rows(rows, line_columns(), v.sort.empty() ? "cost" : v.sort,
              v.sort.empty() || v.descending);
    ViewParams shown = v;
    if (shown.sort.empty()) shown.sort = "cost";
    return paged_table("Line items", "/line-items", shown, line_columns(), rows);
}

}  // namespace curcrunch::serve
