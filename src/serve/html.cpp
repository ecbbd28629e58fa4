#include "curcrunch/serve/html.hpp"

#include "curcrunch/core/markup_text.hpp"
#include "curcrunch/core/value_list.hpp"
#include "curcrunch/store/query.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

std::string esc(const std::string& s) {
    return markup_escape(s);
}

std::string sortable_table(const std::string& caption, const std::string& path, const ViewParams& v,
                           const std::vector<TableColumn>& cols,
                           const std::vector<std::vector<std::string>>& rows,
                           const std::string& sorted_by, bool descending,
                           const std::vector<std::vector<std::string>>& footer) {
    std::string o = "<table>\n<caption>" + esc(caption) + "</caption>\n<thead><tr>";
    for (const auto& c : cols) {
        const bool active = c.key == sorted_by;
        const std::string dir = active && descending ? "asc" : "desc";
        o += "<th scope=\"col\"" + std::string(c.numeric ? " class=\"num\"" : "") +
             (active
                  ? std::string(" aria-sort=\"") + (descending ? "descending" : "ascending") + "\""
                  : "") +
             "><a href=\"" +
             esc(path + query_string(v, {{"sort", c.key}, {"dir", dir}}, {"page"})) + "\">" +
             esc(c.title) + (active ? (descending ? " \u25BC" : " \u25B2") : "") + "</a></th>";
    }
    o += "</tr></thead>\n<tbody>\n";
    for (const auto& r : rows) {
        o += "<tr>";
        for (size_t i = 0; i < cols.size() && i < r.size(); ++i)
            o += std::string(cols[i].numeric ? "<td class=\"num\">" : "<td>") + r[i] + "</td>";
        o += "</tr>\n";
    }
    if (rows.empty())
        o += "<tr><td colspan=\"" + std::to_string(cols.size()) + "\">No rows.</td></tr>\n";
    o += "</tbody>\n";
    if (!footer.empty()) {
        o += "<tfoot>\n";
        for (const auto& r : footer) {
            o += "<tr>";
            for (size_t i = 0; i < cols.size() && i < r.size(); ++i)
                o += std::string(cols[i].numeric ? "<td class=\"num\">" : "<td>") + r[i] + "</td>";
            o += "</tr>\n";
        }
        o += "</tfoot>\n";
    }
    return o + "</table>\n";
}

namespace {

std::string option(const std::string& value, const std::string& label, bool selected) {
    return "<option value=\"" + esc(value) + "\"" + (selected ? " selected" : "") + ">" +
           esc(label) + "</option>";
}

// A text box with the store's values as its suggestions (<datalist>: searchable as one types,
// plain text without script or support). Several values: separated by commas. The box holds a
// list as the URL does (core/value_list.hpp), so the chosen values and the suggestions are
// written escaped: a suggestion "Smith, J" picked and sent must filter by itself, not by
// "Smith" and " J". The label shows the value as it is.
std::string picker(const std::string& title, const std::string& name,
                   const std::vector<std::string>& chosen, const std::vector<PickOption>& options,
                   int size) {
    const std::string list = "pick-" + name;
    std::string o = "<label>" + esc(title) + " <input name=\"" + name + "\" value=\"" +
                    esc(join_value_list(chosen)) + "\" placeholder=\"all\" size=\"" +
                    std::to_string(size) + "\" autocomplete=\"off\"" +
                    (options.empty() ? "" : " list=\"" + list + "\"") + "></label>";
    if (!options.empty()) {
        o += "<datalist id=\"" + list + "\">";
        for (const PickOption& c : options) {
            const std::string value = escape_list_value(c.value);
            o += "<option value=\"" + esc(value) + "\"" +
                 (c.label != value ? " label=\"" + esc(c.label) + "\">" + esc(c.label)
                                   : std::string(">")) +
                 "</option>";
        }
        o += "</datalist>";
    }
    return o + "\n";
}

std::string filter_form(const PageFrame& f) {
    const ViewParams& v = *f.view;
    const report::ReportParams& p = v.report;
    std::string o = "<form class=\"filters\" method=\"get\" action=\"" + esc(f.path) + "\">\n";
    o += "<fieldset><legend>Period</legend><label class=\"inline\"><input type=\"radio\" "
         "name=\"range\" value=\"preset\"" +
         std::string(v.explicit_dates ? "" : " checked") +
         "> Preset</label> <select name=\"preset\" "
         "aria-label=\"Preset\">";
    for (const auto& [k, l] :
         std::vector<std::pair<std::string, std::string>>{{"last-7-days", "Last 7 days"},
                                                          {"last-30-days", "Last 30 days"},
                                                          {"month-to-date", "Month to date"},
                                                          {"last-12-months", "Last 12 months"},
                                                          {"year", "This year"},
                                                          {"last-year", "Last year"}})
        o += option(k, l, v.explicit_dates ? k == "last-12-months" : p.preset == k);
    o += "</select> <label class=\"inline\"><input type=\"radio\" name=\"range\" "
         "value=\"dates\"" +
         std::string(v.explicit_dates ? " checked" : "") +
         "> Dates</label> <input type=\"date\" name=\"from\" aria-label=\"From\" value=\"" +
         format_day(p.from) + "\"> to <input type=\"date\" name=\"to\" aria-label=\"To\" value=\"" +
         format_day(p.to) + "\"></fieldset>\n";
    o += "<label>Granularity <select name=\"granularity\">";
    for (const char* g : {"day", "week", "month", "year"})
        o += option(g, g, store::grain_name(p.granularity) == std::string(g));
    o += "</select></label>\n";
    const PickLists none;
    const PickLists& picks = f.picks ? *f.picks : none;
    o += picker("Accounts", "account", p.accounts, picks.accounts, 14);
    o += picker("Services", "service", p.services, picks.services, 14);
    o += picker("Regions", "region", p.regions, picks.regions, 10);
    o += picker("Payers", "payer", p.payers, picks.payers, 14);
    o += "<label>Hide under <input name=\"min_cost\" inputmode=\"decimal\" size=\"6\" value=\"" +
         (p.min_cost ? esc(to_plain_string(*p.min_cost)) : std::string()) + "\"></label>\n";
    if (v.explicit_as_of || p.as_of != v.default_as_of)
        o += "<input type=\"hidden\" name=\"as_of\" value=\"" + format_day(p.as_of) + "\">\n";
    // What the form does not show, kept as it is: the measure (its toggle is below the title)
    // and the grouping of the pages that group.
    auto hidden = [&](const std::string& name, const std::string& value) {
        o += "<input type=\"hidden\" name=\"" + name + "\" value=\"" + esc(value) + "\">\n";
    };
    if (p.measure != store::Measure::unblended) hidden("measure", store::measure_name(p.measure));
    if (!v.by.empty()) hidden("by", v.by);
    if (v.months) hidden("months", std::to_string(v.months));
    for (const auto& t : v.values)
        hidden("value", escape_list_value(t.empty() ? "untagged" : t));
    return o + "<button type=\"submit\">Apply</button>\n</form>\n";
}

// What the amounts of the page are, and links to the same view in every other measure.
std::string measure_toggle(const PageFrame& f) {
    const store::Measure m = f.view->report.measure;
    std::string o =
        "<nav class=\"toggle\" aria-label=\"Measure\"><span class=\"label\">Measure:</span>";
    for (const MeasureChoice& c : measure_choices())
        o += c.measure == m ? "<span aria-current=\"true\">" + esc(c.label) + "</span>"
                            : "<a href=\"" +
                                  esc(f.path + query_string(*f.view, {{"measure", c.name}},
                                                            {"measure", "page"})) +
                                  "\">" + esc(c.label) + "</a>";
    o += "</nav>\n<p class=\"measure\">Amounts on this page: <strong>" + esc(measure_label(m)) +
         "</strong>" +
         (m == store::Measure::usage
              ? " (usage amounts added up across units unless the view is narrowed to one usage "
                "type; shown without a currency)"
              : "") +
         ".</p>\n";
    return o;
}

}  // namespace

std::string page(const PageFrame& f, const std::string& body) {
    std::string o =
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
        esc(f.title) +
        " · curcrunch</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
        "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<header>\n"
        "<a class=\"brand\" href=\"/\">curcrunch</a>\n<nav aria-label=\"Views\">";
    const std::string q = f.view ? query_string(*f.view, {}, {"sort", "dir", "page"}) : "";
    for (const PageSpec& p : dashboard_pages())
        o += "<a href=\"" + esc(p.path + q) + "\"" +
             (p.path == f.path ? " aria-current=\"page\"" : "") + ">" + esc(p.nav_label) + "</a>";
    o += "</nav>\n";
    if (!f.signout_token.empty())
        o += "<form class=\"signout\" method=\"post\" action=\"/logout\"><input "
             "type=\"hidden\" name=\"csrf\" value=\"" +
             esc(f.signout_token) + "\"><button type=\"submit\">Sign out</button></form>\n";
    o += "</header>\n<main>\n";
    if (f.view) o += filter_form(f);
    if (!f.crumbs.empty()) {
        o += "<nav class=\"crumbs\" aria-label=\"Breadcrumbs\">";
        for (size_t i = 0; i < f.crumbs.size(); ++i) {
            if (i) o += " \u203A ";
            o += f.crumbs[i].href.empty() ? "<span>" + esc(f.crumbs[i].label) + "</span>"
                                          : "<a href=\"" + esc(f.crumbs[i].href) + "\">" +
                                                esc(f.crumbs[i].label) + "</a>";
        }
        o += "</nav>\n";
    }
    o += "<h1>" + esc(f.title) + "</h1>\n";
    if (f.view && f.path != "/archive")
        o += "<p class=\"actions\"><a class=\"download\" href=\"" +
             esc("/report.pdf" +
                 query_string(*f.view,
                              f.report_by.empty()
                                  ? std::map<std::string, std::string>{}
                                  : std::map<std::string, std::string>{{"by", f.report_by}},
                              {"sort", "dir", "page", "by", "months", "value"})) +
             "\" download>Download PDF report of this view</a></p>\n";
    if (f.view && f.path != "/archive" && f.path != "/billing") o += measure_toggle(f);
    if (!f.error.empty()) o += "<p class=\"error\" role=\"alert\">" + esc(f.error) + "</p>\n";
    o += f.error_links;
    return o + body + "</main>\n</body>\n</html>\n";
}

}  // namespace curcrunch::serve
