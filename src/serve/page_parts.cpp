#include "page_parts.hpp"

#include <algorithm>
#include <set>

#include "curcrunch/chart/svg_backend.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/report/comparison_text.hpp"
#include "curcrunch/report/pdf_report.hpp"

namespace curcrunch::serve {

std::string money(Amount a, const std::string& currency) {
    return report::money_text(a, currency);
}

std::string json_money(Amount a) {
    return json_quote(to_plain_string(a));
}

std::string share(Amount part, Amount total) {
    return report::share_text(part, total);
}

std::vector<report::KeyAmount> visible(const std::vector<report::KeyAmount>& rows,
                                       const report::ReportParams& p) {
    std::vector<report::KeyAmount> out;
    for (const auto& r : rows)
        if (!p.min_cost || r.amount >= *p.min_cost || -r.amount >= *p.min_cost) out.push_back(r);
    return out;
}

void sort_rows(std::vector<Row>& rows, const std::vector<TableColumn>& cols, const std::string& key,
               bool descending) {
    size_t c = 0;
    while (c < cols.size() && cols[c].key != key)
        ++c;
    if (c == cols.size()) return;
    const bool numeric = cols[c].numeric;
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        const bool less = numeric ? a.numbers[c] < b.numbers[c] : a.cells[c] < b.cells[c];
        const bool more = numeric ? a.numbers[c] > b.numbers[c] : a.cells[c] > b.cells[c];
        return descending ? more : less;
    });
}

std::vector<std::vector<std::string>> cells_of(const std::vector<Row>& rows) {
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (const auto& r : rows)
        cells.push_back(r.cells);
    return cells;
}

std::string paged_table(const std::string& caption, const std::string& path, const ViewParams& v,
                        const std::vector<TableColumn>& cols, const std::vector<Row>& rows,
                        const std::vector<std::vector<std::string>>& footer) {
    const size_t pages = std::max<size_t>(1, (rows.size() + kPageRows - 1) / kPageRows);
    const size_t pg = std::min<size_t>(static_cast<size_t>(v.page), pages);
    std::vector<std::vector<std::string>> cells;
    for (size_t i = (pg - 1) * kPageRows; i < rows.size() && i < pg * kPageRows; ++i)
        cells.push_back(rows[i].cells);
    std::string o = "<div class=\"table-wrap\">" +
                    sortable_table(caption, path, v, cols, cells, v.sort, v.descending, footer) +
                    "</div>";
    if (pages > 1) {
        o += "<nav class=\"pager\" aria-label=\"Pages\">";
        if (pg > 1)
            o += "<a rel=\"prev\" href=\"" +
                 esc(path + query_string(v, {{"page", std::to_string(pg - 1)}})) +
                 "\">Previous</a>";
        o += "<span>page " + std::to_string(pg) + " of " + std::to_string(pages) + " (" +
             std::to_string(rows.size()) + " rows)</span>";
        if (pg < pages)
            o += "<a rel=\"next\" href=\"" +
                 esc(path + query_string(v, {{"page", std::to_string(pg + 1)}})) + "\">Next</a>";
        o += "</nav>\n";
    }
    return o;
}

std::vector<Crumb> crumbs(const std::string& path, const ViewContext& context) {
    const ViewParams& v = context.view;
    std::vector<Crumb> c = {{"All costs", path + query_string(v, {{"preset", "last-12-months"}},
                                                              {"account", "service", "region",
                                                               "payer", "value", "granularity"})}};
    const report::ReportParams& p = v.report;
    std::string label =
        v.explicit_dates ? format_day(p.from) + " to " + format_day(p.to) : p.preset;
    if (v.explicit_dates && p.from == first_day(period_of(p.from)) &&
        p.to == last_day(period_of(p.from)))
        label = format_period(period_of(p.from));
    c.push_back({label, p.services.empty() && p.accounts.empty() && p.payers.empty()
                            ? ""
                            : path + query_string(v, {}, {"service", "account", "payer"})});
    for (const auto& a : p.payers)
        c.push_back({"payer " + context.accounts().label(a), ""});
    for (const auto& s : p.services)
        c.push_back({"service " + s, ""});
    for (const auto& a : p.accounts)
        c.push_back({"account " + context.accounts().label(a), ""});
    for (size_t i = 0; i + 1 < c.size(); ++i)
        if (c[i].href.empty())
            c[i].href = path + query_string(v, {}, {"service", "account", "payer"});
    c.back().href.clear();
    return c;
}

std::vector<store::OuGroup> ou_groups(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    const report::ReportParams& p = c.view.report;
    std::map<std::string, Amount> costs;
    for (const auto& k : d.accounts)
        costs[k.key] += k.amount;
    const std::set<std::string> only(p.accounts.begin(), p.accounts.end());
    std::vector<store::OuGroup> out;
    for (store::OuGroup& g : c.accounts().by_ou(costs)) {
        if (!only.empty())
            std::erase_if(g.account_ids, [&](const std::string& id) { return !only.count(id); });
        if (g.account_ids.empty()) continue;
        if (p.min_cost && g.cost < *p.min_cost && -g.cost < *p.min_cost) continue;
        out.push_back(std::move(g));
    }
    return out;
}

std::string figure(const ViewContext& c, const ChartAt& build, double wide) {
    auto svg = [&](double width, const char* cls) {
        chart::Scene s = build(width);
        // Titles are laid out for a page's width; on a phone a long one ends in "…" (the SVG's
        // <title> keeps it whole).
        for (chart::Item& it : s.items)
            if (auto* t = std::get_if<chart::Text>(&it); t && t->bold && t->rotate == 0)
                t->text = c.site.metrics().fit(t->text, width - t->x, t->size, true);
        std::string o = chart::to_svg(s);
        const size_t at = o.find(" viewBox");
        if (at != std::string::npos) o.insert(at, std::string(" class=\"") + cls + "\"");
        return o;
    };
    return "<figure>" + svg(wide, "desk") + svg(kPhoneChartWidth, "phone") + "</figure>\n";
}

std::string kpis(const report::ReportData& d) {
    const std::string& c = d.currency;
    std::string o = "<section class=\"kpis\" aria-label=\"Key figures\">";
    auto kpi = [&](const std::string& l, const std::string& val, const std::string& note) {
        o += "<div class=\"kpi\"><div class=\"label\">" + esc(l) + "</div><div class=\"value\">" +
             esc(val) + "</div><div class=\"note\">" + esc(note) + "</div></div>";
    };
    kpi("Total cost", d.coverage.none() ? "no data" : money(d.totals.total, c),
        format_day(d.params.from) + " to " + format_day(d.params.to) +
            (d.coverage.complete() ? "" : "; " + report::coverage_note(d.coverage)));
    const report::ComparisonText prev = report::comparison_text(d.vs_previous, c);
    kpi("vs the previous period", prev.value, prev.note);
    if (d.month_complete())
        kpi("Cost of " + format_period(period_of(d.params.as_of)) + " (complete month)",
            money(*d.month_to_date, c),
            "actual, with data for all " + std::to_string(d.forecast_days_in_month) + " days");
    else if (!d.forecast_withheld.empty())
        kpi("Forecast for " + format_period(period_of(d.params.as_of)), "n/a",
            "partial: " + d.forecast_withheld);
    else if (d.forecast)
        kpi("Forecast for " + format_period(period_of(d.params.as_of)) + " (estimate)",
            money(*d.forecast, c),
            "linear from " + money(*d.month_to_date, c) + " in " +
                std::to_string(d.forecast_days_seen) + " of " +
                std::to_string(d.forecast_days_in_month) + " days");
    kpi("Anomalous days", std::to_string(d.anomalies.size()),
        "robust z > 3.5 and over " + money(report::AnomalyRule{}.floor, c) +
            " from the median of the 28 days with data before each");
    kpi("Data through", d.data_through ? format_day(d.data_through) : "no data",
        report::data_through_note(d));
    return o + "</section>\n";
}

chart::Scene monthly_chart(const ViewContext& c, double width) {
    const ViewParams& v = c.view;
    return report::monthly_trend_chart(
        c.figures(), c.site.metrics(), width, [&](const std::string& month) {
            const Period p = *parse_period(month);
            return "/trends" + query_string(v,
                                            {{"from", format_day(first_day(p))},
                                             {"to", format_day(last_day(p))},
                                             {"granularity", ""}},
                                            {"sort", "dir", "page"});
        });
}

chart::Scene services_chart(const ViewContext& c, double width) {
    const ViewParams& v = c.view;
    return report::service_bar_chart(
        c.figures(), c.site.metrics(), width, [&](const std::string& code) {
            return "/services" + query_string(v, {{"service", code}}, {"sort", "dir", "page"});
        });
}

}  // namespace curcrunch::serve
