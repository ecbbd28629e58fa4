// The overview: key figures, the monthly trend and the service bars, the top ten services and
// accounts (each with its remainders and total), and the anomalous days with what drove them.
#include "curcrunch/report/cell_text.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "table_view.hpp"

namespace curcrunch::serve {

namespace {

std::string top_table(const ViewContext& c, bool accounts) {
    const ViewParams& v = c.view;
    const report::ReportData& d = c.figures();
    const std::string name_key = accounts ? "account" : "service";
    TableView tv;
    tv.caption = accounts ? "Top accounts" : "Top services";
    tv.path = "/";
    tv.default_sort = "cost";
    tv.paged = false;
    tv.link = [&](const std::string& key) {
        return (accounts ? "/accounts" : "/services") +
               query_string(v, {{name_key, key}}, {"sort", "dir", "page"});
    };
    return table_html(
        c, report::build_table(d, accounts ? "top_accounts" : "top_services", {{"limit", "10"}}),
        tv, d.currency);
}

std::string drivers_text(const report::Anomaly& a, const std::string& currency) {
    std::string o;
    for (const auto& dr : a.drivers)
        o += (o.empty() ? "" : "<br>") +
             esc(dr.service_label + " · " + dr.account + " · " + dr.usage_type + " " +
                 (dr.change() > 0 ? "+" : "") + report::money_text(dr.change(), currency));
    return o;
}

std::string judged_table(const report::ReportData& d, const std::vector<report::Anomaly>& days,
                         const char* caption, const char* amount_title) {
    std::string o = "<div class=\"table-wrap\"><table>\n<caption>" + esc(caption) +
                    "</caption>\n<thead><tr><th scope=\"col\">Day</th><th scope=\"col\" "
                    "class=\"num\">" +
                    esc(amount_title) +
                    "</th><th scope=\"col\" class=\"num\">Median before</th><th scope=\"col\" "
                    "class=\"num\">Robust z</th><th scope=\"col\">What moved</th></tr></thead>\n"
                    "<tbody>\n";
    for (const auto& a : days)
        o += "<tr><td>" + esc(format_day(a.day)) + "</td><td class=\"num\">" +
             esc(money(a.value, d.currency)) + "</td><td class=\"num\">" +
             esc(money(a.median, d.currency)) + "</td><td class=\"num\">" +
             esc(report::format_z(a.z)) + "</td><td>" + drivers_text(a, d.currency) +
             "</td></tr>\n";
    if (days.empty()) o += "<tr><td colspan=\"5\">None in this period.</td></tr>\n";
    return o + "</tbody>\n</table></div>\n";
}

}  // namespace

std::string overview_page(const ViewContext& c, PageFrame& f) {
    f.crumbs = crumbs("/", c);
    const report::ReportData& d = c.figures();
    std::string o = kpis(d) + "<div class=\"charts\">" +
                    figure(c, [&](double w) { return monthly_chart(c, w); }) +
                    figure(c, [&](double w) { return services_chart(c, w); }) + "</div>\n" +
                    top_table(c, false) + top_table(c, true) +
                    judged_table(d, d.anomalies,
                                 "Anomalous days (usage cost, each judged "
                                 "against the 28 days with data before it)",
                                 "Usage cost");
    if (!d.fee_days.empty())
        o += judged_table(d, d.fee_days,
                          "Fee days (RI and Savings Plan fees, support, "
                          "subscriptions; judged apart from usage)",
                          "Fees");
    return o;
}

}  // namespace curcrunch::serve
