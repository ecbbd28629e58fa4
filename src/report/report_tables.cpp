// The builders of every table (and figure-printing chart) a report shows, by kind. The page
// code and audit both go through build_table(), so what a page printed is exactly what audit
// recomputes. To add a table: write a builder here, register it in kBuilders, and print it
// through TablePrinter (pdf_report.cpp) — it is then in the JSON and audited.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_table.hpp"

namespace curcrunch::report {
namespace {

std::string money(Amount a) {
    return to_plain_string(a);
}

// Share of `total`, as printed ("12.3%"); "n/a" without a total.
std::string share(Amount part, Amount total) {
    if (total == 0) return "n/a";
    return share_text(part, total);
}

size_t limit_param(const TableParams& p, size_t fallback) {
    auto it = p.find("limit");
    if (it == p.end()) return fallback;
    size_t n = 0;
    for (char c : it->second) {
        if (c < '0' || c > '9' || n > 100000) throw_input("table parameter limit: not a count");
        n = n * 10 + static_cast<size_t>(c - '0');
    }
    return n;
}

bool shown(const ReportData& d, Amount a) {
    const auto& m = d.params.min_cost;
    return !m || a >= *m || a <= -*m;
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

// The KPI boxes of the summary page.
ReportTable summary_figures(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"figure", "Figure", CellKind::text, 0, Scope::none},
                 {"amount", "Amount", CellKind::money, 0, Scope::period},
                 {"change", "Change", CellKind::percent, 0, Scope::period}};
    const Amount total = d.totals.total;
    t.rows.push_back(scoped("total_cost", Scope::period, {"Total cost", money(total), ""}));
    t.rows.push_back(
        scoped("previous_total", Scope::previous, {"Previous period", money(d.prev_total), ""}));
    t.rows.push_back(scoped("change_vs_previous", Scope::period_and_previous,
                            {"vs the previous period", money(total - d.prev_total),
                             percent_change(total, d.prev_total)}));
    t.rows.push_back(
        scoped("year_ago_total", Scope::year_ago,
               {"A year earlier", d.year_ago_total ? money(*d.year_ago_total) : "", ""}));
    t.rows.push_back(scoped("change_vs_year_ago", Scope::year_ago,
                            {"vs a year earlier", "",
                             d.year_ago_total ? percent_change(total, *d.year_ago_total) : "n/a"}));
    if (d.months.size() >= 2) {
        const KeyAmount& last = d.months.back();
        const KeyAmount& prev = d.months[d.months.size() - 2];
        t.rows.push_back(scoped(prev.key, Scope::row_month, {prev.key, money(prev.amount), ""}));
        t.rows.push_back(scoped(last.key, Scope::row_month, {last.key, money(last.amount), ""}));
        t.rows.push_back(
            scoped("month_over_month", Scope::trend,
                   {"Month over month", "", percent_change(last.amount, prev.amount)}));
    }
    if (d.forecast) {
        t.rows.push_back(
            scoped("month_to_date", Scope::period, {"Month to date", money(*d.month_to_date), ""}));
        t.rows.push_back(
            scoped("forecast", Scope::period, {"Forecast (estimate)", money(*d.forecast), ""}));
    }
    return t;
}

ReportTable top_services(const ReportData& d, const TableParams& p) {
    ReportTable t;
    t.columns = {{"service", "Service", CellKind::text, 230, Scope::none},
                 {"code", "Code", CellKind::text, 120, Scope::none},
                 {"cost", "Cost", CellKind::money, 90, Scope::period},
                 {"share", "Share", CellKind::percent, 75, Scope::period}};
    const size_t limit = limit_param(p, 8);
    for (const auto& s : d.services) {
        if (t.rows.size() >= limit) break;
        if (!shown(d, s.amount)) continue;
        t.rows.push_back(
            row(s.key, {s.label, s.key, money(s.amount), share(s.amount, d.totals.total)}));
    }
    return t;
}

ReportTable top_accounts(const ReportData& d, const TableParams& p) {
    ReportTable t;
    t.columns = {{"account", "Account", CellKind::text, 350, Scope::none},
                 {"cost", "Cost", CellKind::money, 90, Scope::period},
                 {"share", "Share", CellKind::percent, 75, Scope::period}};
    const size_t limit = limit_param(p, 8);
    for (const auto& a : d.accounts) {
        if (t.rows.size() >= limit) break;
        if (!shown(d, a.amount)) continue;
        t.rows.push_back(
            row(a.key, {d.account_label(a.key), money(a.amount), share(a.amount, d.totals.total)}));
    }
    return t;
}

ReportTable anomalies(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"day", "Day", CellKind::text, 110, Scope::none},
                 {"usage_cost", "Usage cost", CellKind::money, 100, Scope::row_day},
                 {"median", "28-day median", CellKind::money, 100, Scope::period},
                 {"deviation", "Deviation", CellKind::money, 100, Scope::period},
                 {"robust_z", "Robust z", CellKind::text, 105, Scope::period}};
    for (const auto& a : d.anomalies) {
        char z[32] = "no spread";
        if (!std::isinf(a.z)) std::snprintf(z, sizeof z, "%.1f", a.z);
        const std::string& day = d.trend[a.index].key;
        t.rows.push_back(
            row(day, {day, money(a.value), money(a.median), money(a.value - a.median), z}));
    }
    return t;
}

// The first `limit` rows by cost, and the rest summed as "Other (N)".
ReportTable with_other(const std::vector<KeyAmount>& rows, size_t limit,
                       const std::function<std::string(const KeyAmount&)>& label) {
    ReportTable t;
    t.columns = {{"label", "", CellKind::text, 0, Scope::none},
                 {"cost", "Cost", CellKind::money, 0, Scope::period}};
    Amount other = 0;
    size_t n_other = 0;
    for (const auto& r : rows) {
        if (t.rows.size() < limit) {
            t.rows.push_back(row(r.key, {label(r), money(r.amount)}));
        } else {
            other += r.amount;
            ++n_other;
        }
    }
    if (n_other > 0)
        t.rows.push_back(row("other", {"Other (" + std::to_string(n_other) + ")", money(other)}));
    return t;
}

std::vector<KeyAmount> visible(const ReportData& d, const std::vector<KeyAmount>& rows) {
    std::vector<KeyAmount> out;
    for (const auto& r : rows)
        if (shown(d, r.amount)) out.push_back(r);
    return out;
}

ReportTable service_chart(const ReportData& d, const TableParams& p) {
    return with_other(visible(d, d.services), limit_param(p, 10),
                      [](const KeyAmount& k) { return k.label.empty() ? k.key : k.label; });
}

ReportTable account_chart(const ReportData& d, const TableParams& p) {
    return with_other(visible(d, d.accounts), limit_param(p, 10),
                      [&](const KeyAmount& k) { return d.account_label(k.key); });
}

// Largest changes by service against the previous period (the diverging bar chart).
ReportTable service_change_chart(const ReportData& d, const TableParams& p) {
    std::map<std::string, std::pair<std::string, Amount>> delta;
    for (const auto& k : d.services)
        delta[k.key] = {k.label, k.amount};
    for (const auto& [key, v] : d.prev_services) {
        auto& e = delta[key];
        if (e.first.empty()) e.first = key;
        e.second -= v;
    }
    std::vector<std::pair<std::string, std::pair<std::string, Amount>>> rows;
    for (const auto& [key, e] : delta)
        if (e.second != 0) rows.push_back({key, e});
    auto magnitude = [](Amount a) { return a < 0 ? -a : a; };
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
        return magnitude(a.second.second) > magnitude(b.second.second);
    });
    ReportTable t;
    t.columns = {{"label", "", CellKind::text, 0, Scope::none},
                 {"change", "Change", CellKind::money, 0, Scope::period_and_previous}};
    const size_t limit = limit_param(p, 10);
    for (const auto& [key, e] : rows) {
        if (t.rows.size() >= limit) break;
        t.rows.push_back(row(key, {e.first, money(e.second)}));
    }
    return t;
}

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
    const size_t limit = limit_param(p, 25);
    for (const Change& ch : period_changes(d, accounts ? ChangeOf::accounts : ChangeOf::services)) {
        if (t.rows.size() >= limit) break;
        t.rows.push_back(row(ch.key, {ch.label, money(ch.previous), money(ch.current),
                                      money(ch.delta()), percent_change(ch.current, ch.previous)}));
    }
    return t;
}

ReportTable accounts(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"account", "Account", CellKind::text, 95, Scope::none},
                 {"name", "Name", CellKind::text, 180, Scope::none},
                 {"cost", "Cost", CellKind::money, 95, Scope::period},
                 {"share", "Share", CellKind::percent, 70, Scope::period},
                 {"vs_previous", "vs previous", CellKind::percent, 75, Scope::period_and_previous}};
    for (const auto& a : d.accounts) {
        if (!shown(d, a.amount)) continue;
        auto it = d.prev_accounts.find(a.key);
        const Amount prev = it == d.prev_accounts.end() ? 0 : it->second;
        auto name = d.account_names.find(a.key);
        t.rows.push_back(
            row(a.key, {a.key, name == d.account_names.end() ? "" : name->second, money(a.amount),
                        share(a.amount, d.totals.total), percent_change(a.amount, prev)}));
    }
    return t;
}

// The per-account page since accounts have OU paths: each account as "Name (id)" with the OU
// it sits in. Reports written before it hold "accounts" (id and name apart), which stays
// registered so audit rebuilds them exactly as they were printed.
ReportTable account_breakdown(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"account", "Account", CellKind::text, 200, Scope::none},
                 {"ou_path", "Organizational unit", CellKind::text, 125, Scope::none},
                 {"cost", "Cost", CellKind::money, 80, Scope::period},
                 {"share", "Share", CellKind::percent, 50, Scope::period},
                 {"vs_previous", "vs previous", CellKind::percent, 60, Scope::period_and_previous}};
    for (const auto& a : d.accounts) {
        if (!shown(d, a.amount)) continue;
        auto it = d.prev_accounts.find(a.key);
        const Amount prev = it == d.prev_accounts.end() ? 0 : it->second;
        auto ou = d.account_ou_paths.find(a.key);
        t.rows.push_back(row(
            a.key,
            {d.account_label(a.key), ou == d.account_ou_paths.end() ? "" : ou->second,
             money(a.amount), share(a.amount, d.totals.total), percent_change(a.amount, prev)}));
    }
    return t;
}

ReportTable line_items(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"service", "Service", CellKind::text, 62, Scope::none},
                 {"usage_type", "Usage type", CellKind::text, 85, Scope::none},
                 {"description", "Description", CellKind::text, 165, Scope::none},
                 {"quantity", "Quantity", CellKind::quantity, 55, Scope::period},
                 {"unit", "Unit", CellKind::text, 45, Scope::none},
                 {"rate", "Rate", CellKind::rate, 45, Scope::period},
                 {"cost", "Cost", CellKind::money, 58, Scope::period}};
    for (const auto& li : d.line_items) {
        if (d.params.min_cost && li.cost < *d.params.min_cost) continue;
        // The key names the group; U+001F cannot occur in a dimension value the row decoder
        // accepts (control characters), so the parts stay apart.
        const std::string key =
            li.service + '\x1f' + li.usage_type + '\x1f' + li.description + '\x1f' + li.unit;
        t.rows.push_back(row(key, {li.service, li.usage_type, li.description, money(li.quantity),
                                   li.unit, li.rate ? money(*li.rate) : "", money(li.cost)}));
    }
    return t;
}

ReportTable invoices(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"month", "Month", CellKind::text, 45, Scope::none},
                 {"invoices", "Inv.", CellKind::text, 25, Scope::none},
                 {"cur_total", "CUR total", CellKind::money, 65, Scope::row_month},
                 {"invoiced", "Invoiced", CellKind::money, 65, Scope::none},
                 {"tax", "Tax", CellKind::money, 55, Scope::none},
                 {"credits", "Credits", CellKind::money, 55, Scope::none},
                 {"paid", "Paid", CellKind::text, 70, Scope::none},
                 {"cost_explorer", "Cost Explorer", CellKind::money, 65, Scope::none},
                 {"difference", "Difference", CellKind::money, 70, Scope::row_month}};
    for (const auto& im : d.invoice_months) {
        TableRow r =
            row(im.month, {im.month, std::to_string(im.invoices), money(im.cur_total),
                           money(im.invoice_total), money(im.invoice_tax), money(im.credits),
                           im.payment_currency.empty() || im.payment_currency == im.currency
                               ? ""
                               : format_money(im.payment_total) + " " + im.payment_currency,
                           im.ce_total ? money(*im.ce_total) : "", money(im.difference)});
        r.flagged = im.flagged;
        t.rows.push_back(std::move(r));
    }
    return t;
}

ReportTable recommendations(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"recommendation", "Recommendation", CellKind::text, 0, Scope::none},
                 {"figure", "Figure", CellKind::text, 0, Scope::none},
                 {"amount", "Amount", CellKind::money, 0, Scope::period},
                 {"percent", "Percent", CellKind::percent, 0, Scope::period},
                 {"value", "Value", CellKind::text, 0, Scope::period}};
    for (const auto& rec : d.recommendations)
        for (const auto& f : rec.figures) {
            const bool money = f.kind == CellKind::money, percent = f.kind == CellKind::percent;
            t.rows.push_back(row(rec.id + "." + f.name,
                                 {rec.title, f.name, money ? f.value : "", percent ? f.value : "",
                                  money || percent ? "" : f.value}));
        }
    return t;
}

ReportTable sources(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"period", "Period", CellKind::text, 45, Scope::none},
                 {"file", "File", CellKind::text, 150, Scope::none},
                 {"assembly", "Assembly", CellKind::text, 110, Scope::none},
                 {"sha256", "sha256", CellKind::text, 210, Scope::none}};
    for (const auto& s : d.sources) {
        std::string file = s.path;
        if (const size_t slash = file.rfind('/'); slash != std::string::npos)
            file = file.substr(slash + 1);
        t.rows.push_back(row(s.period + '\x1f' + s.path + '\x1f' + s.sha256,
                             {s.period, file, s.assembly_id, s.sha256}));
    }
    return t;
}

using Builder = ReportTable (*)(const ReportData&, const TableParams&);
struct Registered {
    std::string_view kind;
    Builder build;
};
// The registry: constant, so no global state.
constexpr Registered kBuilders[] = {
    {"summary_figures", summary_figures},
    {"top_services", top_services},
    {"top_accounts", top_accounts},
    {"anomalies", anomalies},
    {"service_chart", service_chart},
    {"account_chart", account_chart},
    {"service_change_chart", service_change_chart},
    {"changes", changes},
    {"accounts", accounts},
    {"account_breakdown", account_breakdown},
    {"line_items", line_items},
    {"invoices", invoices},
    {"recommendations", recommendations},
    {"sources", sources},
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
