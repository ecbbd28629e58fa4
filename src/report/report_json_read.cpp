// Reading a report's embedded JSON back (import-pdf, audit): strict validation, then the
// arithmetic a genuine report always satisfies — months, services and accounts add up to the
// total, every table with a total row adds up to it, and the tables state the same amounts as
// the totals. A file that fails any of it was edited by hand.
#include <simdjson.h>

#include <algorithm>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/report/report_json.hpp"
#include "curcrunch/report/tie_out.hpp"

namespace curcrunch::report {
namespace {

[[noreturn]] void bad(const std::string& why) {
    throw_input("report metadata: " + why);
}

std::string get_string(simdjson::dom::element e, const char* key, const std::string& where) {
    std::string_view v;
    if (e[key].get_string().get(v)) bad(where + key + ": missing or not a string");
    return std::string(v);
}

// An amount in the document's text. Every one is within kMaxAmount (core/money.hpp) or the
// document is refused, which is what keeps the sums below from overflowing.
Amount parse_exact(std::string_view v, const std::string& what) {
    Amount a = 0;
    const ParseStatus st = parse_amount(v, a);
    if (st == ParseStatus::overflow)
        bad(what + ": out of range (at most " + kMaxAmountText + " in magnitude)");
    if (st != ParseStatus::ok) bad(what + ": not an exact decimal amount");
    return a;
}

Amount get_amount(simdjson::dom::element e, const std::string& what) {
    std::string_view v;
    if (e.get_string().get(v)) bad(what + ": not an exact decimal amount");
    return parse_exact(v, what);
}

std::map<std::string, Amount> get_amounts(simdjson::dom::element e, const char* key) {
    simdjson::dom::object o;
    if (e[key].get_object().get(o))
        bad(std::string("totals.") + key + ": missing or not an object");
    std::map<std::string, Amount> out;
    for (auto [k, v] : o)
        out[std::string(k)] = get_amount(v, std::string("totals.") + key + "." + shown_text(k));
    return out;
}

Day get_day(simdjson::dom::element e, const char* key) {
    std::string_view v;
    Day d = 0;
    if (e[key].get_string().get(v) || v.size() != 10 || !parse_utc_day(v, d))
        bad(std::string("parameters.") + key + ": expected YYYY-MM-DD");
    return d;
}

// A day that may be null (absent in version 1).
Day get_optional_day(simdjson::dom::element e, const char* key) {
    simdjson::dom::element v;
    if (e[key].get(v) || v.is_null()) return 0;
    return get_day(e, key);
}

// Nesting depth of a JSON text, counted without parsing it (bounded work, no recursion).
size_t max_depth(std::string_view s) {
    size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : s) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::vector<std::string> get_strings(simdjson::dom::element e, const char* key,
                                     const std::string& where, bool optional = false) {
    simdjson::dom::array arr;
    std::vector<std::string> out;
    if (e[key].get_array().get(arr)) {
        if (optional) return out;
        bad(where + key + ": not a list");
    }
    for (auto v : arr) {
        std::string_view s;
        if (v.get_string().get(s)) bad(where + key + ": not strings");
        out.emplace_back(s);
    }
    return out;
}

void read_params(simdjson::dom::element p, ReportParams& out, bool v2) {
    out.from = get_day(p, "from");
    out.to = get_day(p, "to");
    if (out.from > out.to) bad("parameters: from is after to");
    out.as_of = get_day(p, "as_of");
    out.preset = get_string(p, "preset", "parameters.");
    out.payers = get_strings(p, "payers", "parameters.", true);  // absent: every payer
    out.accounts = get_strings(p, "accounts", "parameters.");
    out.services = get_strings(p, "services", "parameters.");
    out.regions = get_strings(p, "regions", "parameters.", !v2);
    out.compare_from = get_optional_day(p, "compare_from");
    out.compare_to = get_optional_day(p, "compare_to");
    for (const std::string& by : get_strings(p, "by", "parameters.", true)) {
        const auto g = store::parse_grouping(by);
        if (!g || g->key.empty() ||
            (g->by != store::Dimension::tag && g->by != store::Dimension::category) ||
            out.groupings.size() >= kMaxReportGroupings)
            bad("parameters.by: expected up to " + std::to_string(kMaxReportGroupings) +
                " tag:KEY or category:KEY");
        out.groupings.push_back(*g);
    }
    simdjson::dom::element mc;
    if (!p["min_cost"].get(mc) && !mc.is_null())
        out.min_cost = get_amount(mc, "parameters.min_cost");
    std::string_view g;
    if (!p["granularity"].get_string().get(g)) {
        auto grain = store::parse_grain(std::string(g));
        if (!grain) bad("parameters.granularity: unknown");
        out.granularity = *grain;
    }
    int64_t top = 0;
    if (!p["top"].get_int64().get(top)) {
        if (top < 0 || top > 1000) bad("parameters.top: out of range");
        out.top = static_cast<int>(top);
    }
    int64_t line_items = 0;
    if (!p["line_items"].get_int64().get(line_items)) {
        if (line_items < 0 || line_items > 100000000) bad("parameters.line_items: out of range");
        out.line_items = static_cast<size_t>(line_items);
    }
}

bool is_exact(CellKind k) {
    return k == CellKind::money || k == CellKind::quantity || k == CellKind::rate;
}

ReportTable read_table(simdjson::dom::element e, size_t index) {
    const std::string where = "tables[" + std::to_string(index) + "]";
    ReportTable t;
    t.kind = get_string(e, "kind", where + ".");
    if (!known_table_kind(t.kind))
        bad(where + ": table kind '" + shown_text(t.kind) + "' is not known");
    simdjson::dom::object params;
    if (e["params"].get_object().get(params)) bad(where + ".params: not an object");
    for (auto [k, v] : params) {
        std::string_view s;
        if (v.get_string().get(s)) bad(where + ".params: values must be strings");
        t.params[std::string(k)] = std::string(s);
    }
    // The columns must be exactly the builder's: same keys, same kinds, same order.
    ReportTable shape;
    try {
        shape = build_table(ReportData{}, t.kind, t.params);
    } catch (const Error& err) {
        bad(where + ": " + shown_text(err.what(), 300));
    }
    t.columns = shape.columns;
    simdjson::dom::array cols, rows;
    if (e["columns"].get_array().get(cols)) bad(where + ".columns: not a list");
    size_t c = 0;
    for (auto col : cols) {
        if (c >= t.columns.size() ||
            get_string(col, "key", where + ".columns.") != t.columns[c].key ||
            get_string(col, "kind", where + ".columns.") != cell_kind_name(t.columns[c].kind))
            bad(where + ": the columns are not those of a " + t.kind + " table");
        ++c;
    }
    if (c != t.columns.size()) bad(where + ": the columns are not those of a " + t.kind + " table");
    if (e["rows"].get_array().get(rows)) bad(where + ".rows: not a list");
    for (auto r : rows) {
        TableRow row;
        row.key = get_string(r, "key", where + ".rows.");
        simdjson::dom::array cells;
        if (r["cells"].get_array().get(cells)) bad(where + ".rows.cells: not a list");
        for (auto cell : cells) {
            std::string_view s;
            if (cell.get_string().get(s)) bad(where + ".rows.cells: not strings");
            row.cells.emplace_back(s);
        }
        if (row.cells.size() != t.columns.size())
            bad(where + ": row '" + shown_text(row.key) + "' has " +
                std::to_string(row.cells.size()) + " cells for " +
                std::to_string(t.columns.size()) + " columns");
        for (size_t i = 0; i < row.cells.size(); ++i)
            if (is_exact(t.columns[i].kind) && !row.cells[i].empty())
                parse_exact(row.cells[i], where + ": row '" + shown_text(row.key) + "' column " +
                                              t.columns[i].key);
        t.rows.push_back(std::move(row));
    }
    return t;
}

// Each amount is within kMaxAmount (parse_exact) and a document of at most 64 MB lists fewer
// than 2^26 of them, so this sum (and every table's, check_table_adds_up) stays below 2^106:
// no overflow, however hostile the document.
void must_add_up(const std::map<std::string, Amount>& parts, Amount total, const char* what) {
    Amount sum = 0;
    for (const auto& [k, v] : parts)
        sum += v;
    if (sum != total)
        bad(std::string("totals.") + what + " add up to " + to_plain_string(sum) +
            ", not to totals.total " + to_plain_string(total));
}

// The tables repeat amounts the totals state; a file where they disagree was edited in one
// place and not the other.
void check_tables_agree(const ReportMeta& m) {
    auto agree = [&](const ReportTable& t, const TableRow& r, const char* column,
                     const std::map<std::string, Amount>& totals, const char* what) {
        const std::string& cell = t.cell(r, column);
        if (cell.empty() || r.key == kOtherRowKey || r.key == kBelowRowKey || r.key == kTotalRowKey)
            return;
        auto it = totals.find(r.key);
        Amount a = 0;
        parse_amount(cell, a);
        if (it == totals.end() ? a != 0 : it->second != a)
            bad("table " + t.kind + " states " + cell + " for " + what + " " + shown_text(r.key) +
                ", totals.by_" + what + " " +
                (it == totals.end() ? std::string("has none") : to_plain_string(it->second)));
    };
    for (const auto& t : m.tables) {
        const bool accounts =
            t.kind == "top_accounts" || t.kind == "accounts" || t.kind == "account_breakdown" ||
            t.kind == "account_chart" ||
            (t.kind == "changes" && t.params.count("of") && t.params.at("of") == "accounts");
        const bool services = t.kind == "top_services" || t.kind == "service_chart" ||
                              (t.kind == "changes" && !accounts);
        for (const auto& r : t.rows) {
            if (accounts)
                agree(t, r, t.kind == "changes" ? "current" : "cost", m.totals.by_account,
                      "account");
            if (services)
                agree(t, r, t.kind == "changes" ? "current" : "cost", m.totals.by_service,
                      "service");
            if (t.kind != "summary_figures") continue;
            if (r.key == "total_cost") {
                Amount a = 0;
                parse_amount(t.cell(r, "amount"), a);
                if (a != m.totals.total)
                    bad("table summary_figures states a total of " + t.cell(r, "amount") +
                        ", totals.total " + to_plain_string(m.totals.total));
            }
            // A month wholly inside the period is stated twice.
            if (auto p = parse_period(r.key); p && r.key.size() == 7 &&
                                              first_day(*p) >= m.params.from &&
                                              last_day(*p) <= m.params.to)
                agree(t, r, "amount", m.totals.by_month, "month");
        }
    }
}

}  // namespace

void check_report_figures(const ReportMeta& m) {
    must_add_up(m.totals.by_month, m.totals.total, "by_month");
    must_add_up(m.totals.by_service, m.totals.total, "by_service");
    must_add_up(m.totals.by_account, m.totals.total, "by_account");
    for (const auto& t : m.tables)
        if (const std::string why = check_table_adds_up(t); !why.empty()) bad(why);
    check_tables_agree(m);
}

ReportMeta parse_report_json(std::string_view json, bool check_figures) {
    if (json.size() > 64 * 1024 * 1024) bad("larger than 64 MB");
    if (max_depth(json) > 16) bad("nested more than 16 levels deep");
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(json.data(), json.size()).get(doc))
        bad(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
    if (!doc.is_object()) bad("not a JSON object");
    ReportMeta m;
    if (get_string(doc, "schema", "") != kReportSchemaName)
        bad("schema is not \"" + std::string(kReportSchemaName) + "\"");
    int64_t version = 0;
    if (doc["schema_version"].get_int64().get(version)) bad("schema_version: missing");
    if (version < kOldestReportSchemaVersion || version > kReportSchemaVersion)
        bad("schema_version " + std::to_string(version) +
            " is not supported (this curcrunch reads versions " +
            std::to_string(kOldestReportSchemaVersion) + " to " +
            std::to_string(kReportSchemaVersion) + ")");
    const bool v2 = version >= 2;
    m.schema_version = static_cast<int>(version);
    m.report_id = get_string(doc, "report_id", "");
    if (m.report_id.size() != 36 ||
        m.report_id.find_first_not_of("0123456789abcdef-") != std::string::npos)
        bad("report_id: not a UUID");
    m.generated_at = get_string(doc, "generated_at", "");
    m.tool_version = get_string(doc, "tool_version", "");
    m.currency = get_string(doc, "currency", "");
    if (version >= kReportCurrencyVersion) {
        if (m.currency.size() != 3 ||
            m.currency.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
            bad("currency: expected a three-letter code such as USD, got '" +
                shown_text(m.currency) + "'");
    }
    m.fingerprint = get_string(doc, "fingerprint", "");
    simdjson::dom::element p, t;
    if (doc["parameters"].get(p) || !p.is_object()) bad("parameters: missing");
    read_params(p, m.params, v2);
    // What the figures read: the rows of the currency, or (before version 5) every row.
    if (version >= kReportCurrencyVersion)
        m.params.currency = m.currency;
    else
        m.params.every_currency = true;
    // Absent in reports before measures were chosen: unblended.
    std::string_view measure;
    if (!doc["measure"].get_string().get(measure)) {
        const auto ms = store::parse_measure(std::string(measure));
        if (!ms) bad("measure: '" + shown_text(measure) + "' is not a measure");
        m.params.measure = *ms;
    }
    if (doc["totals"].get(t) || !t.is_object()) bad("totals: missing");
    simdjson::dom::element total;
    if (t["total"].get(total)) bad("totals.total: missing");
    m.totals.total = get_amount(total, "totals.total");
    m.totals.by_month = get_amounts(t, "by_month");
    m.totals.by_service = get_amounts(t, "by_service");
    m.totals.by_account = get_amounts(t, "by_account");
    if (v2) {
        m.pages_sha256 = get_string(doc, "pages_sha256", "");
        if (m.pages_sha256.size() != 64 ||
            m.pages_sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
            bad("pages_sha256: not a sha256");
        for (const auto& s : get_strings(doc, "data_periods", "")) {
            auto period = parse_period(s);
            if (!period || s.size() != 7) bad("data_periods: expected YYYY-MM");
            m.data_periods.push_back(*period);
        }
        simdjson::dom::array tables;
        if (doc["tables"].get_array().get(tables)) bad("tables: not a list");
        for (auto e : tables)
            m.tables.push_back(read_table(e, m.tables.size()));
    }
    if (check_figures) check_report_figures(m);
    return m;
}

}  // namespace curcrunch::report
