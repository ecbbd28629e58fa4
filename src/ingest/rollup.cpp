#include "curcrunch/ingest/rollup.hpp"

#include <vector>

namespace curcrunch::ingest {
namespace {

void add(CostSums& a, const CostSums& b) {
    a.unblended += b.unblended;
    a.blended += b.blended;
    a.net_unblended += b.net_unblended;
    a.amortized += b.amortized;
    a.public_on_demand += b.public_on_demand;
    a.usage += b.usage;
    a.tagged_unblended += b.tagged_unblended;
    a.rows += b.rows;
}

}  // namespace

void Rollup::merge_from(const Rollup& other) {
    // Translate the other pool's ids once each.
    std::vector<uint32_t> map(other.pool.size(), UINT32_MAX);
    auto tr = [&](uint32_t id) {
        uint32_t& m = map[id];
        if (m == UINT32_MAX) m = pool.intern(other.pool.at(id));
        return m;
    };
    for (const auto& e : other.cost.entries()) {
        CostKey k = e.key;
        for (uint32_t& d : k.dim)
            d = tr(d);
        add(cost[k], e.value);
    }
    for (const auto& e : other.lines.entries()) {
        LineKey k = e.key;
        k.usage_account = tr(k.usage_account);
        k.product_code = tr(k.product_code);
        k.usage_type = tr(k.usage_type);
        k.line_item_type = tr(k.line_item_type);
        k.description = tr(k.description);
        k.unit = tr(k.unit);
        k.currency = tr(k.currency);
        LineSums& s = lines[k];
        s.unblended += e.value.unblended;
        s.amortized += e.value.amortized;
        s.usage += e.value.usage;
        s.rows += e.value.rows;
    }
    for (const auto& e : other.tags.entries()) {
        TagKey k = e.key;
        k.usage_account = tr(k.usage_account);
        k.product_code = tr(k.product_code);
        k.key = tr(k.key);
        k.value = tr(k.value);
        k.currency = tr(k.currency);
        TagSums& s = tags[k];
        s.unblended += e.value.unblended;
        s.amortized += e.value.amortized;
        s.rows += e.value.rows;
    }
}

}  // namespace curcrunch::ingest
