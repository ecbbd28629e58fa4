#include "curcrunch/report/audit.hpp"

#include <simdjson.h>

#include <map>
#include <set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/cost_scan.hpp"
#include "curcrunch/report/report_params.hpp"

namespace curcrunch::report {
namespace {

std::vector<std::string> json_strings(const std::string& json) {
    simdjson::dom::parser p;
    simdjson::dom::array arr;
    std::vector<std::string> out;
    if (p.parse(json).get_array().get(arr)) return out;
    for (auto v : arr) {
        std::string_view s;
        if (!v.get_string().get(s)) out.emplace_back(s);
    }
    return out;
}

Day day_of(int64_t ymd) {
    return days_from_civil(static_cast<int>(ymd / 10000), static_cast<unsigned>(ymd / 100 % 100),
                           static_cast<unsigned>(ymd % 100));
}

void compare(AuditResult& r, const char* kind, const std::map<std::string, Amount>& then,
             const std::map<std::string, Amount>& now, Amount tolerance) {
    std::set<std::string> keys;
    for (const auto& [k, v] : then)
        keys.insert(k);
    for (const auto& [k, v] : now)
        keys.insert(k);
    for (const auto& k : keys) {
        auto a = then.find(k);
        auto b = now.find(k);
        const Amount x = a == then.end() ? 0 : a->second, y = b == now.end() ? 0 : b->second;
        const Amount d = y - x;
        if (d > tolerance || -d > tolerance) r.differences.push_back({kind, k, x, y});
    }
}

}  // namespace

std::vector<AuditResult> audit_reports(store::Database& db, const std::string& report_id,
                                       Amount tolerance, const CostCube* cube) {
    std::string sql =
        "SELECT report_id, generated_at, from_day, to_day, accounts, services, total, "
        "fingerprint FROM report";
    if (!report_id.empty()) sql += " WHERE report_id = ?";
    sql += " ORDER BY generated_at, report_id";
    auto st = db.prepare(sql);
    if (!report_id.empty()) st.bind(1, report_id);
    std::vector<AuditResult> out;
    DimText dims(db);
    while (st.step()) {
        AuditResult r;
        r.report_id = st.column_text(0);
        r.generated_at = st.column_text(1);
        ReportParams p;
        p.from = day_of(st.column_int(2));
        p.to = day_of(st.column_int(3));
        r.from = format_day(p.from);
        r.to = format_day(p.to);
        p.accounts = json_strings(st.column_text(4));
        p.services = json_strings(st.column_text(5));
        ReportTotals then;
        then.total = st.column_amount(6);
        r.fingerprint_reported = st.column_text(7);
        auto t = db.prepare("SELECT kind, key, amount FROM report_total WHERE report_id = ?");
        t.bind(1, r.report_id);
        while (t.step()) {
            const std::string kind = t.column_text(0);
            auto& m = kind == "month"     ? then.by_month
                      : kind == "service" ? then.by_service
                                          : then.by_account;
            m[t.column_text(1)] = t.column_amount(2);
        }
        TotalsBuilder b;
        if (cube)
            cube->scan(p.from, p.to, cube->resolve(db, p.accounts, p.services, {}),
                       [&](const CostRow& row) { b.add(row); });
        else
            scan_costs(db, p.from, p.to, ScanFilter{p.accounts, p.services, {}},
                       [&](const CostRow& row) { b.add(row); });
        const ReportTotals now = b.totals(dims);
        r.fingerprint_now = b.fingerprint(dims);
        compare(r, "total", {{"total", then.total}}, {{"total", now.total}}, tolerance);
        compare(r, "month", then.by_month, now.by_month, tolerance);
        compare(r, "service", then.by_service, now.by_service, tolerance);
        compare(r, "account", then.by_account, now.by_account, tolerance);
        out.push_back(std::move(r));
    }
    if (!report_id.empty() && out.empty())
        throw_usage("audit: no imported report has the id '" + report_id +
                    "' (see curcrunch reports)");
    return out;
}

}  // namespace curcrunch::report
