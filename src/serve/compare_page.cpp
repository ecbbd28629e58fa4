// Comparison with the previous period (or any second period): the change chart and a table of
// the changes by service and by account.
#include "curcrunch/report/pdf_report.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

namespace {

// The form choosing the second period; it keeps every other filter of the view.
std::string second_period_form(const ViewParams& v, const report::ReportData& d) {
    std::string o = "<form class=\"filters\" method=\"get\" action=\"/compare\">";
    for (const auto& [k, val] : std::vector<std::pair<std::string, std::string>>{
             {"from", format_day(v.report.from)}, {"to", format_day(v.report.to)}})
        o += "<input type=\"hidden\" name=\"" + k + "\" value=\"" + val + "\">";
    for (const auto& a : v.report.accounts)
        o += "<input type=\"hidden\" name=\"account\" value=\"" + esc(a) + "\">";
    for (const auto& sv : v.report.services)
        o += "<input type=\"hidden\" name=\"service\" value=\"" + esc(sv) + "\">";
    if (v.report.as_of != today_utc())
        o += "<input type=\"hidden\" name=\"as_of\" value=\"" + format_day(v.report.as_of) + "\">";
    o += "<label>Compare with <input type=\"date\" name=\"vs_from\" value=\"" +
         format_day(d.prev_from) +
         "\"></label><label>to <input type=\"date\" "
         "name=\"vs_to\" value=\"" +
         format_day(d.prev_to) + "\"></label><button type=\"submit\">Compare</button></form>\n";
    return o;
}

std::string changes_table(const ViewParams& v, const report::ReportData& d, report::ChangeOf what) {
    const bool accounts = what == report::ChangeOf::accounts;
    std::vector<Row> rows;
    for (const report::Change& ch : report::period_changes(d, what)) {
        const Amount diff = ch.delta();
        rows.push_back({{esc(ch.label), esc(money(ch.previous, d.currency)),
                         esc(money(ch.current, d.currency)), esc(money(diff, d.currency)),
                         esc(report::percent_change(ch.current, ch.previous))},
                        {0, ch.previous, ch.current, diff < 0 ? -diff : diff, diff}});
    }
    const std::vector<TableColumn> cols = {{"name", accounts ? "Account" : "Service"},
                                           {"previous", "Previous", true},
                                           {"current", "This period", true},
                                           {"change", "Change", true},
                                           {"pct", "Change %", true}};
    const std::string sort = v.sort.empty() ? "change" : v.sort;
    sort_rows(rows, cols, sort, v.sort.empty() || v.descending);
    return sortable_table(accounts ? "By account" : "By service", "/compare", v, cols,
                          cells_of(rows), sort, v.sort.empty() || v.descending);
}

}  // namespace

std::string compare_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/compare", c);
    const report::ReportData& d = c.figures();
    std::string o = "<p>This period " + esc(format_day(d.params.from)) + " to " +
                    esc(format_day(d.params.to)) + " (" + esc(money(d.totals.total, d.currency)) +
                    ") against " + esc(format_day(d.prev_from)) + " to " +
                    esc(format_day(d.prev_to)) + " (" + esc(money(d.prev_total, d.currency)) +
                    "): " + esc(report::percent_change(d.totals.total, d.prev_total)) + ".</p>\n";
    o += second_period_form(v, d);
    o += figure(report::service_change_chart(d, c.site.metrics(), 1000));
    return o + changes_table(v, d, report::ChangeOf::services) +
           changes_table(v, d, report::ChangeOf::accounts);
}

}  // namespace curcrunch::serve
