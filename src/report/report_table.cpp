#include "curcrunch/report/report_table.hpp"

#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/report/report_data.hpp"

namespace curcrunch::report {

const char* cell_kind_name(CellKind k) {
    switch (k) {
        case CellKind::text:
            return "text";
        case CellKind::money:
            return "money";
        case CellKind::quantity:
            return "quantity";
        case CellKind::rate:
            return "rate";
        case CellKind::percent:
            return "percent";
    }
    return "text";
}

const TableColumn* ReportTable::column(std::string_view key) const {
    for (const auto& c : columns)
        if (c.key == key) return &c;
    return nullptr;
}

const std::string& ReportTable::cell(const TableRow& row, std::string_view key) const {
    static const std::string empty;
    for (size_t i = 0; i < columns.size() && i < row.cells.size(); ++i)
        if (columns[i].key == key) return row.cells[i];
    return empty;
}

std::vector<DayRange> scope_days(const ReportData& d, Scope s, const std::string& row_key,
                                 const std::string& column_key) {
    const ReportParams& p = d.params;
    switch (s) {
        case Scope::none:
            return {};
        case Scope::period:
            return {{p.from, p.to}};
        case Scope::previous:
            return {{d.prev_from, d.prev_to}};
        case Scope::period_and_previous:
            return {{d.prev_from, d.prev_to}, {p.from, p.to}};
        case Scope::period_and_year_ago: {
            auto r = scope_days(d, Scope::year_ago, row_key);
            r.push_back({p.from, p.to});
            return r;
        }
        case Scope::year_ago: {
            const CivilDate f = civil_from_days(p.from), t = civil_from_days(p.to);
            return {{days_from_civil(f.year - 1, f.month,
                                     std::min(f.day, days_in_month(f.year - 1, f.month))),
                     days_from_civil(t.year - 1, t.month,
                                     std::min(t.day, days_in_month(t.year - 1, t.month)))}};
        }
        case Scope::row_month: {
            auto m = parse_period(row_key);
            if (!m || row_key.size() != 7) return {{p.from, p.to}};
            return {{first_day(*m), last_day(*m)}};
        }
        case Scope::row_day: {
            Day day = 0;
            if (row_key.size() != 10 || !parse_utc_day(row_key, day)) return {{p.from, p.to}};
            return {{day, day}};
        }
        case Scope::trend: {
            const Period last = period_of(p.to);
            return {{first_day(add_months(last, -11)), last_day(last)}};
        }
        case Scope::row_history: {
            // Anomaly rows: the day and, generously, the two months of history before it (the
            // days it was judged against are days with data, which a gap can push back).
            Day day = 0;
            if (row_key.size() < 10 || !parse_utc_day(row_key.substr(0, 10), day))
                return {{p.from, p.to}};
            return {{first_day(add_months(period_of(day), -2)), day}};
        }
        case Scope::column_month: {
            auto m = parse_period(column_key);
            if (!m || column_key.size() != 7) return {{p.from, p.to}};
            return {{std::max(first_day(*m), p.from), std::min(last_day(*m), p.to)}};
        }
    }
    return {};
}

std::string check_table_adds_up(const ReportTable& t) {
    const TableRow* total = nullptr;
    for (const auto& r : t.rows)
        if (r.key == kTotalRowKey) total = &r;
    if (!total) return "";
    for (size_t c = 0; c < t.columns.size(); ++c) {
        if (t.columns[c].kind != CellKind::money) continue;
        Amount sum = 0, stated = 0;
        if (c >= total->cells.size() || total->cells[c].empty()) continue;
        if (parse_amount(total->cells[c], stated) != ParseStatus::ok)
            return "table " + t.kind + ": total " + t.columns[c].key + " is not an amount";
        for (const auto& r : t.rows) {
            if (&r == total || c >= r.cells.size() || r.cells[c].empty()) continue;
            Amount v = 0;
            if (parse_amount(r.cells[c], v) != ParseStatus::ok)
                return "table " + t.kind + ": row " + shown_text(r.key) + " column " +
                       t.columns[c].key + " is not an amount";
            sum += v;
        }
        if (sum != stated)
            return "table " + t.kind + ": column " + t.columns[c].key + " adds up to " +
                   to_plain_string(sum) + ", not to its total " + to_plain_string(stated);
    }
    return "";
}

std::string table_json(const ReportTable& t) {
    std::string o = "{\"kind\":" + json_quote(t.kind) + ",\"params\":{";
    bool first = true;
    for (const auto& [k, v] : t.params) {
        o.append(first ? "" : ",").append(json_quote(k)).append(":").append(json_quote(v));
        first = false;
    }
    o += "},\"columns\":[";
    for (size_t i = 0; i < t.columns.size(); ++i)
        o.append(i ? "," : "")
            .append("{\"key\":")
            .append(json_quote(t.columns[i].key))
            .append(",\"kind\":\"")
            .append(cell_kind_name(t.columns[i].kind))
            .append("\"}");
    o += "],\"rows\":[";
    for (size_t i = 0; i < t.rows.size(); ++i) {
        o.append(i ? "," : "").append("{\"key\":").append(json_quote(t.rows[i].key));
        o += ",\"cells\":[";
        for (size_t c = 0; c < t.rows[i].cells.size(); ++c)
            o.append(c ? "," : "").append(json_quote(t.rows[i].cells[c]));
        o += "]}";
    }
    return o + "]}";
}

}  // namespace curcrunch::report
