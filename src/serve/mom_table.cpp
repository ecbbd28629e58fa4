#include "mom_table.hpp"

#include <algorithm>

#include "curcrunch/report/cell_text.hpp"
#include "page_parts.hpp"

namespace curcrunch::serve {
namespace {

std::string cell_html(const store::MomCell& cell, const std::string& currency) {
    if (!cell.amount) return "<td class=\"num nodata\">no data</td>";
    std::string o = "<td class=\"num\">" + esc(money(*cell.amount, currency));
    if (cell.comparable) {
        const Amount d = cell.change();
        o += "<br><small class=\"change\">" +
             esc((d > 0 ? "+" : "") + money(d, currency) + " · " + cell.percent) + "</small>";
    } else if (!cell.percent.empty()) {
        // "n/a: no data for 2026-08-01 to 2026-08-31": the word in the cell, the why on hover.
        const std::string word = cell.percent.substr(0, cell.percent.find(':'));
        o += "<br><small class=\"change\" title=\"" + esc(cell.percent) + "\">" + esc(word) +
             "</small>";
    }
    return o + "</td>";
}

// The first cell of a row: its label, linking to the view narrowed to it when the dimension is
// a filter of the view.
std::string label_html(const ViewContext& c, const store::MomRow& r, const ViewGrouping& g,
                       const std::string& path) {
    const char* param = g.by == store::Dimension::service   ? "service"
                        : g.by == store::Dimension::account ? "account"
                        : g.by == store::Dimension::payer   ? "payer"
                        : g.tagged()                        ? "value"
                                                            : nullptr;
    std::string label = r.label.empty() ? r.key : r.label;
    if (g.by == store::Dimension::account || g.by == store::Dimension::payer)
        label = c.accounts().label(r.key);
    if (!param || (r.key.empty() && !g.tagged()))
        return "<th scope=\"row\">" + esc(label) + "</th>";
    const std::string value = r.key.empty() ? "untagged" : r.key;
    return "<th scope=\"row\"><a href=\"" +
           esc(path + query_string(c.view, {{param, value}}, {"page"})) + "\">" + esc(label) +
           "</a></th>";
}

}  // namespace

std::string mom_table(const ViewContext& c, const store::MonthOverMonth& mom, const ViewGrouping& g,
                      const std::string& path, const std::string& caption) {
    const std::string& currency = c.figures().currency;
    std::string o = "<div class=\"table-wrap\"><table class=\"mom\">\n<caption>" + esc(caption) +
                    "</caption>\n<thead><tr><th scope=\"col\">" + esc(g.title) + "</th>";
    // The coverage note goes under the month, in small text that may wrap: on a phone a long
    // note on one line made the column so wide its amounts were scrolled out of view.
    for (const store::MomMonth& m : mom.months) {
        const std::string note = month_note(m);
        o += "<th scope=\"col\" class=\"num" + std::string(m.partial ? " flag" : "") + "\">" +
             format_period(m.month) + (note.empty() ? "" : "<small>" + esc(note) + "</small>") +
             "</th>";
    }
    o += "</tr></thead>\n<tbody>\n";
    const size_t rows = mom.rows.size();
    const size_t pages = std::max<size_t>(1, (rows + kPageRows - 1) / kPageRows);
    const size_t pg = std::min<size_t>(static_cast<size_t>(std::max(c.view.page, 1)), pages);
    for (size_t i = (pg - 1) * kPageRows; i < rows && i < pg * kPageRows; ++i) {
        const store::MomRow& r = mom.rows[i];
        o += "<tr>" + label_html(c, r, g, path);
        for (const store::MomCell& cell : r.cells)
            o += cell_html(cell, currency);
        o += "</tr>\n";
    }
    if (rows == 0)
        o += "<tr><td colspan=\"" + std::to_string(mom.months.size() + 1) +
             "\">No rows.</td></tr>\n";
    o += "</tbody>\n<tfoot>\n";
    auto footer = [&](const store::MomRow& r, const std::string& label) {
        o += "<tr><th scope=\"row\"><strong>" + esc(label) + "</strong></th>";
        for (const store::MomCell& cell : r.cells)
            o += cell_html(cell, currency);
        o += "</tr>\n";
    };
    if (mom.other) footer(*mom.other, mom.other->label);
    footer(mom.total, "Total");
    o += "</tfoot>\n</table></div>\n";
    if (pages > 1) {
        o += "<nav class=\"pager\" aria-label=\"Pages\">";
        if (pg > 1)
            o += "<a rel=\"prev\" href=\"" +
                 esc(path + query_string(c.view, {{"page", std::to_string(pg - 1)}})) +
                 "\">Previous</a>";
        o += "<span>page " + std::to_string(pg) + " of " + std::to_string(pages) + " (" +
             std::to_string(rows) + " rows)</span>";
        if (pg < pages)
            o += "<a rel=\"next\" href=\"" +
                 esc(path + query_string(c.view, {{"page", std::to_string(pg + 1)}})) +
                 "\">Next</a>";
        o += "</nav>\n";
    }
    return o;
}

}  // namespace curcrunch::serve
