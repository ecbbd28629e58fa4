// The JSON twins of the pages that group: /api/month-over-month and /api/categories. Amounts are
// exact decimal strings, in the view's measure; a month without data has a null amount.
#include "categories.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/store/query_tags.hpp"
#include "grouping.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {
namespace {

// The view as the server understood it, with what the grouping pages add.
std::string jview(const ViewContext& c, const ViewGrouping& g) {
    const report::ReportParams& p = c.view.report;
    std::string o = "{\"from\":" + json_quote(format_day(p.from)) +
                    ",\"to\":" + json_quote(format_day(p.to)) +
                    ",\"measure\":" + json_quote(store::measure_name(p.measure)) +
                    ",\"by\":" + json_quote(g.name) + ",\"payers\":[";
    for (size_t i = 0; i < p.payers.size(); ++i)
        o += (i ? "," : "") + json_quote(p.payers[i]);
    return o + "],\"currency\":" + json_quote(c.figures().currency) + "}";
}

std::string jcell(const store::MomCell& cell) {
    std::string o = "{\"amount\":" + (cell.amount ? json_money(*cell.amount) : std::string("null"));
    if (cell.comparable)
        o += ",\"previous\":" + json_money(cell.previous) +
             ",\"change\":" + json_money(cell.change());
    return o + ",\"comparable\":" + (cell.comparable ? "true" : "false") +
           ",\"percent\":" + json_quote(cell.percent) + "}";
}

std::string jrow(const store::MomRow& r) {
    std::string o =
        "{\"key\":" + json_quote(r.key) + ",\"label\":" + json_quote(r.label) + ",\"months\":[";
    for (size_t i = 0; i < r.cells.size(); ++i)
        o += (i ? "," : "") + jcell(r.cells[i]);
    return o + "]}";
}

std::string jmom(const store::MonthOverMonth& mom) {
    std::string o = "{\"months\":[";
    for (size_t i = 0; i < mom.months.size(); ++i) {
        const store::MomMonth& m = mom.months[i];
        o += std::string(i ? "," : "") + "{\"month\":" + json_quote(format_period(m.month)) +
             ",\"days\":" + std::to_string(m.coverage.days) +
             ",\"days_with_data\":" + std::to_string(m.coverage.days_with_data) +
             ",\"partial\":" + (m.partial ? "true" : "false") + "}";
    }
    o += "],\"rows\":[";
    for (size_t i = 0; i < mom.rows.size(); ++i)
        o += (i ? "," : "") + jrow(mom.rows[i]);
    o += "],\"other\":" + (mom.other ? jrow(*mom.other) : std::string("null"));
    return o + ",\"total\":" + jrow(mom.total) + "}";
}

}  // namespace

std::string mom_json(const ViewContext& c) {
    const ViewGrouping g = grouping_of(c.view, "service");
    const auto mom = month_over_month(c, g);
    return "{\"parameters\":" + jview(c, g) + ",\"month_over_month\":" + jmom(*mom) + "}";
}

std::string categories_json(const ViewContext& c) {
    const CategoryFigures f = category_figures(c);
    const auto picks = c.site.picks(c.db, c.cube);
    std::string o = "{\"parameters\":" + jview(c, f.grouping) + ",\"keys\":[";
    for (size_t i = 0; i < picks->tag_keys.size(); ++i)
        o += (i ? "," : "") + json_quote(picks->tag_keys[i].value);
    o += "]";
    if (f.grouping.name.empty()) return o + "}";
    o += ",\"total\":" + json_money(f.total) +
         ",\"untagged\":{\"amount\":" + json_money(f.untagged) +
         ",\"share\":" + json_quote(share(f.untagged, f.total)) + "},\"values\":[";
    bool first = true;
    for (const CategoryValue& v : f.values) {
        if (!value_shown(c.view, v.key)) continue;
        o += std::string(first ? "" : ",") + "{\"key\":" + json_quote(v.key) +
             ",\"label\":" + json_quote(v.label) + ",\"amount\":" + json_money(v.amount) +
             ",\"share\":" + json_quote(share(v.amount, f.total)) + ",\"by_month\":{";
        bool fm = true;
        for (const auto& [month, a] : v.by_month) {
            o += std::string(fm ? "" : ",") + json_quote(month) + ":" + json_money(a);
            fm = false;
        }
        o += "}}";
        first = false;
    }
    store::MonthOverMonth mom = *month_over_month(c, f.grouping);
    if (!c.view.values.empty())
        std::erase_if(mom.rows,
                      [&](const store::MomRow& r) { return !value_shown(c.view, r.key); });
    return o + "],\"month_over_month\":" + jmom(mom) + "}";
}

}  // namespace curcrunch::serve
