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
    // A link for a data row's first cell (by row key), "" for none.
    std::function<std::string(const std::string& key)> link;
};

std::string table_html(const ViewContext& c, const report::ReportTable& t, const TableView& tv,
                       const std::string& currency);

}  // namespace curcrunch::serve
