// Accounts: the per-account bars, then either one row per account (named with its id, its OU
// path, status, joined date, payer, cost, share and change) or, with group=ou, one row per
// organizational unit (its accounts and their cost), each OU linking to its accounts, or with
// group=payer one row per payer. The tables tie out: the rows under the threshold are summed in
// the footer, with the total.
#include <algorithm>
#include <map>
#include <set>

#include "curcrunch/report/comparison_text.hpp"
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/report/tie_out.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

namespace {

// An OU's accounts as one account filter; past this many the link would be unwieldy.
constexpr size_t kMaxOuLinkAccounts = 60;

std::string link(const std::string& href, const std::string& text) {
    return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
}

// Rows whose first cell is a link: sorted like sort_rows, but that column by its text.
struct LabelledRow {
    std::string label;
    Row row;
};

std::vector<Row> sorted(std::vector<LabelledRow> rows, const std::vector<TableColumn>& cols,
                        const std::string& key, bool descending) {
    if (key == cols.front().key) {
        std::stable_sort(rows.begin(), rows.end(), [&](const LabelledRow& a, const LabelledRow& b) {
            return descending ? a.label > b.label : a.label < b.label;
        });
    }
    std::vector<Row> out;
    out.reserve(rows.size());
    for (auto& r : rows)
        out.push_back(std::move(r.row));
    if (key != cols.front().key) sort_rows(out, cols, key, descending);
    return out;
}

// "Rows: Accounts · Organizational units · Payers", plain links keeping every other filter.
std::string group_switch(const ViewParams& v) {
    const bool ou = v.group == "ou", payer = v.group == "payer";
    auto choice = [&](const char* value, const char* text, bool current) {
        return current ? "<span aria-current=\"true\">" + std::string(text) + "</span>"
                       : link("/accounts" +
                                  query_string(v, {{"group", value}}, {"sort", "dir", "page"}),
                              text);
    };
    return "<p class=\"group-by\">Rows: " + choice("account", "Accounts", !ou && !payer) +
           " \u00B7 " + choice("ou", "Organizational units", ou) + " \u00B7 " +
           choice("payer", "Payers", payer) + "</p>\n";
}

// Accounts with cost in the view, and (when nothing narrows the view) the accounts
// Organizations listed that had none.
std::vector<report::KeyAmount> account_rows(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    const report::ReportParams& p = c.view.report;
    std::vector<report::KeyAmount> rows = visible(d.accounts, p);
    if (!p.accounts.empty() || !p.services.empty() || !p.regions.empty() || p.min_cost) return rows;
    std::set<std::string> seen;
    for (const auto& k : d.accounts)
        seen.insert(k.key);
    for (const store::AccountInfo* a : c.accounts().listed())
        if (!seen.count(a->id)) rows.push_back({a->id, a->id, 0});
    return rows;
}

std::string accounts_table(const ViewContext& c) {
    const ViewParams& v = c.view;
    const report::ReportData& d = c.figures();
    const store::AccountDirectory& dir = c.accounts();
    std::vector<LabelledRow> rows;
    for (const auto& k : account_rows(c)) {
        auto prev = d.prev_accounts.find(k.key);
        const Amount before = prev == d.prev_accounts.end() ? 0 : prev->second;
        const store::AccountInfo* a = dir.find(k.key);
        const std::string joined = a ? a->joined_at.substr(0, 10) : "";
        rows.push_back(
            {dir.label(k.key),
             {{link("/accounts" + query_string(v, {{"account", k.key}}, {"sort", "dir", "page"}),
                    dir.label(k.key)),
               esc(a ? a->ou_path : ""), esc(a ? a->state : ""), esc(joined),
               esc(dir.payer_label(k.key)), esc(money(k.amount, d.currency)),
               esc(share(k.amount, d.totals.total)),
               esc(report::row_change(d.vs_previous, k.amount, before))},
              {0, 0, 0, 0, 0, k.amount, k.amount, k.amount - before}}});
    }
    const std::vector<TableColumn> cols = {
        {"account", "Account"},   {"ou", "Organizational unit"},
        {"status", "Status"},     {"joined", "Joined"},
        {"payer", "Payer"},       {"cost", "Cost", true},
        {"share", "Share", true}, {"change", "vs previous", true}};
    // The footer: what the threshold hid, and the total of every account.
    std::vector<std::vector<std::string>> footer;
    size_t n = 0;
    Amount below = 0;
    for (const auto& k : d.accounts)
        if (!report::at_or_above(v.report.min_cost, k.amount)) ++n, below += k.amount;
    if (n > 0)
        footer.push_back({esc(report::below_label(n)), "", "", "", "",
                          esc(money(below, d.currency)), esc(share(below, d.totals.total)), ""});
    footer.push_back({"<strong>Total</strong>", "", "", "", "",
                      "<strong>" + esc(money(d.totals.total, d.currency)) + "</strong>",
                      "<strong>100.0%</strong>",
                      "<strong>" + esc(d.vs_previous.verdict()) + "</strong>"});
    return paged_table("Per-account breakdown", "/accounts", v, cols,
                       sorted(std::move(rows), cols, v.sort.empty() ? "cost" : v.sort,
                              v.sort.empty() || v.descending),
                       footer);
}

std::string ous_table(const ViewContext& c) {
    const ViewParams& v = c.view;
    const report::ReportData& d = c.figures();
    std::vector<LabelledRow> rows;
    for (const store::OuGroup& g : ou_groups(c)) {
        // The unit's accounts as the view's account filter (a `set` value is one value, so
        // the list goes in the view: query_pairs writes each account as a parameter).
        ViewParams unit = v;
        unit.report.accounts = g.account_ids;
        const std::string name = g.account_ids.size() <= kMaxOuLinkAccounts
                                     ? link("/accounts" + query_string(unit, {{"group", "account"}},
                                                                       {"sort", "dir", "page"}),
                                            g.ou_path)
                                     : esc(g.ou_path);
        const Amount n = static_cast<Amount>(g.account_ids.size()) * kUnit;
        rows.push_back({g.ou_path,
                        {{name, esc(g.ou_id), std::to_string(g.account_ids.size()),
                          esc(money(g.cost, d.currency)), esc(share(g.cost, d.totals.total))},
                         {0, 0, n, g.cost, g.cost}}});
    }
    const std::vector<TableColumn> cols = {{"ou", "Organizational unit"},
                                           {"ou_id", "OU id"},
                                           {"accounts", "Accounts", true},
                                           {"cost", "Cost", true},
                                           {"share", "Share", true}};
    // The OUs under the threshold summed, and the total (an account sits in one OU).
    std::vector<std::vector<std::string>> footer;
    size_t n = 0;
    Amount shown = 0;
    for (const store::OuGroup& g : ou_groups(c))
        shown += g.cost;
    for (const store::OuGroup& g : c.accounts().by_ou([&] {
             std::map<std::string, Amount> costs;
             for (const auto& k : d.accounts)
                 costs[k.key] += k.amount;
             return costs;
         }()))
        n += report::at_or_above(v.report.min_cost, g.cost) ? 0 : 1;
    if (n > 0)
        footer.push_back({esc(report::below_label(n)), "", "",
                          esc(money(d.totals.total - shown, d.currency)),
                          esc(share(d.totals.total - shown, d.totals.total))});
    footer.push_back({"<strong>Total</strong>", "", "",
                      "<strong>" + esc(money(d.totals.total, d.currency)) + "</strong>",
                      "<strong>100.0%</strong>"});
    // Unsorted, the rows keep the tree's order (every OU right after its parent).
    return paged_table("By organizational unit", "/accounts", v, cols,
                       sorted(std::move(rows), cols, v.sort, v.descending), footer);
}

// One row per payer: its accounts with cost in the view and their cost, each payer linking to
// the view narrowed to it. Accounts whose payer is not known form a row of their own.
std::string payers_table(const ViewContext& c) {
    const ViewParams& v = c.view;
    const report::ReportData& d = c.figures();
    const store::AccountDirectory& dir = c.accounts();
    std::map<std::string, std::pair<size_t, Amount>> by_payer;
    for (const auto& k : d.accounts) {
        const store::AccountInfo* a = dir.find(k.key);
        auto& [n, cost] = by_payer[a ? a->payer : ""];
        ++n;
        cost += k.amount;
    }
    std::vector<LabelledRow> rows;
    Amount below = 0;
    size_t hidden = 0;
    for (const auto& [id, nc] : by_payer) {
        const auto& [n, cost] = nc;
        if (!report::at_or_above(v.report.min_cost, cost)) {
            below += cost;
            ++hidden;
            continue;
        }
        const std::string label = id.empty() ? "(payer not known)" : dir.label(id);
        const std::string name =
            id.empty() ? esc(label)
                       : link("/accounts" + query_string(v, {{"payer", id}, {"group", "account"}},
                                                         {"sort", "dir", "page"}),
                              label);
        rows.push_back({label,
                        {{name, std::to_string(n), esc(money(cost, d.currency)),
                          esc(share(cost, d.totals.total))},
                         {0, static_cast<Amount>(n) * kUnit, cost, cost}}});
    }
    const std::vector<TableColumn> cols = {{"payer", "Payer"},
                                           {"accounts", "Accounts", true},
                                           {"cost", "Cost", true},
                                           {"share", "Share", true}};
    std::vector<std::vector<std::string>> footer;
    if (hidden > 0)
        footer.push_back({esc(report::below_label(hidden)), "", esc(money(below, d.currency)),
                          esc(share(below, d.totals.total))});
    footer.push_back({"<strong>Total</strong>", "",
                      "<strong>" + esc(money(d.totals.total, d.currency)) + "</strong>",
                      "<strong>100.0%</strong>"});
    return paged_table("By payer", "/accounts", v, cols,
                       sorted(std::move(rows), cols, v.sort.empty() ? "cost" : v.sort,
                              v.sort.empty() || v.descending),
                       footer);
}

}  // namespace

std::string accounts_page(const ViewContext& c, PageFrame& f) {
    f.crumbs = crumbs("/accounts", c);
    std::string o = figure(
        c, [&](double w) { return report::account_bar_chart(c.figures(), c.site.metrics(), w); },
        1000);
    o += group_switch(c.view);
    return o + (c.view.group == "ou"      ? ous_table(c)
                : c.view.group == "payer" ? payers_table(c)
                                          : accounts_table(c));
}

}  // namespace curcrunch::serve
