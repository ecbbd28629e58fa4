#pragma once
// A report table (report/report_table.hpp, built by the same builder the PDF uses) as a
// dashboard table: sortable by any column, 50 rows a page, and the rows that make it tie out —
// "Other (N)", "Below threshold (N)" and the total — in its footer on every page, whatever the
// sort. So the dashboard, the PDF and the JSON show the same rows and the same sums.
#include <functional>
#include <string>

#include "curcrunch/report/report_table.hpp"
#include "page_parts.hpp"

namespace curcrunch::serve {

struct TableView {
    std::string caption, path;
    std::string default_sort;  // column key ("" : the builder's order)
    bool paged = true;
    bool strict_sort = false;  // the view's only table: an unknown sort column is a 400
    // A link for a data row's first cell (by row key), "" for none.
    std::function<std::string(const std::string& key)> link;
};

std::string table_html(const ViewContext& c, const report::ReportTable& t, const TableView& tv,
                       const std::string& currency);

// The data rows of `t` (not Other, Below threshold or the total) in the view's order: by the
// view's `sort` column and `dir`, by `default_sort` descending without one. The page and its
// JSON twin sort through here, so they list the same rows in the same order. With `strict`, a
// `sort` naming no column of `t` is a usage error naming the columns it has (400); otherwise
// (a page of several tables, where the column may be another table's) the builder's order.
std::vector<const report::TableRow*> sorted_data_rows(const report::ReportTable& t,
                                                      const ViewParams& v,
                                                      const std::string& default_sort, bool strict);

}  // namespace curcrunch::serve
