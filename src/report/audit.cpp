#include "curcrunch/report/audit.hpp"

#include <map>
#include <set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_json.hpp"

namespace curcrunch::report {
namespace {

using Status = AuditCell::Status;

// Decides the status of a differing cell from the periods behind it: of the months in its
// scope that had data when the report was made, how many have none now.
struct DataLoss {
    std::set<Period> had, missing;
    Status status_of(const std::vector<DayRange>& scope) const {
        if (missing.empty() || scope.empty()) return Status::changed;
        size_t months = 0, gone = 0;
        for (const auto& r : scope)
            for (Period m = period_of(r.from); m <= period_of(r.to); m = add_months(m, 1)) {
                if (!had.count(m)) continue;
                ++months;
                gone += missing.count(m);
            }
        if (gone == 0) return Status::changed;
        return gone == months ? Status::no_data : Status::partial_data;
    }
};

// Percentages and rates are computed from the amounts around them; alone they only repeat a
// move of those amounts within the tolerance.
bool is_derived(CellKind k) {
    return k == CellKind::percent || k == CellKind::rate;
}

bool is_amount(CellKind k) {
    return k == CellKind::money;
}

Amount amount_or_zero(const std::string& s) {
    Amount a = 0;
    if (!s.empty()) parse_amount(s, a);
    return a;
}

// One cell of both versions; appended to `out` when it differs.
void compare_cell(AuditResult& out, const std::string& kind, const std::string& key,
                  const TableColumn& col, const std::string& then, const std::string& now,
                  Amount tolerance, Status status) {
    AuditCell c{kind, key, col.key, then, now, is_amount(col.kind), 0, 0, status};
    for (auto& ch : c.key)
        if (ch == '\x1f') ch = '|';  // the parts of a line item's key, for people
    if (c.money) {
        // A missing amount (a row no longer in the table, no forecast) counts as zero.
        c.reported_amount = amount_or_zero(then);
        c.current_amount = amount_or_zero(now);
        const Amount d = c.difference();
        if (d <= tolerance && -d <= tolerance) return;
    } else if (then == now) {
        return;
    }
    out.differences.push_back(std::move(c));
}

// Version 3 changed what some cells mean (report_json.hpp): comparisons are like for like and
// say "n/a" against a window without data, anomaly scores come from trailing history, every
// table gained totals and remainder rows, Sources name full paths; version 4 made coverage per
// payer (comparisons, the forecast and month over month by payer say "partial" where one payer
// lacks days, and are cut at each payer's days). Today's tables can only be
// built by today's rules, so a report of an older version is held to the cells whose meaning
// both versions share: amounts and quantities of the report's own window (or of the month,
// day or trend months a row names), in rows both versions print. Its totals block (total,
// months, services, accounts) is compared in full by compare_totals, so a service or account
// that changed or vanished is still found.
bool same_meaning_in_every_version(const TableColumn& col, Scope scope) {
    if (col.kind != CellKind::money && col.kind != CellKind::quantity) return false;
    switch (scope) {
        case Scope::period:
        case Scope::row_month:
        case Scope::row_day:
        case Scope::column_month:
        case Scope::trend:
            return true;
        default:
            return false;
    }
}

const TableRow* find_row(const ReportTable& t, const std::string& key) {
    for (const auto& r : t.rows)
        if (r.key == key) return &r;
    return nullptr;
}

void compare_table(AuditResult& audit, const ReportTable& then, int then_version,
                   const ReportData& now_data, const DataLoss& loss, Amount tolerance) {
    const bool same_rules = then_version >= kReportTableRulesVersion;
    const ReportTable now = build_table(now_data, then.kind, then.params);
    AuditResult out;  // this table's differences
    std::vector<std::string> keys;
    std::set<std::string> seen;
    for (const auto& r : then.rows)
        if (seen.insert(r.key).second) keys.push_back(r.key);
    for (const auto& r : now.rows)
        if (seen.insert(r.key).second) keys.push_back(r.key);
    for (const auto& key : keys) {
        const TableRow* a = find_row(then, key);
        const TableRow* b = find_row(now, key);
        for (size_t c = 0; c < now.columns.size(); ++c) {
            const TableColumn& col = now.columns[c];
            // A row on one side only: its figures differ, its labels say nothing new.
            if ((!a || !b) && col.kind == CellKind::text) continue;
            const Scope scope = b && b->has_scope ? b->scope : col.scope;
            if (!same_rules && (!a || !b || !same_meaning_in_every_version(col, scope))) continue;
            const std::string& x = a && c < a->cells.size() ? a->cells[c] : std::string();
            const std::string& y = b && c < b->cells.size() ? b->cells[c] : std::string();
            compare_cell(out, then.kind, key, col, x, y, tolerance,
                         loss.status_of(scope_days(now_data, scope, key, col.key)));
        }
    }
    bool substantive = false;
    for (const auto& c : out.differences)
        substantive = substantive || !is_derived(now.column(c.column)->kind);
    if (substantive)
        for (auto& c : out.differences)
            audit.differences.push_back(std::move(c));
}

// The totals every report version states.
void compare_totals(AuditResult& out, const ReportMeta& then, const ReportData& now,
                    const DataLoss& loss, Amount tolerance) {
    const TableColumn money_col{"", "", CellKind::money, 0, Scope::period};
    auto compare = [&](const char* kind, const std::map<std::string, Amount>& a,
                       const std::map<std::string, Amount>& b, Scope scope) {
        std::set<std::string> keys;
        for (const auto& [k, v] : a)
            keys.insert(k);
        for (const auto& [k, v] : b)
            keys.insert(k);
        for (const auto& k : keys) {
            auto x = a.find(k);
            auto y = b.find(k);
            // An absent key is a zero here (version 1 compared them so).
            compare_cell(out, kind, k, money_col, to_plain_string(x == a.end() ? 0 : x->second),
                         to_plain_string(y == b.end() ? 0 : y->second), tolerance,
                         loss.status_of(scope_days(now, scope, k)));
        }
    };
    compare("total", {{"total", then.totals.total}}, {{"total", now.totals.total}}, Scope::period);
    compare("month", then.totals.by_month, now.totals.by_month, Scope::row_month);
    compare("service", then.totals.by_service, now.totals.by_service, Scope::period);
    compare("account", then.totals.by_account, now.totals.by_account, Scope::period);
}

std::set<Period> periods_in_store(store::Database& db) {
    std::set<Period> out;
    auto st = db.prepare("SELECT period FROM billing_period");
    while (st.step())
        out.insert(static_cast<Period>(st.column_int(0)));
    return out;
}

AuditResult audit_one(store::Database& db, const std::string& metadata, Amount tolerance,
                      const CostCube* cube, const std::set<Period>& present) {
    const ReportMeta then = parse_report_json(metadata);
    AuditResult r;
    r.report_id = then.report_id;
    r.generated_at = then.generated_at;
    r.from = format_day(then.params.from);
    r.to = format_day(then.params.to);
    r.fingerprint_reported = then.fingerprint;
    // The periods the report had data for: stated by version 2, the months of its totals in
    // version 1.
    std::vector<Period> had = then.data_periods;
    if (then.schema_version < 2)
        for (const auto& [m, v] : then.totals.by_month)
            if (auto p = parse_period(m)) had.push_back(*p);
    DataLoss loss;
    loss.had.insert(had.begin(), had.end());
    for (Period p : had)
        if (!present.count(p)) {
            loss.missing.insert(p);
            r.missing_periods.push_back(p);
        }
    r.no_data = !had.empty() && r.missing_periods.size() == had.size();
    const ReportData now = gather_report(db, then.params, cube);
    r.fingerprint_now = now.fingerprint;
    compare_totals(r, then, now, loss, tolerance);
    for (const auto& t : then.tables)
        compare_table(r, t, then.schema_version, now, loss, tolerance);
    r.tables = static_cast<int>(then.tables.size());
    return r;
}

}  // namespace

const char* audit_status_name(AuditCell::Status s) {
    switch (s) {
        case Status::changed:
            return "changed";
        case Status::no_data:
            return "no data";
        case Status::partial_data:
            return "partial data";
    }
    return "changed";
}

std::string audit_data_loss(const AuditResult& r) {
    if (r.missing_periods.empty()) return "";
    std::string periods;
    for (Period m : r.missing_periods)
        periods += (periods.empty() ? "" : ", ") + format_period(m);
    return std::string(r.no_data ? "no data any more" : "partial data") + ": " + periods +
           " no longer in the store";
}

const char* audit_state_name(const AuditResult& r) {
    if (r.differences.empty()) return "matches";
    if (r.missing_periods.empty()) return "changed";
    return r.no_data ? "no data" : "partial data";
}

std::vector<AuditResult> audit_reports(store::Database& db, const std::string& report_id,
                                       Amount tolerance, const CostCube* cube) {
    std::string sql = "SELECT report_id, metadata FROM report";
    if (!report_id.empty()) sql += " WHERE report_id = ?";
    sql += " ORDER BY generated_at, report_id";
    auto st = db.prepare(sql);
    if (!report_id.empty()) st.bind(1, report_id);
    const std::set<Period> present = periods_in_store(db);
    std::vector<AuditResult> out;
    while (st.step()) {
        const std::string id = st.column_text(0);
        try {
            out.push_back(audit_one(db, st.column_text(1), tolerance, cube, present));
        } catch (const Error& e) {
            // Imported by an older curcrunch that was less strict: say so, do not stop.
            if (e.kind() != ErrorKind::input) throw;
            AuditResult r;
            r.report_id = id;
            r.differences.push_back(
                {"metadata", "", "", e.what(), "", false, 0, 0, Status::changed});
            out.push_back(std::move(r));
        }
    }
    if (!report_id.empty() && out.empty())
        throw_usage("audit: no imported report has the id '" + report_id +
                    "' (see curcrunch reports)");
    return out;
}

}  // namespace curcrunch::report
