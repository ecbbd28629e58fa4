#include "curcrunch/ingest/rollup.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::ingest {
namespace {

// "2024-01-03, account 012345678901, service AmazonEC2": enough to find the rows of a group.
std::string group_text(const StringPool& pool, Day day, uint32_t account, uint32_t product) {
    return format_day(day) + ", account " + shown_text(pool.at(account)) + ", service " +
           shown_text(pool.at(product));
}

std::string too_large(const char* measure, const std::string& group, const char* bound) {
    return std::string("the sum of ") + measure + " for " + group + " exceeds " + bound +
           " in magnitude";
}

constexpr int kMeasureCount = 7;
const char* const kMeasureNames[kMeasureCount] = {
    "unblended cost",     "blended cost",          "net unblended cost", "amortized cost",
    "net amortized cost", "public on-demand cost", "usage amount"};

// The fields of a Measures, in kMeasureNames' order.
template <class M, class A>
void measure_fields(M& m, A* (&out)[kMeasureCount]) {
    out[0] = &m.unblended;
    out[1] = &m.blended;
    out[2] = &m.net_unblended;
    out[3] = &m.amortized;
    out[4] = &m.net_amortized;
    out[5] = &m.public_on_demand;
    out[6] = &m.usage;
}

// Adds b's measures into a's, checking each running sum against kMaxRunning (see
// core/money.hpp for why the per-row adds that built b need no check and these cannot
// overflow; the stored bound is checked once all is merged, by first_out_of_bound).
struct Merger {
    const StringPool& pool;  // the merged rollup's pool: group names are looked up here
    void add(Amount& acc, Amount v, const char* measure, Day day, uint32_t account,
             uint32_t product) const {
        if (!add_within(acc, v, kMaxRunning))
            throw_input(too_large(measure, group_text(pool, day, account, product), "2^120"));
    }
    void add(Measures& a, const Measures& b, Day day, uint32_t account, uint32_t product) const {
        Amount* to[kMeasureCount];
        const Amount* from[kMeasureCount];
        measure_fields(a, to);
        measure_fields(b, from);
        for (int i = 0; i < kMeasureCount; ++i)
            add(*to[i], *from[i], kMeasureNames[i], day, account, product);
    }
};

// The first measure of a group beyond kMaxAmount, as a message, or "".
std::string first_beyond(const StringPool& pool, const Measures& m, Day day, uint32_t account,
                         uint32_t product) {
    const Amount* v[kMeasureCount];
    measure_fields(m, v);
    for (int i = 0; i < kMeasureCount; ++i)
        if (!within_amount_bound(*v[i]))
            return too_large(kMeasureNames[i], group_text(pool, day, account, product),
                             kMaxAmountText);
    return {};
}

}  // namespace

// The per-row adds (into pending sums, here into the groups) are unchecked: a worker's rollup
// settles and merges after at most kRowsPerFlush rows plus one unit of work, so each sum stays
// far below 2^127 (core/money.hpp, 3.). Each row reaches its cost and line group once, and each
// of its tag groups once (one value per tag key, row_decoder.cpp drop_repeated_tag_keys).
void Rollup::settle() {
    row_keys.drain([this](const RowKeyIndex::Groups& g, const RowKeyIndex::Pending& p) {
        CostSums& c = cost.at(g.cost);
        c.add(p);
        c.rows += p.rows;
        if (g.tagged) c.tagged_unblended += p.unblended;
        LineSums& l = lines.at(g.line);
        l.add(p);
        l.rows += p.rows;
        const uint32_t* tg = row_keys.tag_groups(g.tag_begin);
        for (uint32_t i = 0; i < g.tag_count; ++i) {
            TagSums& t = tags.at(tg[i]);
            t.add(p);
            t.rows += p.rows;
        }
    });
}

namespace {

// Adds every entry of `from` into `into`, in from's order (so into's entries come in the order
// one lookup per entry gives): `translate(key)` turns a key of from's pool into one of into's,
// `add(sums, key, value)` adds an entry's sums. The shared rollup of a wide ingest holds
// millions of groups, far more than the cache, and each lookup waits on its slot and then on
// the entry the slot names; asked for some entries ahead, both have arrived when the lookup
// runs (measured on 1.07 GB of daily rows, 8.4 million groups, two threads: the merge stage
// 5.6 -> 3.7 CPU s with the rehash prefetch of group_map.hpp, 2.5 once the entries also grew
// with realloc).
template <class Key, class Sums, class Translate, class Add>
void merge_map(GroupMap<Key, Sums>& into, const GroupMap<Key, Sums>& from, Translate translate,
               Add add) {
    // Entry e is translated and its slot asked for at step e, its entry asked for at step
    // e + kDistance and looked up at step e + 2 * kDistance; kRing holds the keys in between.
    constexpr size_t kDistance = 8, kRing = 4 * kDistance;
    Key keys[kRing];
    uint64_t hashes[kRing];
    const auto& src = from.entries();
    const size_t n = src.size();
    for (size_t step = 0; step < n + 2 * kDistance; ++step) {
        if (step < n) {
            Key& k = keys[step % kRing];
            k = src[step].key;
            translate(k);
            hashes[step % kRing] = GroupMap<Key, Sums>::hash_of(k);
            into.prefetch_slot(hashes[step % kRing]);
        }
        if (step >= kDistance && step - kDistance < n)
            into.prefetch_entry(hashes[(step - kDistance) % kRing]);
        if (step >= 2 * kDistance) {
            const size_t e = step - 2 * kDistance;
            add(into.at(into.index_of(keys[e % kRing], hashes[e % kRing])), keys[e % kRing],
                src[e].value);
        }
    }
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
    const Merger mg{pool};
    merge_map(
        cost, other.cost,
        [&](CostKey& k) {
            for (uint32_t& d : k.dim)
                d = tr(d);
        },
        [&](CostSums& s, const CostKey& k, const CostSums& v) {
            const uint32_t acc = k.dim[kDimUsageAccount], prod = k.dim[kDimProductCode];
            mg.add(s, v, k.day, acc, prod);
            mg.add(s.tagged_unblended, v.tagged_unblended, "tagged cost", k.day, acc, prod);
            s.rows += v.rows;
        });
    merge_map(
        lines, other.lines,
        [&](LineKey& k) {
            for (uint32_t* id : {&k.payer, &k.usage_account, &k.product_code, &k.usage_type,
                                 &k.line_item_type, &k.description, &k.unit, &k.currency})
                *id = tr(*id);
        },
        [&](LineSums& s, const LineKey& k, const LineSums& v) {
            mg.add(s, v, k.day, k.usage_account, k.product_code);
            s.rows += v.rows;
        });
    merge_map(
        tags, other.tags,
        [&](TagKey& k) {
            for (uint32_t* id :
                 {&k.payer, &k.usage_account, &k.product_code, &k.key, &k.value, &k.currency})
                *id = tr(*id);
        },
        [&](TagSums& s, const TagKey& k, const TagSums& v) {
            mg.add(s, v, k.day, k.usage_account, k.product_code);
            s.rows += v.rows;
        });
}

std::string Rollup::first_out_of_bound() const {
    for (const auto& e : cost.entries()) {
        const uint32_t acc = e.key.dim[kDimUsageAccount], prod = e.key.dim[kDimProductCode];
        std::string why = first_beyond(pool, e.value, e.key.day, acc, prod);
        if (why.empty() && !within_amount_bound(e.value.tagged_unblended))
            why = too_large("tagged cost", group_text(pool, e.key.day, acc, prod), kMaxAmountText);
        if (!why.empty()) return why;
    }
    for (const auto& e : lines.entries()) {
        std::string why =
            first_beyond(pool, e.value, e.key.day, e.key.usage_account, e.key.product_code);
        if (!why.empty()) return why;
    }
    for (const auto& e : tags.entries()) {
        std::string why =
            first_beyond(pool, e.value, e.key.day, e.key.usage_account, e.key.product_code);
        if (!why.empty()) return why;
    }
    return {};
}

}  // namespace curcrunch::ingest
