#pragma once
// Everything a report shows, gathered from the store in one place so the PDF (and the
// dashboard) only lay it out. Amounts are exact; only chart geometry uses doubles.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/report/anomaly.hpp"
#include "curcrunch/report/report_params.hpp"
#include "curcrunch/report/report_table.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/query_mom.hpp"
#include "curcrunch/store/store.hpp"
#include "curcrunch/store/view_coverage.hpp"

namespace curcrunch::report {

struct KeyAmount {
    std::string key, label;
    Amount amount = 0;
};

// A bucket of a trend (a day, week, month or year) and how many of its days have data: a bucket
// without any is absent (a gap in the line, "no data" in a table), never a zero.
struct TrendPoint : KeyAmount {
    int days = 0, days_with_data = 0;  // of the bucket, within the view
    // The bucket's own length: more than `days` when the view's `from` or `to` cuts it (the
    // amount is then of `days` days only, which a chart must not show as the whole bucket).
    int bucket_days = 0;
    Day first = 0, last = 0;  // the bucket's days within the view
    // Payers in scope lacking days of the bucket that others have (store/view_coverage.hpp).
    bool payers_short = false;
    bool no_data() const { return days_with_data == 0; }
    bool cut() const { return days < bucket_days; }
    // "(1-20)" for a bucket cut by the view (its first and last days within it), "" otherwise.
    std::string cut_mark() const;
    bool partial() const { return days_with_data > 0 && (days_with_data < days || payers_short); }
    // Why a partial bucket is: "14 of 31 days" with data, or "a payer lacks days".
    std::string shortfall() const {
        return days_with_data < days
                   ? std::to_string(days_with_data) + " of " + std::to_string(days) + " days"
                   : std::string("a payer lacks days");
    }
};

struct LineItem {
    std::string service, usage_type, description, unit;
    Amount quantity = 0, cost = 0;
    std::optional<Amount> rate;  // cost / quantity, when the quantity is not zero
};

// Every line-item group of a view (service, usage type, description, unit), by cost.
// The line-item rollup keeps no region: under a region filter there are no line items to show
// (not every region's, which would contradict the period's total), and line_items() refuses.
inline constexpr const char* kLineItemsNoRegion =
    "n/a: line items have no region (the line-item rollup keeps none)";
inline constexpr const char* kLineItemsRegionRefused =
    "a region filter cannot narrow line items: the line-item rollup keeps no region";
struct LineItems {
    std::vector<LineItem> rows;
    Amount total = 0;  // of every row
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

// The period's cost by the values of one tag key or cost category (ReportParams::groupings),
// from the store's tag rollup (store/query_tags.hpp): "untagged" (key "") is a value like the
// others, so the values always add up to the period's total.
struct GroupedCost {
    store::Dimension by = store::Dimension::tag;  // tag or category
    std::string key;                              // as the store holds it
    std::vector<KeyAmount> values;                // by amount, largest first
    // By month ("2026-10") and value key, within the period.
    std::map<std::string, std::map<std::string, Amount>> months;
    std::string title() const;  // "tag team", "cost category cost_center"
};

// The months a report's month-over-month tables show (the last ones of its period).
inline constexpr int kReportMomMonths = 3;

struct ReportData {
    ReportParams params;
    std::string report_id, generated_at, currency = "USD";
    ReportTotals totals;
    // How much of [from, to] the store has data for.
    store::WindowCoverage coverage;
    // The comparisons, like for like (store/view_coverage.hpp): the period against the previous
    // one (or the one asked for), against the same dates a year earlier, and the last month
    // with data against the one before (both cut to the same days when the data ends early).
    store::Comparison vs_previous, vs_year_ago, month_over_month;
    Day prev_from = 0, prev_to = 0;        // vs_previous's previous window
    Amount prev_total = 0;                 // its cost
    std::optional<Amount> year_ago_total;  // same dates a year earlier, when data exists
    std::vector<TrendPoint> months;        // the 12 months ending with the period's last
    std::vector<TrendPoint> trend;         // [from, to] at params.granularity
    // Days of [from, to] judged on the daily *usage* cost against the days with data before
    // them (anomaly.hpp): monthly fees, taxes and credits are booked on one day and would
    // otherwise show every month. Whatever the granularity.
    std::vector<Anomaly> anomalies;
    // Fee days (RI and Savings Plan fees, support, subscriptions) that stand out from the fees
    // before them: judged apart, so the first of a month is not a usage anomaly.
    std::vector<Anomaly> fee_days;
    std::vector<KeyAmount> services, accounts;  // this period, by cost
    std::map<std::string, Amount> prev_services, prev_accounts;
    // The period's cost by charge class (charge_type.hpp), every class in its order.
    std::vector<KeyAmount> charge_types;
    // The period's cost by month ("2026-10") and service code.
    std::map<std::string, std::map<std::string, Amount>> service_months;
    // The months of [from, to] ("2026-10") without a day of data: "no data", never $0.
    std::set<std::string> months_without_data;
    std::optional<Amount> month_to_date, forecast;  // current month, when in the period
    int forecast_days_seen = 0, forecast_days_in_month = 0;
    // Why no forecast was made although the current month is in the period: a payer in scope
    // lacks days of it ("payer 121111111111 lacks 14 of 14 days"), so its month to date is not
    // the scope's; "" otherwise.
    std::string forecast_withheld;
    // Every day of the current month has data: the month's cost is its actual (month_to_date,
    // which `forecast` then equals), nothing is estimated.
    bool month_complete() const {
        return month_to_date && forecast_days_seen == forecast_days_in_month;
    }
    Day data_through = 0;
    // Whether the month of data_through is final or still accruing (store/coverage.hpp).
    std::optional<store::PeriodStatus> data_through_status;
    std::string last_ingest;
    LineItems line_items;
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
    // The last kReportMomMonths months of the view (ending with the last day with data, or the
    // period's last), each against the month before like for like (store/query_mom.hpp), by
    // "services", "accounts" and "payers"; every row, ranked. Gathered with
    // Sections::month_over_month.
    std::map<std::string, store::MonthOverMonth> mom;
    // By store::grouping_name ("tag:team", "category:cost_center"), one per
    // ReportParams::groupings; their month over month is in `mom` under the same name.
    std::map<std::string, GroupedCost> groupings;

    // "Prod web (123456789012)", or the id when Organizations did not name the account.
    std::string account_label(const std::string& id) const;
};

class CostCube;

// What to gather beyond the figures every view needs (a dashboard page asks for less).
struct Sections {
    bool line_items = true, reconciliation = true, recommendations = true, sources = true,
         fingerprint = true, month_over_month = true;
};

// `report_id` and `generated_at` are left for the caller (they do not come from the data).
// With `cube`, rows come from memory instead of the store (the dashboard).
ReportData gather_report(store::Database& db, const ReportParams& p, const CostCube* cube = nullptr,
                         const Sections& sections = {});
// The currencies, each with its payers, of every row a report of `p` reads (its period, the
// comparison windows, the 12-month trend, the anomaly history), whatever p.currency says:
// what gather_report chooses the currency from when p.currency is empty.
std::vector<store::CurrencyHolding> report_currencies(store::Database& db, const ReportParams& p,
                                                      const CostCube* cube = nullptr);
// Every line item group of the period, by cost (largest first). Throws Error(usage) with
// kLineItemsRegionRefused under a region filter.
LineItems line_items(store::Database& db, const ReportParams& p, const CostCube* cube);

// One key (service or account) in both periods, for comparison tables.
struct Change {
    std::string key, label;
    Amount previous = 0, current = 0;
    Amount delta() const { return current - previous; }
};
enum class ChangeOf { services, accounts };
// Every key of either period, largest absolute change first (the threshold is the caller's:
// tie_out.hpp hides rows, never money).
std::vector<Change> period_changes(const ReportData& d, ChangeOf what);

// The trend bucket a day falls in ("2026-10-05", its Monday for weeks, "2026-10", "2026").
std::string trend_bucket(Day day, store::Grain g);

using curcrunch::percent_change;  // core/money.hpp: "+12.3%" / "-4.0%" / "n/a"
// part as a share of whole, "12.3%" ("" when whole is 0), from exact amounts. A share of a
// negative whole means nothing (a $254 part of a -$246 total is not "-103.3%"): "n/a".
inline std::string share_text(Amount part, Amount whole) {
    return whole < 0 ? "n/a" : share_percent(part, whole);
}
// Why the shares of a view are "n/a" ("shares n/a: the period's total, -$246.00, is not
// positive"), "" when its total is positive.
std::string share_base_note(const ReportData& d);

}  // namespace curcrunch::report
