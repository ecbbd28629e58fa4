// Comparison with the previous period (or any second period): the change chart and a table of
// the changes by service and by account.
#include "curcrunch/report/comparison_text.hpp"
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/report/report_charts.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "table_view.hpp"

namespace curcrunch::serve {

namespace {

// The form choosing the second period; it keeps every other filter of the view (payer, region,
// measure, currency, grouping, as well as accounts and services), with the period resolved to
// its days so that the form's second period is compared with the one on screen.
std::string second_period_form(const ViewParams& v, const report::ReportData& d) {
    std::string o = "<form class=\"filters\" method=\"get\" action=\"/compare\">";
    const std::map<std::string, std::string> period = {{"from", format_day(v.report.from)},
                                                       {"to", format_day(v.report.to)}};
    for (const auto& [k, val] : query_pairs(v, period, {"vs_from", "vs_to", "page", "sort", "dir"}))
        o += "<input type=\"hidden\" name=\"" + esc(k) + "\" value=\"" + esc(val) + "\">";
    o += "<label>Compare with <input type=\"date\" name=\"vs_from\" value=\"" +
         format_day(d.prev_from) +
         "\"></label><label>to <input type=\"date\" "
         "name=\"vs_to\" value=\"" +
         format_day(d.prev_to) + "\"></label><button type=\"submit\">Compare</button></form>\n";
    return o;
}

std::string changes_table(const ViewContext& c, const report::ReportData& d, bool accounts) {
    TableView tv;
    tv.caption = accounts ? "By account" : "By service";
    tv.path = "/compare";
    return table_html(
        c,
        report::build_table(d, "changes",
                            {{"of", accounts ? "accounts" : "services"}, {"limit", "0"}}),
        tv, d.currency);
}

}  // namespace

std::string compare_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/compare", c);
    const report::ReportData& d = c.figures();
    std::string o = "<p>" + esc(report::comparison_sides(d.vs_previous, d.currency)) + ": " +
                    esc(d.vs_previous.verdict()) +
                    (d.vs_previous.like_for_like_cut
                         ? " (like for like: both periods through the last day with data)"
                         : "") +
                    ".</p>\n";
    o += second_period_form(v, d);
    // No bars against a period without data (each would be the whole current cost).
    if (const std::string note = report::change_chart_note(d); !note.empty())
        o += "<p class=\"note\">" + esc(note) + "</p>\n";
    else
        o += figure(
            c, [&](double w) { return report::service_change_chart(d, c.site.metrics(), w); },
            1000);
    return o + changes_table(c, d, false) + changes_table(c, d, true);
}

}  // namespace curcrunch::serve
