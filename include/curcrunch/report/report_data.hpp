#pragma once
// Everything a report shows, gathered from the store in one place so the PDF (and the
// dashboard) only lay it out. Amounts are exact; only chart geometry uses doubles.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/report/anomaly.hpp"
#include "curcrunch/report/report_params.hpp"
#include "curcrunch/report/report_table.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::report {

struct KeyAmount {
    std::string key, label;
    Amount amount = 0;
};

struct LineItem {
    std::string service, usage_type, description, unit;
    Amount quantity = 0, cost = 0;
    std::optional<Amount> rate;  // cost / quantity, when the quantity is not zero
};

// One billing month of the reconciliation: CUR against invoices (and Cost Explorer).
struct InvoiceMonth {
    std::string month;
    Amount cur_total = 0;  // unfiltered: invoices cover the whole bill
    std::optional<Amount> ce_total;
    int invoices = 0;
    std::string currency, payment_currency;
    Amount invoice_total = 0, invoice_tax = 0, credits = 0, payment_total = 0;
    Amount difference = 0;  // invoice_total - cur_total
    bool flagged = false;   // |difference| above one cent
};

// A number a recommendation's text states, kept apart so audit can recompute it.
struct RecommendationFigure {
    std::string name;
    CellKind kind = CellKind::money;
    std::string value;  // exact decimal for money, the printed text otherwise
};

struct Recommendation {
    std::string id, title, detail;              // detail states the numbers behind it...
    std::vector<RecommendationFigure> figures;  // ...and these are those numbers
};

struct SourceRef {
    std::string period, path, sha256, manifest, assembly_id;
};

struct ReportData {
    ReportParams params;
    std::string report_id, generated_at, currency = "USD";
    ReportTotals totals;
    Day prev_from = 0, prev_to = 0;  // the previous period of the same length
    Amount prev_total = 0;
    std::optional<Amount> year_ago_total;  // same dates a year earlier, when data exists
    std::vector<KeyAmount> months;         // the 12 months ending with the period's last
    std::vector<KeyAmount> trend;          // [from, to] at params.granularity
    // Indices into trend (day granularity only), judged on the daily *usage* cost: monthly
    // fees, taxes and credits are booked on one day and would otherwise show every month.
    std::vector<Anomaly> anomalies;
    std::vector<KeyAmount> services, accounts;  // this period, by cost
    std::map<std::string, Amount> prev_services, prev_accounts;
    std::optional<Amount> month_to_date, forecast;  // current month, when in the period
    int forecast_days_seen = 0, forecast_days_in_month = 0;
    Day data_through = 0;
    std::string last_ingest;
    std::vector<LineItem> line_items;
    std::vector<InvoiceMonth> invoice_months;
    bool has_ce = false;
    std::vector<Recommendation> recommendations;
    std::vector<SourceRef> sources;
    std::string fingerprint;
    std::map<std::string, std::string> account_names;     // from Organizations, when fetched
    std::map<std::string, std::string> account_ou_paths;  // "Root / A / B", when fetched
    // The billing periods the store held over everything the report read (the period, the
    // comparison period, a year earlier, the 12-month trend): audit calls a figure "no data"
    // when the periods behind it have left the store since.
    std::vector<Period> data_periods;

    // "Prod web (123456789012)", or the id when Organizations did not name the account.
    std::string account_label(const std::string& id) const;
};

class CostCube;

// What to gather beyond the figures every view needs (a dashboard page asks for less).
struct Sections {
    bool line_items = true, reconciliation = true, recommendations = true, sources = true,
         fingerprint = true;
};

// `report_id` and `generated_at` are left for the caller (they do not come from the data).
// With `cube`, rows come from memory instead of the store (the dashboard).
ReportData gather_report(store::Database& db, const ReportParams& p, const CostCube* cube = nullptr,
                         const Sections& sections = {});
// The top line items of the period by cost (`limit` 0: all of them).
std::vector<LineItem> line_items(store::Database& db, const ReportParams& p, const CostCube* cube,
                                 size_t limit);

// One key (service or account) in both periods, for comparison tables.
struct Change {
    std::string key, label;
    Amount previous = 0, current = 0;
    Amount delta() const { return current - previous; }
};
enum class ChangeOf { services, accounts };
// Every key of either period, largest absolute change first; rows under params.min_cost in both
// periods are left out.
std::vector<Change> period_changes(const ReportData& d, ChangeOf what);

// "+12.3%" / "-4.0%" / "n/a" (no base), from exact amounts.
std::string percent_change(Amount now, Amount before);
// part as a share of whole, "12.3%" ("" when whole is 0), from exact amounts.
std::string share_text(Amount part, Amount whole);

}  // namespace curcrunch::report
