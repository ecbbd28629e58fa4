#include "grouping.hpp"

#include "curcrunch/ingest/schema.hpp"
#include "curcrunch/report/report_query.hpp"
#include "curcrunch/serve/html.hpp"
#include "curcrunch/store/query_tags.hpp"

namespace curcrunch::serve {

ViewGrouping grouping_of(const ViewParams& v, const std::string& fallback) {
    ViewGrouping g;
    auto parsed = store::parse_grouping(v.by.empty() ? fallback : v.by);
    if (!parsed) return g;  // an empty fallback: the store has no keys; service then
    g.by = parsed->by;
    // The store holds keys as ingest normalized them ("CostCenter" -> "cost_center"); a URL
    // written by hand may give them as AWS spells them.
    if (g.tagged()) g.key = ingest::normalize_tag_key(parsed->key);
    g.name = store::grouping_name(g.by, g.key);
    g.title = g.by == store::Dimension::tag        ? "tag " + g.key
              : g.by == store::Dimension::category ? "cost category " + g.key
                                                   : store::dimension_name(g.by);
    return g;
}

store::Query view_query(const ViewParams& v) {
    return report::scope_query(v.report);
}

namespace {

// The memo key of a view: its filters and grouping, and the store's account stamp (labels).
std::string memo_key(const ViewContext& c, const ViewGrouping& g, const char* what) {
    return std::string(what) + "|" + g.name + "|" +
           query_string(c.view, {}, {"sort", "dir", "page", "group", "by", "value"}) + "|" +
           format_day(c.view.report.as_of) + "|" + store::AccountDirectory::stamp(c.db);
}

}  // namespace

std::shared_ptr<const std::vector<store::ResultRow>> rows_by_month(const ViewContext& c,
                                                                   const ViewGrouping& g) {
    return c.site.grouped_rows.get(c.cube.version(), memo_key(c, g, "rows"), [&] {
        store::Query q = view_query(c.view);
        q.grain = store::Grain::month;
        q.by = g.by;
        q.tag_key = g.key;
        return store::run_query(c.db, q);
    });
}

std::shared_ptr<const store::MonthOverMonth> month_over_month(const ViewContext& c,
                                                              const ViewGrouping& g) {
    return c.site.month_over_month.get(c.cube.version(), memo_key(c, g, "mom"), [&] {
        store::MomQuery q;
        q.scope = view_query(c.view);
        q.scope.by = g.by;
        q.scope.tag_key = g.key;
        q.months = mom_months(c.view);
        q.end = c.view.report.to;
        return store::month_over_month(c.db, q);
    });
}

std::shared_ptr<const std::vector<std::string>> values_of(const ViewContext& c,
                                                          const ViewGrouping& g) {
    return c.site.tag_values.get(c.cube.version(), g.name,
                                 [&] { return store::tag_values(c.db, g.by, g.key); });
}

std::string hidden_fields(const ViewParams& v, const std::vector<std::string>& drop) {
    std::string o;
    for (const auto& [k, val] : query_pairs(v, {}, drop))
        o += "<input type=\"hidden\" name=\"" + esc(k) + "\" value=\"" + esc(val) + "\">";
    return o;
}

std::string grouping_form(const ViewContext& c, const std::string& path, const ViewGrouping& g,
                          bool dimensions, const std::string& extra) {
    const auto picks = c.site.picks(c.db, c.cube);
    std::string o = "<form class=\"filters grouping\" method=\"get\" action=\"" + esc(path) +
                    "\">" + hidden_fields(c.view, {"by", "value", "page", "sort", "dir"}) +
                    "<label>Rows <select name=\"by\">";
    auto option = [&](const std::string& value, const std::string& label) {
        o += "<option value=\"" + esc(value) + "\"" + (value == g.name ? " selected" : "") + ">" +
             esc(label) + "</option>";
    };
    if (dimensions)
        for (const char* d : {"service", "account", "payer"})
            option(d, std::string("by ") + d);
    for (const PickOption& k : picks->tag_keys)
        option(k.value, k.label);
    return o + "</select></label>" + extra + "<button type=\"submit\">Show</button></form>\n";
}

std::string month_note(const store::MomMonth& m) {
    if (m.coverage.none()) return "no data";
    if (!m.partial) return "";
    if (m.coverage.complete()) return "accruing";
    if (m.coverage.days_with_data == m.coverage.days)
        return "partial: " + m.coverage.payers_short_text();  // a payer short, every day
    return "partial: " + std::to_string(m.coverage.days_with_data) + " of " +
           std::to_string(m.coverage.days) + " days";
}

}  // namespace curcrunch::serve
