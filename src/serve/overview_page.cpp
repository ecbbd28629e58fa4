// The overview: key figures, the monthly trend and the service bars, the top ten services and
// accounts, and the anomalous days.
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

namespace {

// The top ten by cost, then sorted as the headers ask.
std::string top_table(const ViewContext& c, const std::vector<report::KeyAmount>& all,
                      bool accounts) {
    const ViewParams& v = c.view;
    const report::ReportData& d = c.figures();
    const std::string sort = v.sort.empty() ? "cost" : v.sort;
    const bool desc = v.sort.empty() || v.descending;
    const std::string name_key = accounts ? "account" : "service";
    const std::vector<TableColumn> cols = {{name_key, accounts ? "Account" : "Service"},
                                           {"cost", "Cost", true},
                                           {"share", "Share", true}};
    std::vector<std::pair<std::string, Row>> rows;  // label (text sort key), row
    auto shown = visible(all, v.report);
    for (size_t i = 0; i < shown.size() && i < 10; ++i) {
        const auto& k = shown[i];
        const std::string label = accounts ? d.account_label(k.key) : k.label;
        rows.push_back({label,
                        {{"<a href=\"" +
                              esc((accounts ? "/accounts" : "/services") +
                                  query_string(v, {{name_key, k.key}}, {"sort", "dir", "page"})) +
                              "\">" + esc(label) + "</a>",
                          esc(money(k.amount, d.currency)), esc(share(k.amount, d.totals.total))},
                         {0, k.amount, k.amount}}});
    }
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& x, const auto& y) {
        if (sort == name_key) return desc ? x.first > y.first : x.first < y.first;
        return desc ? x.second.numbers[1] > y.second.numbers[1]
                    : x.second.numbers[1] < y.second.numbers[1];
    });
    std::vector<std::vector<std::string>> cells;
    for (auto& r : rows)
        cells.push_back(r.second.cells);
    return sortable_table(accounts ? "Top accounts" : "Top services", "/", v, cols, cells, sort,
                          desc);
}

std::string anomalies_table(const report::ReportData& d) {
    std::string o =
        "<table>\n<caption>Anomalous days (usage cost)</caption>\n<thead><tr><th "
        "scope=\"col\">Day</th><th scope=\"col\" class=\"num\">Usage cost</th><th "
        "scope=\"col\" class=\"num\">28-day median</th></tr></thead>\n<tbody>\n";
    for (const auto& a : d.anomalies)
        o += "<tr><td>" + esc(d.trend[a.index].key) + "</td><td class=\"num\">" +
             esc(money(a.value, d.currency)) + "</td><td class=\"num\">" +
             esc(money(a.median, d.currency)) + "</td></tr>\n";
    if (d.anomalies.empty()) o += "<tr><td colspan=\"3\">None in this period.</td></tr>\n";
    return o + "</tbody>\n</table>\n";
}

}  // namespace

std::string overview_page(const ViewContext& c, PageFrame& f) {
    f.crumbs = crumbs("/", c);
    const report::ReportData& d = c.figures();
    return kpis(d) + "<div class=\"charts\">" + figure(monthly_chart(c)) +
           figure(services_chart(c)) + "</div>\n" + top_table(c, d.services, false) +
           top_table(c, d.accounts, true) + anomalies_table(d);
}

}  // namespace curcrunch::serve
