#pragma once
// What a report covers, and the totals it states — the part of a report an auditor can check:
// `curcrunch audit` recomputes ReportTotals from today's store with the same parameters and
// compares them cell by cell.
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/dim_names.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::report {

// How many "Cost by" pages (tag keys and cost categories) one report has at most.
inline constexpr size_t kMaxReportGroupings = 4;

struct ReportParams {
    Day from = 0, to = 0;  // inclusive
    std::string preset;    // how from/to were chosen ("" for explicit dates)
    std::vector<std::string> accounts, services, regions;
    std::vector<std::string> payers;  // payer account ids; empty: every payer
    // The currency every figure is in, and the only one whose rows are read (canonical,
    // store/currency_scope.hpp). Empty: not chosen, gather_report finds the one the rows hold
    // or refuses (MixedCurrencies).
    std::string currency;
    // Every currency summed, as reports before schema version 5 did (report_json.hpp): audit
    // recomputes such a report the way it was made. Never set for a new report.
    bool every_currency = false;
    // What every figure sums (totals, tables, charts, comparisons, line items). The tagged
    // share, the reconciliation against invoices and the commitment recommendations stay on
    // unblended cost, which is what they are about.
    store::Measure measure = store::Measure::unblended;
    std::optional<Amount> min_cost;  // hides breakdown rows below it; totals are unaffected
    store::Grain granularity = store::Grain::day;  // of the second trend chart
    int top = 10;
    size_t line_items = 50;  // line-item groups printed before "Other (N)"; 0: every group
    Day as_of = 0;           // "today" for presets, forecasts and freshness
    // The period compared against; 0: the one of the same length just before `from`.
    Day compare_from = 0, compare_to = 0;
    // `--by tag:KEY` / `category:KEY` (keys as the store holds them, store::Query::tag_key): a
    // "Cost by" page each, in this order. Only tag and category groupings.
    std::vector<store::Grouping> groupings;
};

// The chosen measure (unblended by default): total, and by month ("2026-10"), by service
// (product code) and by usage account, all within [from, to] and the payer/account/service/
// region filters.
struct ReportTotals {
    Amount total = 0;
    std::map<std::string, Amount> by_month, by_service, by_account;
};

ReportTotals compute_totals(store::Database& db, const ReportParams& p);

struct CostRow;
struct ScanFilter;
// The scan a report's figures come from: its filters and measure (report/cost_scan.hpp).
ScanFilter scan_filter(const ReportParams& p);
// Accumulates ReportTotals and the fingerprint from scanned rows (the report, audit and
// compute_totals all go through it, so they can never disagree).
class TotalsBuilder {
  public:
    explicit TotalsBuilder(bool with_fingerprint = true) : fingerprinting_(with_fingerprint) {}
    // Moves keep last_month_ valid (std::map moves its nodes); a copy would not.
    TotalsBuilder(const TotalsBuilder&) = delete;
    TotalsBuilder& operator=(const TotalsBuilder&) = delete;
    TotalsBuilder(TotalsBuilder&&) = default;
    TotalsBuilder& operator=(TotalsBuilder&&) = default;
    void add(const CostRow& r);
    ReportTotals totals(store::DimNames& dims) const;
    std::string fingerprint(store::DimNames& dims) const;

  private:
    struct Sums {
        Amount unblended = 0, amortized = 0;
        int64_t rows = 0;
    };
    struct ServiceDayHash {
        size_t operator()(const std::pair<int64_t, Day>& k) const {
            return std::hash<int64_t>()(k.first * 1000003 + k.second);
        }
    };
    bool fingerprinting_;
    Amount total_ = 0;
    std::map<Period, Amount> months_;
    // Rows arrive grouped by day: the month of the last day seen, looked up once per day.
    Day last_day_ = -1;
    Amount* last_month_ = nullptr;
    std::unordered_map<int64_t, Amount> services_, accounts_;  // by dim id
    // By (service id, day); fingerprint() orders them.
    std::unordered_map<std::pair<int64_t, Day>, Sums, ServiceDayHash> service_days_;
};

// sha256 over the daily rows behind the totals (day, service, unblended and amortized cost, row
// count, whatever the measure), in a fixed order: equal fingerprints mean the report was made
// from the same data.
std::string data_fingerprint(store::Database& db, const ReportParams& p);

}  // namespace curcrunch::report
