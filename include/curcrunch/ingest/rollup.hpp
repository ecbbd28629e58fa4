#pragma once
// The rollups an ingest produces, before they are written to the store. Strings are pool ids;
// every measure is an exact Amount (see core/money.hpp). Three grains:
//   cost: period x day x payer x usage account x product code x product name x usage type x
//         operation x region x line item type x pricing term x currency x billing entity x
//         commitment owner
//   line: period x day x payer x usage account x product code x usage type x line item type x
//         description x unit x currency (for "top line items" in reports)
//   tag:  period x day x payer x usage account x product code x tag key x tag value x currency
#include <cstdint>
#include <string>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/ingest/group_map.hpp"
#include "curcrunch/ingest/measures.hpp"
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
    kDimBillingEntity,
    kDimCommitmentOwner,  // account id of the Savings Plan / reservation ARN, "" for none
    kCostDims
};

struct CostKey {
    Period period;
    Day day;
    uint32_t dim[kCostDims];
};
struct CostSums : Measures {
    Amount tagged_unblended = 0;
    int64_t rows = 0;
};

struct LineKey {
    Period period;
    Day day;
    uint32_t payer, usage_account, product_code, usage_type, line_item_type, description, unit,
        currency;
};
struct LineSums : Measures {
    int64_t rows = 0;
};

struct TagKey {
    Period period;
    Day day;
    uint32_t payer, usage_account, product_code, key, value, currency;
};
struct TagSums : Measures {
    int64_t rows = 0;
};

struct Rollup {
    StringPool pool;
    GroupMap<CostKey, CostSums> cost;
    GroupMap<LineKey, LineSums> lines;
    GroupMap<TagKey, TagSums> tags;
    // Ingest-time accelerator (see row_key_index.hpp): rows add their measures to their
    // composite's pending sums; settle() moves those into the groups above.
    RowKeyIndex row_keys;

    // Adds every composite's pending sums to its cost, line and tag groups and clears them. The
    // group sums are complete only after this.
    void settle();
    // Adds everything in `other` (settled; its ids refer to other.pool) into this rollup. Throws
    // Error(input) when a running sum passes kMaxRunning (core/money.hpp).
    void merge_from(const Rollup& other);
    // The first sum beyond kMaxAmount, the bound on what the store keeps, as a message naming
    // its measure and group; "" when every sum is within it.
    std::string first_out_of_bound() const;
    size_t groups() const { return cost.size() + lines.size() + tags.size(); }
    // Memory held by the strings, groups and row key index.
    size_t bytes() const {
        return pool.bytes() + cost.bytes() + lines.bytes() + tags.bytes() + row_keys.bytes();
    }
    void clear() {
        pool.clear();
        cost.clear();
        lines.clear();
        tags.clear();
        row_keys.clear();
    }
};

}  // namespace curcrunch::ingest
