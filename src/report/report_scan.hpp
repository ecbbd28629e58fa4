#pragma once
// The one scan of the daily cost rollup a report is built from (internal to src/report): every
// aggregate the pages need, accumulated row by row over [scan_from, to], which covers the
// period, the comparison period, the same dates a year earlier, the 12-month trend and the
// history the first day's anomaly score needs.
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include "curcrunch/report/charge_type.hpp"
#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/cost_scan.hpp"
#include "curcrunch/report/report_data.hpp"

namespace curcrunch::report {

// Where rows come from: the store (SQL) or a dashboard's in-memory cube.
struct RowSource {
    store::Database& db;
    const CostCube* cube;
    ScanFilter filter;
    CostCube::IdFilter ids;
    RowSource(store::Database& d, const CostCube* c, const ReportParams& p);
    // `filtered`: with the report's account/service/region filters (the reconciliation reads
    // whole bills without them, in the report's currency).
    void scan(Day from, Day to, bool filtered, const std::function<void(const CostRow&)>& fn) const;
};

// One (day, service, account, usage type) amount of usage or fees, kept for the days anomaly
// drivers may be asked about.
struct DriverCell {
    Day day;
    int64_t service, account, usage_type;
    Amount amount;
    bool fee;  // a fee row (charge_type.hpp is_fee), else usage
};

// Per month, the on-demand instance usage a commitment could cover: cost and hours of
// line item type Usage at the OnDemand term (covered usage and negations are not on-demand).
struct OnDemandUsage {
    Amount cost = 0, hours = 0;
};

// A dimension-id key of instance usage (service code id, usage type id).
using InstanceKey = std::pair<int64_t, int64_t>;

// Amounts by month and by day of one dimension's ids (service, account, payer), for month over
// month: months from ScanRange::mom_first on, days from mom_days_from on (the like-for-like
// window of the last month cuts the month before it).
struct MomSums {
    std::map<Period, std::unordered_map<int64_t, Amount>> months;
    std::map<Day, std::unordered_map<int64_t, Amount>> days;
};
enum MomOf { kMomServices, kMomAccounts, kMomPayers, kMomDimensions };

struct Aggregates {
    explicit Aggregates(bool fingerprint) : current(fingerprint) {}
    TotalsBuilder current;
    // Hash maps: these are touched once per scanned row.
    std::unordered_map<Day, Amount> daily;  // every scanned day (comparisons sum windows of it)
    std::map<Day, Amount> daily_usage, daily_fees;  // from the history start on
    std::vector<DriverCell> driver_cells;
    std::map<Period, Amount> months;
    Amount prev_total = 0, year_ago_total = 0;
    int64_t year_ago_rows = 0;
    std::unordered_map<int64_t, Amount> prev_services, prev_accounts;
    std::unordered_map<int64_t, int64_t> service_name;  // product code id -> product name id
    std::map<Period, std::unordered_map<int64_t, Amount>> service_months;
    Amount charge[std::size(kChargeClasses)] = {};
    // Compute a Savings Plan covers: EC2 instances (BoxUsage), on-demand only.
    std::map<Period, OnDemandUsage> ondemand_compute;
    OnDemandUsage covered_compute;  // SavingsPlanCoveredUsage + DiscountedUsage of EC2 instances
    // Database, cache, search and warehouse instances a Reserved Instance covers.
    std::map<InstanceKey, std::map<Period, OnDemandUsage>> ondemand_instances;
    Amount data_transfer = 0, tagged = 0, untagged_base = 0;
    MomSums mom[kMomDimensions];
};

struct ScanRange {
    Day year_from = 0, year_to = 0;  // the same dates a year earlier (cut like for like)
    Day history_from = 0;            // the first day anomaly scores need
    Day scan_from = 0;
    bool mom = false;       // gather month over month
    Period mom_first = 0;   // the first month it reads (the one before the table's first)
    Day mom_days_from = 0;  // days kept from here on
};

Aggregates scan_aggregates(const RowSource& src, DimText& dims, const ReportData& d,
                           const ScanRange& range, bool fingerprint);

}  // namespace curcrunch::report
