// Accounts: the per-account bars and a table of every account with its change.
#include "curcrunch/report/pdf_report.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

std::string accounts_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/accounts", v);
    const report::ReportData& d = c.figures();
    std::string o = figure(report::account_bar_chart(d, c.site.metrics(), 1000));
    std::vector<Row> rows;
    for (const auto& k : visible(d.accounts, v.report)) {
        auto prev = d.prev_accounts.find(k.key);
        const Amount before = prev == d.prev_accounts.end() ? 0 : prev->second;
        auto name = d.account_names.find(k.key);
        rows.push_back({{"<a href=\"" +
                             esc("/accounts" +
                                 query_string(v, {{"account", k.key}}, {"sort", "dir", "page"})) +
                             "\">" + esc(k.key) + "</a>",
                         esc(name == d.account_names.end() ? "" : name->second),
                         esc(money(k.amount, d.currency)), esc(share(k.amount, d.totals.total)),
                         esc(report::percent_change(k.amount, before))},
                        {0, 0, k.amount, k.amount, k.amount - before}});
    }
    const std::vector<TableColumn> cols = {{"account", "Account"},
                                           {"name", "Name"},
                                           {"cost", "Cost", true},
                                           {"share", "Share", true},
                                           {"change", "vs previous", true}};
    sort_rows(rows, cols, v.sort.empty() ? "cost" : v.sort, v.sort.empty() || v.descending);
    return o + paged_table("Per-account breakdown", "/accounts", v, cols, rows);
}

}  // namespace curcrunch::serve
