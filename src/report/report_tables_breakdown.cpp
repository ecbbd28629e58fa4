// The breakdown tables: changes against the comparison period, accounts, line items, the
// month x service table and the charge-type breakdown. Each ends with its total row, and the
// rows a threshold or a limit leaves out are summed, never dropped (tie_out.hpp).
#include <algorithm>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/comparison_text.hpp"
#include "table_builders.hpp"

namespace curcrunch::report::tables {

ReportTable changes(const ReportData& d, const TableParams& p) {
    auto of = p.find("of");
    const bool accounts = of != p.end() && of->second == "accounts";
    if (of == p.end() || (!accounts && of->second != "services"))
        throw_input("table changes: parameter 'of' must be services or accounts");
    ReportTable t;
    t.columns = {{"label", accounts ? "Account" : "Service", CellKind::text, 185, Scope::none},
                 {"previous", "Previous", CellKind::money, 85, Scope::previous},
                 {"current", "This period", CellKind::money, 85, Scope::period},
                 {"change", "Change", CellKind::money, 85, Scope::period_and_previous},
                 {"change_pct", "Change %", CellKind::percent, 75, Scope::period_and_previous}};
    std::vector<TableRow> rows;
    CutSpec s;
    for (const Change& ch : period_changes(d, accounts ? ChangeOf::accounts : ChangeOf::services)) {
        rows.push_back(
            row(ch.key, {ch.label, money(ch.previous), money(ch.current), money(ch.delta()),
                         row_change(d.vs_previous, ch.current, ch.previous)}));
        s.passes.push_back(at_or_above(d.params.min_cost, ch.current) ||
                           at_or_above(d.params.min_cost, ch.previous));
    }
    s.limit = limit_param(p, 25);
    // A comparison period without data has no amounts: "" (the change column says "no data"),
    // never $0.
    const bool no_base = d.vs_previous.previous.none();
    s.finish = [&](TableRow& r) {
        r.cells[4] = r.key == kTotalRowKey
                         ? d.vs_previous.verdict()
                         : row_change(d.vs_previous, amount_at(r, 2), amount_at(r, 1));
        if (no_base) r.cells[1] = r.cells[3] = "";
    };
    if (no_base)
        for (auto& r : rows)
            r.cells[1] = r.cells[3] = "";
    append_cut(t, d, std::move(rows), s);
    return t;
}

ReportTable accounts(const ReportData& d, const TableParams& p) {
    ReportTable t;
    t.columns = {{"account", "Account", CellKind::text, 95, Scope::none},
                 {"name", "Name", CellKind::text, 180, Scope::none},
                 {"cost", "Cost", CellKind::money, 95, Scope::period},
                 {"share", "Share", CellKind::percent, 70, Scope::period},
                 {"vs_previous", "vs previous", CellKind::percent, 75, Scope::period_and_previous}};
    std::vector<TableRow> rows;
    for (const auto& a : d.accounts) {
        auto it = d.prev_accounts.find(a.key);
        const Amount prev = it == d.prev_accounts.end() ? 0 : it->second;
        auto name = d.account_names.find(a.key);
        rows.push_back(row(
            a.key, {a.key, name == d.account_names.end() ? "" : name->second, money(a.amount),
                    share(a.amount, d.totals.total), row_change(d.vs_previous, a.amount, prev)}));
    }
    CutSpec s;
    s.limit = limit_param(p, 0);
    s.finish = [&](TableRow& r) {
        r.cells[3] = share(amount_at(r, 2), d.totals.total);
        if (r.key == kTotalRowKey) r.cells[4] = d.vs_previous.verdict();
    };
    append_cut(t, d, std::move(rows), s);
    return t;
}

// The per-account page since accounts have OU paths: each account as "Name (id)" with the OU
// it sits in. Reports written before it hold "accounts" (id and name apart), which stays
// registered so audit rebuilds them exactly as they were printed.
ReportTable account_breakdown(const ReportData& d, const TableParams& p) {
    ReportTable t;
    t.columns = {{"account", "Account", CellKind::text, 200, Scope::none},
                 {"ou_path", "Organizational unit", CellKind::text, 125, Scope::none},
                 {"cost", "Cost", CellKind::money, 80, Scope::period},
                 {"share", "Share", CellKind::percent, 50, Scope::period},
                 {"vs_previous", "vs previous", CellKind::percent, 60, Scope::period_and_previous}};
    std::vector<TableRow> rows;
    for (const auto& a : d.accounts) {
        auto it = d.prev_accounts.find(a.key);
        const Amount prev = it == d.prev_accounts.end() ? 0 : it->second;
        auto ou = d.account_ou_paths.find(a.key);
        rows.push_back(
            row(a.key, {d.account_label(a.key), ou == d.account_ou_paths.end() ? "" : ou->second,
                        money(a.amount), share(a.amount, d.totals.total),
                        row_change(d.vs_previous, a.amount, prev)}));
    }
    CutSpec s;
    s.limit = limit_param(p, 0);
    s.finish = [&](TableRow& r) {
        r.cells[3] = share(amount_at(r, 2), d.totals.total);
        if (r.key == kTotalRowKey) r.cells[4] = d.vs_previous.verdict();
    };
    append_cut(t, d, std::move(rows), s);
    return t;
}

ReportTable line_items(const ReportData& d, const TableParams& p) {
    ReportTable t;
    t.columns = {{"service", "Service", CellKind::text, 78, Scope::none},
                 {"usage_type", "Usage type", CellKind::text, 88, Scope::none},
                 {"description", "Description", CellKind::text, 124, Scope::none},
                 {"quantity", "Quantity", CellKind::quantity, 62, Scope::period},
                 {"unit", "Unit", CellKind::text, 42, Scope::none},
                 {"rate", "Rate", CellKind::rate, 58, Scope::period},
                 {"cost", "Cost", CellKind::money, 63, Scope::period}};
    // "rank": "magnitude" (reports since credits were ranked) ranks the groups by the size of
    // their cost, so a -$7,687 Savings Plan negation is listed rather than summed in "Other";
    // without it (older reports, which audit rebuilds as printed), by signed cost.
    auto rank = p.find("rank");
    const bool by_magnitude = rank != p.end() && rank->second == "magnitude";
    if (rank != p.end() && !by_magnitude)
        throw_input("table line_items: parameter 'rank' must be magnitude");
    std::vector<const LineItem*> ranked;
    for (const auto& li : d.line_items.rows)
        ranked.push_back(&li);
    if (by_magnitude)
        std::stable_sort(ranked.begin(), ranked.end(), [](const LineItem* a, const LineItem* b) {
            return (a->cost < 0 ? -a->cost : a->cost) > (b->cost < 0 ? -b->cost : b->cost);
        });
    std::vector<TableRow> rows;
    for (const LineItem* item : ranked) {
        const LineItem& li = *item;
        // The key names the group; U+001F cannot occur in a dimension value the row decoder
        // accepts (control characters), so the parts stay apart.
        const std::string key =
            li.service + '\x1f' + li.usage_type + '\x1f' + li.description + '\x1f' + li.unit;
        rows.push_back(row(key, {li.service, li.usage_type, li.description, money(li.quantity),
                                 li.unit, li.rate ? money(*li.rate) : "", money(li.cost)}));
    }
    CutSpec s;
    s.limit = limit_param(p, d.params.line_items);
    s.label_column = 2;
    append_cut(t, d, std::move(rows), s);
    return t;
}

// Services by month: a block of months of the period as columns, the top services as rows,
// every column adding up to its month's total.
ReportTable month_service(const ReportData& d, const TableParams& p) {
    const std::vector<std::string> months = months_param(p, "month_service");
    ReportTable t;
    t.columns = {{"service", "Service", CellKind::text, 515 - 72.0 * 4, Scope::none}};
    for (const auto& m : months) {
        const Period period = *parse_period(m);
        const bool part = first_day(period) < d.params.from || last_day(period) > d.params.to;
        const std::string mark = d.months_without_data.count(m) ? " (no data)"
                                 : part && d.params.to          ? " (part)"
                                                                : "";
        t.columns.push_back({m, m + mark, CellKind::money, 72, Scope::column_month});
    }
    // A month without data has no amounts: blank cells (its heading says "no data"), never $0.
    std::vector<bool> no_data;
    for (const auto& m : months)
        no_data.push_back(d.months_without_data.count(m) > 0);
    std::vector<TableRow> rows;
    CutSpec s;
    for (const auto& svc : d.services) {
        TableRow r = row(svc.key, {svc.label});
        for (size_t i = 0; i < months.size(); ++i) {
            Amount a = 0;
            if (auto mo = d.service_months.find(months[i]); mo != d.service_months.end())
                if (auto it = mo->second.find(svc.key); it != mo->second.end()) a = it->second;
            r.cells.push_back(no_data[i] ? "" : money(a));
        }
        rows.push_back(std::move(r));
        s.passes.push_back(at_or_above(d.params.min_cost, svc.amount));
    }
    s.finish = [&](TableRow& r) {
        for (size_t i = 0; i < months.size(); ++i)
            if (no_data[i]) r.cells[i + 1] = "";
    };
    s.limit = limit_param(p, 10);
    append_cut(t, d, std::move(rows), s);
    return t;
}

// The period's cost by kind of charge, every class shown (charge_type.hpp).
ReportTable charge_types(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"charge", "Charge type", CellKind::text, 300, Scope::none},
                 {"cost", "Cost", CellKind::money, 110, Scope::period},
                 {"share", "Share", CellKind::percent, 80, Scope::period}};
    std::vector<TableRow> rows;
    for (const auto& c : d.charge_types)
        rows.push_back(row(c.key, {c.label, money(c.amount), share(c.amount, d.totals.total)}));
    CutSpec s;
    s.finish = [&](TableRow& r) { r.cells[2] = share(amount_at(r, 1), d.totals.total); };
    append_cut(t, d, std::move(rows), s);
    return t;
}

}  // namespace curcrunch::report::tables
