// Month over month as a report table: the last months of the view (ReportData::mom) by service,
// account or payer, each row's amount per month and the last month's change against the month
// before, like for like (store/query_mom.hpp).
#include "curcrunch/core/error.hpp"
#include "table_builders.hpp"

namespace curcrunch::report::tables {
namespace {

// The "months" parameter: one to twelve YYYY-MM; they name the columns, so a table read back
// from a report's JSON has its columns before any data.
std::vector<std::string> mom_months(const TableParams& p) {
    return months_param(p, "month_over_month", 12);
}

// Services, accounts, payers, or the values of a tag key or cost category ("tag:team").
const std::string& of_param(const TableParams& p) {
    auto it = p.find("of");
    const auto g = it == p.end() ? std::nullopt : store::parse_grouping(it->second);
    const bool tagged = g && !g->key.empty() &&
                        (g->by == store::Dimension::tag || g->by == store::Dimension::category);
    if (it == p.end() ||
        (it->second != "services" && it->second != "accounts" && it->second != "payers" && !tagged))
        throw_input(
            "table month_over_month: parameter 'of' must be services, accounts, payers, tag:KEY "
            "or category:KEY");
    return it->second;
}

std::string name_title(const std::string& of) {
    if (of == "services") return "Service";
    if (of == "accounts") return "Account";
    if (of == "payers") return "Payer";
    return of.compare(0, 4, "tag:") == 0 ? "Value of tag " + of.substr(4)
                                         : "Value of " + of.substr(9);
}

}  // namespace

ReportTable month_over_month(const ReportData& d, const TableParams& p) {
    const std::vector<std::string> months = mom_months(p);
    const std::string& of = of_param(p);
    const store::MonthOverMonth* mo = nullptr;
    if (auto it = d.mom.find(of); it != d.mom.end()) mo = &it->second;
    // Where each column's month is in the table data (-1: not there).
    std::vector<int> at;
    for (const std::string& m : months) {
        int k = -1;
        for (size_t i = 0; mo && i < mo->months.size(); ++i)
            if (format_period(mo->months[i].month) == m) k = static_cast<int>(i);
        at.push_back(k);
    }
    ReportTable t;
    constexpr double kMonth = 65, kChange = 70, kPercent = 70;
    const std::string title = name_title(of);
    t.columns = {{"name", title, CellKind::text,
                  515 - kMonth * static_cast<double>(months.size()) - kChange - kPercent,
                  Scope::none}};
    for (size_t i = 0; i < months.size(); ++i) {
        const bool partial = at[i] >= 0 && mo->months[static_cast<size_t>(at[i])].partial;
        t.columns.push_back({months[i], months[i] + (partial ? " (partial)" : ""), CellKind::money,
                             kMonth, Scope::column_month});
    }
    t.columns.push_back({"change", "Change", CellKind::money, kChange, Scope::trend});
    t.columns.push_back({"change_percent", "Change %", CellKind::percent, kPercent, Scope::trend});
    if (!mo) return t;

    const size_t last = months.size() - 1, change_col = months.size() + 1;
    auto month_of = [&](size_t i) -> const store::MomMonth* {
        return at[i] < 0 ? nullptr : &mo->months[static_cast<size_t>(at[i])];
    };
    std::vector<TableRow> rows;
    CutSpec s;
    const bool values = of != "services" && of != "accounts" && of != "payers";
    for (const store::MomRow& r : mo->rows) {
        TableRow row_ = row(values ? value_row_key(r.key) : r.key, {r.label});
        for (size_t i = 0; i < months.size(); ++i) {
            const store::MomCell* c = at[i] < 0 ? nullptr : &r.cells[static_cast<size_t>(at[i])];
            row_.cells.push_back(c && c->amount ? money(*c->amount) : "");
        }
        const store::MomCell* c = at[last] < 0 ? nullptr : &r.cells[static_cast<size_t>(at[last])];
        row_.cells.push_back(c && c->amount ? money(c->change()) : "");
        row_.cells.push_back(c ? c->percent : "n/a");
        s.passes.push_back(c && c->amount && at_or_above(d.params.min_cost, *c->amount));
        rows.push_back(std::move(row_));
    }
    // A summed row: no amount for a month without data, and the last month's change verdict
    // over its own sums.
    s.finish = [&](TableRow& r) {
        for (size_t i = 0; i < months.size(); ++i)
            if (!month_of(i) || month_of(i)->coverage.none()) r.cells[i + 1].clear();
        const store::MomMonth* lm = month_of(last);
        if (!lm || lm->coverage.none()) {
            r.cells[change_col].clear();
            r.cells[change_col + 1] = lm ? lm->compared.verdict() : "n/a";
            return;
        }
        store::Comparison c = lm->compared;
        c.now = amount_at(r, last + 1);
        c.before = c.now - amount_at(r, change_col);
        r.cells[change_col + 1] = c.verdict();
    };
    s.limit = limit_param(p, 10);
    append_cut(t, d, std::move(rows), s);
    return t;
}

}  // namespace curcrunch::report::tables
