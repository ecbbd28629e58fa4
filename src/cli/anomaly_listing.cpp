#include "anomaly_listing.hpp"

#include "curcrunch/cli/output.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/store/view_coverage.hpp"

namespace curcrunch::cli {

void print_anomalies(store::Database& db, const store::Query& q, OutputFormat format) {
    const store::ViewCoverage cov = store::ViewCoverage::load(db, q.payers);
    report::ReportParams p;
    p.payers = q.payers;
    p.measure = q.measure;
    p.accounts = q.accounts;
    p.services = q.services;
    p.regions = q.regions;
    p.currency = q.currency;  // empty: the one the rows hold, or MixedCurrencies
    p.from = q.from ? *q.from : cov.days().empty() ? today_utc() : cov.days().front();
    p.to = q.to ? *q.to : cov.days().empty() ? today_utc() : cov.days().back();
    p.as_of = p.to;
    report::Sections s;
    s.line_items = s.reconciliation = s.recommendations = s.sources = s.fingerprint = false;
    const report::ReportData d = report::gather_report(db, p, nullptr, s);
    // One row per day and driver (a day without drivers has one row with empty driver cells).
    std::vector<std::vector<std::string>> rows;
    auto add = [&](const char* kind, const std::vector<report::Anomaly>& days) {
        for (const auto& a : days) {
            const std::vector<std::string> day = {kind,
                                                  format_day(a.day),
                                                  money_cell(format, a.value, d.currency),
                                                  money_cell(format, a.median, d.currency),
                                                  report::format_z(a.z),
                                                  std::to_string(a.history)};
            if (a.drivers.empty()) {
                auto r = day;
                r.insert(r.end(), {"", "", "", "", "", d.currency});
                rows.push_back(std::move(r));
            }
            for (const auto& dr : a.drivers) {
                auto r = day;
                r.insert(r.end(), {dr.service, dr.account, dr.usage_type,
                                   money_cell(format, dr.amount, d.currency),
                                   money_cell(format, dr.change(), d.currency), d.currency});
                rows.push_back(std::move(r));
            }
        }
    };
    add("usage", d.anomalies);
    add("fees", d.fee_days);
    print_rows(format,
               {"kind", "day", "amount", "median_before", "robust_z", "history_days", "service",
                "account", "usage_type", "driver_amount", "driver_change", "currency"},
               rows);
}

}  // namespace curcrunch::cli
