#include "table_view.hpp"

#include <algorithm>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/tie_out.hpp"

namespace curcrunch::serve {
namespace {

bool is_tie_out(const std::string& key) {
    return key == report::kOtherRowKey || key == report::kBelowRowKey ||
           key == report::kTotalRowKey;
}

// The sort value of a number-like cell: amounts as they are, "+12.3%" as 12.3; "n/a" and empty
// cells sort below every number.
bool number_of(const std::string& cell, Amount& out) {
    std::string s = cell;
    if (!s.empty() && s.back() == '%') s.pop_back();
    if (!s.empty() && s.front() == '+') s.erase(0, 1);
    return !s.empty() && parse_amount(s, out) == ParseStatus::ok;
}

}  // namespace

std::vector<const report::TableRow*> sorted_data_rows(const report::ReportTable& t,
                                                      const ViewParams& v,
                                                      const std::string& default_sort,
                                                      bool strict) {
    std::vector<const report::TableRow*> data;
    for (const auto& r : t.rows)
        if (!is_tie_out(r.key)) data.push_back(&r);
    const std::string& sort = v.sort.empty() ? default_sort : v.sort;
    const bool desc = v.sort.empty() || v.descending;
    size_t col = 0;
    while (col < t.columns.size() && t.columns[col].key != sort)
        ++col;
    if (col == t.columns.size()) {
        if (v.sort.empty() || !strict) return data;  // the builder's order
        std::string keys;
        for (const auto& c : t.columns)
            keys += (keys.empty() ? "" : ", ") + c.key;
        throw_usage("sort: this view has no column '" + v.sort + "' (its columns: " + keys + ")");
    }
    const bool numeric = t.columns[col].kind != report::CellKind::text;
    std::stable_sort(data.begin(), data.end(), [&](const auto* a, const auto* b) {
        const std::string& x = a->cells[col];
        const std::string& y = b->cells[col];
        if (!numeric) return desc ? x > y : x < y;
        Amount p = 0, q = 0;
        const bool hp = number_of(x, p), hq = number_of(y, q);
        if (hp != hq) return desc ? hp : hq;  // numbers before "n/a" when descending
        return desc ? p > q : p < q;
    });
    return data;
}

std::string table_html(const ViewContext& c, const report::ReportTable& t, const TableView& tv,
                       const std::string& currency) {
    const ViewParams& v = c.view;
    std::vector<TableColumn> cols;
    for (const auto& col : t.columns)
        cols.push_back({col.key, col.title, col.kind != report::CellKind::text});
    std::vector<std::vector<std::string>> footer;
    auto cells_of = [&](const report::TableRow& r, bool link) {
        std::vector<std::string> out;
        for (size_t i = 0; i < t.columns.size() && i < r.cells.size(); ++i) {
            std::string s = esc(report::cell_text(t.columns[i].kind, r.cells[i], currency));
            if (i == 0 && link && tv.link) {
                const std::string href = tv.link(r.key);
                if (!href.empty()) s = "<a href=\"" + esc(href) + "\">" + s + "</a>";
            }
            if (r.emphasis) s = "<strong>" + s + "</strong>";
            out.push_back(std::move(s));
        }
        return out;
    };
    for (const auto& r : t.rows)
        if (is_tie_out(r.key)) footer.push_back(cells_of(r, false));
    const std::vector<const report::TableRow*> data =
        sorted_data_rows(t, v, tv.default_sort, tv.strict_sort);
    const std::string sort = v.sort.empty() ? tv.default_sort : v.sort;
    const bool desc = v.sort.empty() || v.descending;
    const size_t rows = data.size();
    const size_t pages = tv.paged ? std::max<size_t>(1, (rows + kPageRows - 1) / kPageRows) : 1;
    const size_t pg = std::min<size_t>(static_cast<size_t>(std::max(v.page, 1)), pages);
    std::vector<std::vector<std::string>> shown;
    for (size_t i = tv.paged ? (pg - 1) * kPageRows : 0;
         i < rows && (!tv.paged || i < pg * kPageRows); ++i)
        shown.push_back(cells_of(*data[i], true));
    std::string o = "<div class=\"table-wrap\">" +
                    sortable_table(tv.caption, tv.path, v, cols, shown, sort, desc, footer) +
                    "</div>";
    if (pages > 1) {
        o += "<nav class=\"pager\" aria-label=\"Pages\">";
        if (pg > 1)
            o += "<a rel=\"prev\" href=\"" +
                 esc(tv.path + query_string(v, {{"page", std::to_string(pg - 1)}})) +
                 "\">Previous</a>";
        o += "<span>page " + std::to_string(pg) + " of " + std::to_string(pages) + " (" +
             std::to_string(rows) + " rows)</span>";
        if (pg < pages)
            o += "<a rel=\"next\" href=\"" +
                 esc(tv.path + query_string(v, {{"page", std::to_string(pg + 1)}})) + "\">Next</a>";
        o += "</nav>\n";
    }
    return o;
}

}  // namespace curcrunch::serve
