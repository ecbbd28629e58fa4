#pragma once
// The daily cost and line-item rollups held in memory, for a long-running reader (the
// dashboard): loaded once from the store and again whenever an ingest has replaced periods.
// A scan of a year of a large organisation is then a loop over a few hundred thousand small
// structs (milliseconds) instead of an SQLite query (a few hundred milliseconds).
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/report/cost_scan.hpp"

namespace curcrunch::report {

struct LineRow {
    Day day;
    int64_t account, product_code, usage_type, description, unit;
    Amount unblended, usage;
    int64_t payer;  // dim id of the payer account
    Amount cost;    // the measure the scan was asked for (IdFilter::measure)
};

class CostCube {
  public:
    // Reads both rollups; `version` is the store's last ingest id at that moment.
    static std::unique_ptr<CostCube> load(store::Database& db);
    int64_t version() const { return version_; }

    // The filters of a scan as dimension ids; empty sets mean "all". `measure` is what the
    // rows' `cost` holds.
    struct IdFilter {
        std::set<int64_t> accounts, services, regions, payers;
        store::Measure measure = store::Measure::unblended;
        std::set<int64_t> currencies;  // the ids of ScanFilter::currency ("" too for USD)
    };
    IdFilter resolve(store::Database& db, const ScanFilter& f) const;

    // The (currency id, payer id) pairs of the cost rows a scan with `f` would read, whatever
    // f.currencies says: what store::currencies_in reads from the store, from memory.
    std::set<std::pair<int64_t, int64_t>> currencies(Day from, Day to, const IdFilter& f) const;

    void scan(Day from, Day to, const IdFilter& f,
              const std::function<void(const CostRow&)>& on_row) const;
    void scan_lines(Day from, Day to, const IdFilter& f,
                    const std::function<void(const LineRow&)>& on_row) const;
    size_t rows() const { return costs_.size(); }

  private:
    // The measures a row does not carry, for scans of another one than unblended.
    struct Cost {
        CostRow row;
        int64_t region, currency;
        Amount blended, net_unblended, net_amortized, public_on_demand;
        Amount measure(store::Measure m) const;
    };
    struct Line {
        LineRow row;
        int64_t currency;
        Amount blended, net_unblended, amortized, net_amortized, public_on_demand;
        Amount measure(store::Measure m) const;
    };
    std::vector<Cost> costs_;  // ordered by day
    std::vector<Line> lines_;  // ordered by day
    // Whether a row passes the filter's accounts, services, regions and payers (currencies are
    // the caller's).
    static bool keeps(const Cost& c, const IdFilter& f);
    int64_t version_ = 0;
};

// The store's change marker: the id of the last ingest (0 for none).
int64_t store_version(store::Database& db);

}  // namespace curcrunch::report
