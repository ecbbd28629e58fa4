// The registry of every table (and figure-printing chart) a report or a dashboard view shows,
// by kind, and the builders of the summary figures, the ranked lists and the charts. The page
// code, the dashboard and audit all go through build_table(), so what a page printed is exactly
// what audit recomputes. To add a table: write a builder (table_builders.hpp), register it in
// kBuilders, and print it through TablePrinter (pdf_report.cpp) — it is then in the JSON and
// audited.
#include <algorithm>
#include <map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/comparison_text.hpp"
#include "table_builders.hpp"

namespace curcrunch::report {
namespace tables {

std::string share(Amount part, Amount total) {
    if (total == 0) return "n/a";
    return share_text(part, total);
}

size_t limit_param(const TableParams& p, size_t fallback) {
    auto it = p.find("limit");
    if (it == p.end()) return fallback;
    size_t n = 0;
    if (it->second.empty()) throw_input("table parameter limit: not a count");
    for (char c : it->second) {
        if (c < '0' || c > '9' || n > 100000000) throw_input("table parameter limit: not a count");
        n = n * 10 + static_cast<size_t>(c - '0');
    }
    return n;
}

std::vector<std::string> months_param(const TableParams& p, const char* table, size_t most) {
    auto it = p.find("months");
    if (it == p.end())
        throw_input(std::string("table ") + table + ": parameter 'months' is missing");
    std::vector<std::string> out;
    const std::string& v = it->second;
    for (size_t i = 0, j; i <= v.size(); i = j + 1) {
        j = v.find(',', i);
        if (j == std::string::npos) j = v.size();
        const std::string m = v.substr(i, j - i);
        if (m.size() != 7 || !parse_period(m) || out.size() >= most)
            throw_input(std::string("table ") + table + ": parameter 'months' must list up to " +
                        std::to_string(most) + " YYYY-MM");
        out.push_back(m);
    }
    return out;
}

TableRow row(std::string key, std::vector<std::string> cells) {
    TableRow r;
    r.key = std::move(key);
    r.cells = std::move(cells);
    return r;
}

TableRow scoped(std::string key, Scope s, std::vector<std::string> cells) {
    TableRow r = row(std::move(key), std::move(cells));
    r.has_scope = true;
    r.scope = s;
    return r;
}

Amount amount_at(const TableRow& r, size_t c) {
    Amount a = 0;
    if (c < r.cells.size() && !r.cells[c].empty()) parse_amount(r.cells[c], a);
    return a;
}

void append_cut(ReportTable& t, const ReportData& d, std::vector<TableRow> ranked,
                const CutSpec& s) {
    std::vector<size_t> money_cols;
    for (size_t c = 0; c < t.columns.size(); ++c)
        if (t.columns[c].kind == CellKind::money) money_cols.push_back(c);
    const std::vector<size_t>& gate =
        s.threshold_columns.empty() ? money_cols : s.threshold_columns;
    const TieOut cut = cut_rows(
        ranked.size(),
        [&](size_t i) {
            if (!s.passes.empty()) return static_cast<bool>(s.passes[i]);
            for (size_t c : gate)
                if (at_or_above(d.params.min_cost, amount_at(ranked[i], c))) return true;
            return false;
        },
        s.limit);
    auto summed = [&](const std::vector<size_t>& which, std::string key, const std::string& label) {
        TableRow r = row(std::move(key), std::vector<std::string>(t.columns.size()));
        r.cells[s.label_column] = label;
        for (size_t c : money_cols) {
            Amount sum = 0;
            for (size_t i : which)
                sum += amount_at(ranked[i], c);
            r.cells[c] = money(sum);
        }
        if (s.finish) s.finish(r);
        return r;
    };
    for (size_t i : cut.shown)
        t.rows.push_back(ranked[i]);
    if (!cut.other.empty())
        t.rows.push_back(
            summed(cut.other, std::string(kOtherRowKey), other_label(cut.other.size())));
    if (!cut.below.empty())
        t.rows.push_back(
            summed(cut.below, std::string(kBelowRowKey), below_label(cut.below.size())));
    if (s.total_row && !ranked.empty()) {
        std::vector<size_t> all(ranked.size());
        for (size_t i = 0; i < all.size(); ++i)
            all[i] = i;
        TableRow total = summed(all, std::string(kTotalRowKey), "Total");
        total.emphasis = true;
        t.rows.push_back(std::move(total));
    }
}

// The KPI boxes of the summary page. Each comparison states both sides' amounts (none for a
// side without data, never $0) and its verdict: a percentage only like for like.
ReportTable summary_figures(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"figure", "Figure", CellKind::text, 0, Scope::none},
                 {"amount", "Amount", CellKind::money, 0, Scope::period},
                 {"change", "Change", CellKind::percent, 0, Scope::period}};
    const Amount total = d.totals.total;
    t.rows.push_back(scoped("total_cost", Scope::period, {"Total cost", money(total), ""}));
    auto side = [](const store::WindowCoverage& w, Amount a) {
        return w.none() ? std::string() : money(a);
    };
    const store::Comparison& prev = d.vs_previous;
    t.rows.push_back(scoped("previous_total", Scope::previous,
                            {"Previous period", side(prev.previous, prev.before), ""}));
    t.rows.push_back(
        scoped("change_vs_previous", Scope::period_and_previous,
               {"vs the previous period", prev.comparable() ? money(prev.now - prev.before) : "",
                prev.verdict()}));
    const store::Comparison& year = d.vs_year_ago;
    t.rows.push_back(scoped("year_ago_total", Scope::year_ago,
                            {"A year earlier", side(year.previous, year.before), ""}));
    t.rows.push_back(scoped("change_vs_year_ago", Scope::period_and_year_ago,
                            {"vs a year earlier", "", year.verdict()}));
    // The last month with data against the month before, both cut to the same days.
    const store::Comparison& mom = d.month_over_month;
    t.rows.push_back(scoped("month_over_month.current", Scope::trend,
                            {mom.current_label, side(mom.current, mom.now), ""}));
    t.rows.push_back(scoped("month_over_month.previous", Scope::trend,
                            {mom.previous_label, side(mom.previous, mom.before), ""}));
    t.rows.push_back(
        scoped("month_over_month", Scope::trend, {"Month over month", "", mom.verdict()}));
    if (d.month_to_date)
        t.rows.push_back(
            scoped("month_to_date", Scope::period, {"Month to date", money(*d.month_to_date), ""}));
    if (d.forecast)
        t.rows.push_back(
            scoped("forecast", Scope::period, {"Forecast (estimate)", money(*d.forecast), ""}));
    return t;
}

namespace {

// A (label, cost, share) list of services or accounts.
ReportTable ranked_list(const ReportData& d, const std::vector<KeyAmount>& all, size_t limit,
                        std::vector<TableColumn> columns,
                        const std::function<std::vector<std::string>(const KeyAmount&)>& cells) {
    ReportTable t;
    t.columns = std::move(columns);
    const size_t cost = t.columns.size() - 2, pct = t.columns.size() - 1;
    std::vector<TableRow> rows;
    for (const auto& k : all)
        rows.push_back(row(k.key, cells(k)));
    CutSpec s;
    s.limit = limit;
    s.finish = [&](TableRow& r) { r.cells[pct] = share(amount_at(r, cost), d.totals.total); };
    append_cut(t, d, std::move(rows), s);
    return t;
}

}  // namespace

ReportTable top_services(const ReportData& d, const TableParams& p) {
    return ranked_list(d, d.services, limit_param(p, 8),
                       {{"service", "Service", CellKind::text, 230, Scope::none},
                        {"code", "Code", CellKind::text, 120, Scope::none},
                        {"cost", "Cost", CellKind::money, 90, Scope::period},
                        {"share", "Share", CellKind::percent, 75, Scope::period}},
                       [&](const KeyAmount& s) {
                           return std::vector<std::string>{s.label, s.key, money(s.amount),
                                                           share(s.amount, d.totals.total)};
                       });
}

ReportTable top_accounts(const ReportData& d, const TableParams& p) {
    return ranked_list(d, d.accounts, limit_param(p, 8),
                       {{"account", "Account", CellKind::text, 350, Scope::none},
                        {"cost", "Cost", CellKind::money, 90, Scope::period},
                        {"share", "Share", CellKind::percent, 75, Scope::period}},
                       [&](const KeyAmount& a) {
                           return std::vector<std::string>{d.account_label(a.key), money(a.amount),
                                                           share(a.amount, d.totals.total)};
                       });
}

// Every service with its change against the comparison period (the dashboard's services page).
ReportTable services(const ReportData& d, const TableParams& p) {
    ReportTable t;
    t.columns = {{"service", "Service", CellKind::text, 200, Scope::none},
                 {"code", "Code", CellKind::text, 110, Scope::none},
                 {"cost", "Cost", CellKind::money, 85, Scope::period},
                 {"share", "Share", CellKind::percent, 55, Scope::period},
                 {"vs_previous", "vs previous", CellKind::percent, 65, Scope::period_and_previous}};
    std::vector<TableRow> rows;
    for (const auto& s : d.services) {
        auto prev = d.prev_services.find(s.key);
        const Amount before = prev == d.prev_services.end() ? 0 : prev->second;
        rows.push_back(row(s.key, {s.label, s.key, money(s.amount), share(s.amount, d.totals.total),
                                   row_change(d.vs_previous, s.amount, before)}));
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

namespace {

// A (label, cost) chart of the first `limit` rows, "Other (N)" and "Below threshold (N)".
ReportTable chart_rows(const ReportData& d, const std::vector<KeyAmount>& all, size_t limit,
                       const std::function<std::string(const KeyAmount&)>& label) {
    ReportTable t;
    t.columns = {{"label", "", CellKind::text, 0, Scope::none},
                 {"cost", "Cost", CellKind::money, 0, Scope::period}};
    std::vector<TableRow> rows;
    for (const auto& k : all)
        rows.push_back(row(k.key, {label(k), money(k.amount)}));
    CutSpec s;
    s.limit = limit;
    append_cut(t, d, std::move(rows), s);
    return t;
}

}  // namespace

ReportTable service_chart(const ReportData& d, const TableParams& p) {
    return chart_rows(d, d.services, limit_param(p, 10),
                      [](const KeyAmount& k) { return k.label.empty() ? k.key : k.label; });
}

ReportTable account_chart(const ReportData& d, const TableParams& p) {
    return chart_rows(d, d.accounts, limit_param(p, 10),
                      [&](const KeyAmount& k) { return d.account_label(k.key); });
}

// Largest changes by service against the comparison period (the diverging bar chart).
ReportTable service_change_chart(const ReportData& d, const TableParams& p) {
    ReportTable t;
    t.columns = {{"label", "", CellKind::text, 0, Scope::none},
                 {"change", "Change", CellKind::money, 0, Scope::period_and_previous}};
    std::vector<TableRow> rows;
    CutSpec s;
    for (const Change& ch : period_changes(d, ChangeOf::services)) {
        rows.push_back(row(ch.key, {ch.label, money(ch.delta())}));
        s.passes.push_back(at_or_above(d.params.min_cost, ch.current) ||
                           at_or_above(d.params.min_cost, ch.previous));
    }
    s.limit = limit_param(p, 10);
    append_cut(t, d, std::move(rows), s);
    return t;
}

// The trend at the view's granularity, in time order (the dashboard's trends table): a bucket
// without data says so and counts for nothing, a partial one says how much it holds.
ReportTable trend(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"bucket", "Period", CellKind::text, 120, Scope::none},
                 {"cost", "Cost", CellKind::money, 90, Scope::period},
                 {"data", "Data", CellKind::text, 150, Scope::none}};
    std::vector<TableRow> rows;
    CutSpec s;
    for (const auto& k : d.trend) {
        const std::string data = k.no_data()   ? "no data"
                                 : k.partial() ? "partial: " + k.shortfall()
                                               : "";
        rows.push_back(row(k.key, {k.label, k.no_data() ? "" : money(k.amount), data}));
        // A bucket without data is no row under the threshold: it has no amount at all.
        s.passes.push_back(k.no_data() || at_or_above(d.params.min_cost, k.amount));
    }
    append_cut(t, d, std::move(rows), s);
    return t;
}

}  // namespace tables

namespace {

using Builder = ReportTable (*)(const ReportData&, const TableParams&);
struct Registered {
    std::string_view kind;
    Builder build;
};
// The registry: constant, so no global state.
constexpr Registered kBuilders[] = {
    {"summary_figures", tables::summary_figures},
    {"top_services", tables::top_services},
    {"top_accounts", tables::top_accounts},
    {"services", tables::services},
    {"anomalies", tables::anomalies},
    {"anomaly_drivers", tables::anomaly_drivers},
    {"fee_days", tables::fee_days},
    {"service_chart", tables::service_chart},
    {"account_chart", tables::account_chart},
    {"service_change_chart", tables::service_change_chart},
    {"trend", tables::trend},
    {"changes", tables::changes},
    {"accounts", tables::accounts},
    {"account_breakdown", tables::account_breakdown},
    {"line_items", tables::line_items},
    {"month_service", tables::month_service},
    {"charge_types", tables::charge_types},
    {"month_over_month", tables::month_over_month},
    {"by_value", tables::by_value},
    {"value_months", tables::value_months},
    {"invoices", tables::invoices},
    {"recommendations", tables::recommendations},
    {"sources", tables::sources},
};

}  // namespace

bool known_table_kind(std::string_view kind) {
    for (const auto& b : kBuilders)
        if (b.kind == kind) return true;
    return false;
}

ReportTable build_table(const ReportData& d, std::string_view kind, const TableParams& params) {
    for (const auto& b : kBuilders)
        if (b.kind == kind) {
            ReportTable t = b.build(d, params);
            t.kind = std::string(kind);
            t.params = params;
            return t;
        }
    throw_input("table kind '" + std::string(kind) + "' is not known to this curcrunch");
}

}  // namespace curcrunch::report
