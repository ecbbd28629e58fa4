// The tables of a "Cost by" page (ReportData::groupings): the period by value of a tag key or
// cost category, and by month and value. Untagged (key "") comes first and is never cut into
// "Other": how much of the cost carries no value is what the page is read for.
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/query_tags.hpp"
#include "table_builders.hpp"

namespace curcrunch::report::tables {
namespace {

// The "by" parameter ("tag:team", "category:cost_center") and the report's figures of it; none
// when the data has no such grouping (a table read back from JSON has its columns first).
struct ByParam {
    store::Dimension by = store::Dimension::tag;
    const GroupedCost* cost = nullptr;
};
ByParam grouping_param(const ReportData& d, const TableParams& p, const char* table) {
    auto it = p.find("by");
    const auto g = it == p.end() ? std::nullopt : store::parse_grouping(it->second);
    if (!g || g->key.empty() ||
        (g->by != store::Dimension::tag && g->by != store::Dimension::category))
        throw_input(std::string("table ") + table +
                    ": parameter 'by' must be tag:KEY or category:KEY");
    auto c = d.groupings.find(it->second);
    return {g->by, c == d.groupings.end() ? nullptr : &c->second};
}

// Untagged first, then the values as ranked (largest first).
std::vector<const KeyAmount*> value_order(const GroupedCost& c) {
    std::vector<const KeyAmount*> out;
    for (const KeyAmount& k : c.values)
        if (k.key.empty()) out.push_back(&k);
    for (const KeyAmount& k : c.values)
        if (!k.key.empty()) out.push_back(&k);
    return out;
}

}  // namespace

std::string value_row_key(const std::string& value) {
    // A tag value may be any text, "total" or "other" too: prefixed, it never takes the key of
    // a row a cut adds.
    return value.empty() ? "untagged" : "value:" + value;
}

ReportTable by_value(const ReportData& d, const TableParams& p) {
    const ByParam by = grouping_param(d, p, "by_value");
    ReportTable t;
    t.columns = {
        {"value", by.by == store::Dimension::category ? "Cost category value" : "Tag value",
         CellKind::text, 330, Scope::none},
        {"cost", "Cost", CellKind::money, 110, Scope::period},
        {"share", "Share", CellKind::percent, 75, Scope::period}};
    if (!by.cost) return t;
    std::vector<TableRow> rows;
    CutSpec s;
    for (const KeyAmount* k : value_order(*by.cost)) {
        rows.push_back(row(value_row_key(k->key),
                           {k->label, money(k->amount), share(k->amount, d.totals.total)}));
        s.passes.push_back(k->key.empty() || at_or_above(d.params.min_cost, k->amount));
    }
    s.limit = limit_param(p, 25);
    s.finish = [&](TableRow& r) { r.cells[2] = share(amount_at(r, 1), d.totals.total); };
    append_cut(t, d, std::move(rows), s);
    return t;
}

// Values by month: the columns the months asked for, the rows ranked as by_value's, every
// column adding up to its month's total (untagged included).
ReportTable value_months(const ReportData& d, const TableParams& p) {
    const ByParam by = grouping_param(d, p, "value_months");
    const std::vector<std::string> months = months_param(p, "value_months");
    ReportTable t;
    t.columns = {{"value", "Value", CellKind::text, 515 - 72.0 * 4, Scope::none}};
    for (const auto& m : months) {
        const Period period = *parse_period(m);
        const bool part = first_day(period) < d.params.from || last_day(period) > d.params.to;
        t.columns.push_back(
            {m, m + (part ? " (part)" : ""), CellKind::money, 72, Scope::column_month});
    }
    if (!by.cost) return t;
    const GroupedCost& c = *by.cost;
    std::vector<TableRow> rows;
    CutSpec s;
    for (const KeyAmount* k : value_order(c)) {
        TableRow r = row(value_row_key(k->key), {k->label});
        for (const auto& m : months) {
            Amount a = 0;
            if (auto mo = c.months.find(m); mo != c.months.end())
                if (auto it = mo->second.find(k->key); it != mo->second.end()) a = it->second;
            r.cells.push_back(money(a));
        }
        rows.push_back(std::move(r));
        s.passes.push_back(k->key.empty() || at_or_above(d.params.min_cost, k->amount));
    }
    s.limit = limit_param(p, 10);
    append_cut(t, d, std::move(rows), s);
    return t;
}

}  // namespace curcrunch::report::tables
