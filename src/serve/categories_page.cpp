// Categories: the view's cost by the values of a tag key or a cost category (picked from those
// the store holds): the values stacked month by month, the share no value covers ("untagged"),
// every value's cost and share, and month over month per value. The value picker narrows the
// page to some values; the totals stay those of every value.
#include <algorithm>
#include <map>
#include <set>

#include "categories.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/value_list.hpp"
#include "curcrunch/store/query_tags.hpp"
#include "grouping.hpp"
#include "mom_table.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "stacked_bars.hpp"

namespace curcrunch::serve {

CategoryFigures category_figures(const ViewContext& c) {
    CategoryFigures f;
    const auto picks = c.site.picks(c.db, c.cube);
    if (picks->tag_keys.empty()) return f;
    // Without a choice: the organisation's own grouping, a cost category, first; else a tag
    // people set (AWS's own tags, aws:createdBy and the like, last).
    std::string first = picks->tag_keys.front().value;
    for (const PickOption& k : picks->tag_keys)
        if (k.value.rfind("category:", 0) == 0) {
            first = k.value;
            break;
        }
    if (first.rfind("tag:aws_", 0) == 0)
        for (const PickOption& k : picks->tag_keys)
            if (k.value.rfind("tag:aws_", 0) != 0) {
                first = k.value;
                break;
            }
    f.grouping = grouping_of(c.view, first);
    if (!f.grouping.tagged())
        throw_usage(
            "by: the Categories page shows a tag key or cost category (tag:KEY or "
            "category:KEY), got '" +
            c.view.by + "'");
    f.rows = rows_by_month(c, f.grouping);
    const store::Measure m = c.view.report.measure;
    std::map<std::string, CategoryValue> by_key;
    std::set<std::string> months;
    // No sum below can overflow: a month's rows (the values and untagged) add up to that
    // month's total of the view, and the months to the view's total, both of which run_query
    // summed with its overflow checks; a value's sum is a part of the same rows.
    for (const store::ResultRow& r : *f.rows) {
        CategoryValue& v = by_key[r.key];
        v.key = r.key;
        v.label = r.key.empty() ? store::kUntaggedLabel : r.label.empty() ? r.key : r.label;
        v.amount += r.measure(m);
        v.by_month[r.bucket] += r.measure(m);
        f.total += r.measure(m);
        months.insert(r.bucket);
    }
    f.months.assign(months.begin(), months.end());
    for (auto& [key, v] : by_key) {
        if (key.empty()) f.untagged = v.amount;
        f.values.push_back(std::move(v));
    }
    // Largest first, whatever the sign; ties by key, so the order is stable.
    std::stable_sort(f.values.begin(), f.values.end(), [](const auto& a, const auto& b) {
        const Amount x = a.amount < 0 ? -a.amount : a.amount,
                     y = b.amount < 0 ? -b.amount : b.amount;
        return x > y;
    });
    return f;
}

bool value_shown(const ViewParams& v, const std::string& key) {
    return v.values.empty() || std::find(v.values.begin(), v.values.end(), key) != v.values.end();
}

namespace {

std::string value_picker(const ViewContext& c, const ViewGrouping& g) {
    const auto values = values_of(c, g);
    // A list as the URL's (core/value_list.hpp): values and suggestions escaped, so a value
    // holding a comma is picked and sent as itself.
    std::vector<std::string> chosen;
    for (const auto& v : c.view.values)
        chosen.push_back(v.empty() ? std::string("untagged") : v);
    std::string o = "<label>Values <input name=\"value\" value=\"" + esc(join_value_list(chosen)) +
                    "\" placeholder=\"all\" size=\"14\" autocomplete=\"off\" "
                    "list=\"pick-value\"></label><datalist id=\"pick-value\">";
    for (const auto& v : *values) {
        const std::string value = escape_list_value(v);
        o += "<option value=\"" + esc(value) + "\"" +
             (value != v ? " label=\"" + esc(v) + "\"" : std::string()) + "></option>";
    }
    return o + "<option value=\"untagged\"></option></datalist>";
}

Stack value_stack(const ViewContext& c, const CategoryFigures& f) {
    const ViewParams& v = c.view;
    Stack s;
    s.title = "By month, " + f.grouping.title + " stacked";
    s.currency = c.figures().currency;
    s.months = f.months;
    s.notes = month_notes(c, s.months);
    StackPart other{"Other values", "", std::vector<Amount>(s.months.size(), 0), true};
    bool any_other = false;
    for (const CategoryValue& val : f.values) {
        const bool apart =
            value_shown(v, val.key) && (val.key.empty() || s.parts.size() < kStackedSeries);
        StackPart part{
            val.label,
            "/categories" + query_string(v, {{"value", val.key.empty() ? "untagged" : val.key}},
                                         {"value", "page", "sort", "dir"}),
            {},
            false};
        for (const auto& m : s.months) {
            auto it = val.by_month.find(m);
            part.amounts.push_back(it == val.by_month.end() ? 0 : it->second);
        }
        if (apart) {
            s.parts.push_back(std::move(part));
        } else {
            for (size_t i = 0; i < s.months.size(); ++i)
                other.amounts[i] += part.amounts[i];
            any_other = true;
        }
    }
    if (any_other) s.parts.push_back(std::move(other));
    return s;
}

std::string values_table(const ViewContext& c, const CategoryFigures& f) {
    const ViewParams& v = c.view;
    const std::string& currency = c.figures().currency;
    const std::vector<TableColumn> cols = {{"value", "Value", false},
                                           {"cost", measure_label(v.report.measure), true},
                                           {"share", "Share", true}};
    std::vector<Row> rows;
    Amount hidden = 0;
    size_t hidden_n = 0;
    for (const CategoryValue& val : f.values) {
        if (!value_shown(v, val.key)) {
            hidden += val.amount;
            ++hidden_n;
            continue;
        }
        const std::string href =
            "/categories" + query_string(v, {{"value", val.key.empty() ? "untagged" : val.key}},
                                         {"value", "page", "sort", "dir"});
        rows.push_back({{"<a href=\"" + esc(href) + "\">" + esc(val.label) + "</a>",
                         esc(money(val.amount, currency)), esc(share(val.amount, f.total))},
                        {0, val.amount, val.amount}});
    }
    if (!v.sort.empty()) sort_rows(rows, cols, v.sort, v.descending);
    std::vector<std::vector<std::string>> footer;
    if (hidden_n)
        footer.push_back({esc("Other values (" + std::to_string(hidden_n) + ")"),
                          esc(money(hidden, currency)), esc(share(hidden, f.total))});
    footer.push_back({"<strong>Total</strong>",
                      "<strong>" + esc(money(f.total, currency)) + "</strong>",
                      "<strong>100%</strong>"});
    return paged_table("Cost by " + f.grouping.title, "/categories", v, cols, rows, footer);
}

}  // namespace

std::string categories_page(const ViewContext& c, PageFrame& fr) {
    fr.crumbs = crumbs("/categories", c);
    const CategoryFigures f = category_figures(c);
    if (f.grouping.name.empty())
        return "<p>The store holds no tags or cost categories: activate cost allocation tags or "
               "cost categories in the billing console, and the next CUR carries them.</p>\n";
    fr.report_by = f.grouping.name;
    const std::string& currency = c.figures().currency;
    std::string o = grouping_form(c, "/categories", f.grouping, false, value_picker(c, f.grouping));
    o += "<section class=\"kpis\" aria-label=\"Key figures\">";
    auto kpi = [&](const std::string& l, const std::string& val, const std::string& note) {
        o += "<div class=\"kpi\"><div class=\"label\">" + esc(l) + "</div><div class=\"value\">" +
             esc(val) + "</div><div class=\"note\">" + esc(note) + "</div></div>";
    };
    kpi("Total", money(f.total, currency),
        format_day(c.view.report.from) + " to " + format_day(c.view.report.to));
    kpi("Untagged", money(f.untagged, currency),
        (f.total ? share(f.untagged, f.total) + " of the total" : std::string("no cost")) +
            " carries no " + f.grouping.title);
    const auto values = std::count_if(f.values.begin(), f.values.end(),
                                      [](const CategoryValue& x) { return !x.key.empty(); });
    kpi("Values", std::to_string(values), "of " + f.grouping.title + " with cost in the period");
    o += "</section>\n";
    const Stack s = value_stack(c, f);
    o += figure(
        c, [&](double w) { return stack_chart(s, c.site.metrics(), w); }, 1000);
    o += values_table(c, f);
    const auto mom = month_over_month(c, f.grouping);
    store::MonthOverMonth shown = *mom;
    if (!c.view.values.empty())
        std::erase_if(shown.rows,
                      [&](const store::MomRow& r) { return !value_shown(c.view, r.key); });
    return o + mom_table(c, shown, f.grouping, "/categories",
                         "Month over month by " + f.grouping.title);
}

}  // namespace curcrunch::serve
