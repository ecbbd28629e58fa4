#pragma once
// The rollups an ingest produces, before they are written to the store. Strings are pool ids;
// every measure is an exact Amount (see core/money.hpp). Three grains:
//   cost: period x day x payer x usage account x product code x product name x usage type x
//         operation x region x line item type x pricing term x currency
//   line: period x day x usage account x product code x usage type x line item type x
//         description x unit x currency (for "top line items" in reports)
//   tag:  period x day x usage account x product code x tag key x tag value x currency
#include <cstdint>
#include <string>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/ingest/group_map.hpp"
#include "curcrunch/ingest/row_key_index.hpp"
#include "curcrunch/ingest/string_pool.hpp"

namespace curcrunch::ingest {

enum CostDim : int {
    kDimPayer,
    kDimUsageAccount,
    kDimProductCode,
    kDimProductName,
    kDimUsageType,
    kDimOperation,
    kDimRegion,
    kDimLineItemType,
    kDimPricingTerm,
    kDimCurrency,
    kCostDims
};

struct CostKey {
    Period period;
    Day day;
    uint32_t dim[kCostDims];
};
struct CostSums {
    Amount unblended = 0, blended = 0, net_unblended = 0, amortized = 0, public_on_demand = 0,
           usage = 0, tagged_unblended = 0;
    int64_t rows = 0;
};

struct LineKey {
    Period period;
    Day day;
    uint32_t usage_account, product_code, usage_type, line_item_type, description, unit, currency;
};
struct LineSums {
    Amount unblended = 0, amortized = 0, usage = 0;
    int64_t rows = 0;
};

struct TagKey {
    Period period;
    Day day;
    uint32_t usage_account, product_code, key, value, currency;
};
struct TagSums {
    Amount unblended = 0, amortized = 0;
    int64_t rows = 0;
};

struct Rollup {
    StringPool pool;
    GroupMap<CostKey, CostSums> cost;
    GroupMap<LineKey, LineSums> lines;
    GroupMap<TagKey, TagSums> tags;
    RowKeyIndex row_keys;  // ingest-time accelerator for cost/lines (see row_key_index.hpp)

    // Adds everything in `other` (whose ids refer to other.pool) into this rollup. Throws
    // Error(input) when a running sum passes kMaxRunning (core/money.hpp).
    void merge_from(const Rollup& other);
    // The first sum beyond kMaxAmount, the bound on what the store keeps, as a message naming
    // its measure and group; "" when every sum is within it.
    std::string first_out_of_bound() const;
    size_t groups() const { return cost.size() + lines.size() + tags.size(); }
    void clear() {
        pool.clear();
        cost.clear();
        lines.clear();
        tags.clear();
        row_keys.clear();
    }
};

}  // namespace curcrunch::ingest
