// The rollup maps that an ingest aggregates into (ingest/group_map.hpp) and the merge of a
// worker's rollup into the shared one (Rollup::merge_from): the entries of a map that grows
// through many reallocations and rehashes keep their indices, order and sums; the merge, whose
// lookups run a few entries ahead of themselves, adds exactly what a plain sum over the inputs
// gives, in first-seen order, across pools that number the same strings differently.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "curcrunch/ingest/group_map.hpp"
#include "curcrunch/ingest/rollup.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::ingest;

namespace {

struct PairKey {
    uint32_t a, b;
};
struct Count {
    int64_t n = 0;
};

// A tag group of `payer` and `value` (strings interned in `r`'s pool) on day `day`.
TagKey tag_key(Rollup& r, int day, const std::string& payer, const std::string& value) {
    return TagKey{202503,
                  day,
                  r.pool.intern(payer),
                  r.pool.intern("acct-" + payer),
                  r.pool.intern("AmazonEC2"),
                  r.pool.intern("user:team"),
                  r.pool.intern(value),
                  r.pool.intern("USD")};
}

// The expected sums of the merged tag groups, by (day, payer, value) as text.
using Expected = std::map<std::tuple<int, std::string, std::string>, std::pair<Amount, int64_t>>;

void add_tags(Rollup& r, Expected& want, int groups, int salt) {
    for (int g = 0; g < groups; ++g) {
        const int day = g % 28;
        const std::string payer = "p" + std::to_string((g * 7 + salt) % 5);
        const std::string value = "v" + std::to_string(g);
        TagSums& s = r.tags[tag_key(r, day, payer, value)];
        const Amount cost = Amount(1000 + g) * (salt + 1);
        s.unblended += cost;
        s.rows += 1;
        auto& w = want[{day, payer, value}];
        w.first += cost;
        w.second += 1;
    }
}

}  // namespace

TEST(RollupMerge, GroupMapKeepsIndicesOrderAndSumsAcrossGrowth) {
    GroupMap<PairKey, Count> m;
    constexpr uint32_t kKeys = 300000;  // past 256 entries' first room by ten doublings
    for (int pass = 0; pass < 2; ++pass)
        for (uint32_t i = 0; i < kKeys; ++i) {
            const uint32_t at = m.index_of(PairKey{i, i * 3u});
            ASSERT_EQ(at, i) << "an index is the order of first insertion";
            m.at(at).n += i;
        }
    ASSERT_EQ(m.size(), kKeys);
    const auto entries = m.entries();
    ASSERT_EQ(entries.size(), kKeys);
    for (uint32_t i = 0; i < kKeys; i += 997) {
        EXPECT_EQ(entries[i].key.a, i);
        EXPECT_EQ(entries[i].value.n, 2 * int64_t(i));
    }
    GroupMap<PairKey, Count> copy(m);
    m.clear();
    EXPECT_EQ(m.size(), 0u);
    EXPECT_EQ(m.index_of(PairKey{5, 15}), 0u) << "a cleared map starts its indices again";
    EXPECT_EQ(m.at(0).n, 0) << "a new entry's value starts at zero";
    ASSERT_EQ(copy.size(), kKeys);
    EXPECT_EQ(copy.index_of(PairKey{kKeys - 1, (kKeys - 1) * 3u}), kKeys - 1);
    EXPECT_EQ(copy.at(kKeys - 1).n, 2 * int64_t(kKeys - 1));
    EXPECT_EQ(copy.size(), kKeys) << "finding a key adds nothing";
    GroupMap<PairKey, Count> moved(std::move(copy));
    EXPECT_EQ(copy.size(), 0u)
        << "a map moved from holds nothing";  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(moved.entries()[7].value.n, 14);
    m = moved;  // copy assignment over a map with entries of its own
    EXPECT_EQ(m.size(), kKeys);
    EXPECT_EQ(m.index_of(PairKey{5, 15}), 5u);
    EXPECT_EQ(m.at(5).n, 10);
}

TEST(RollupMerge, MergeAddsWhatAPlainSumGivesInFirstSeenOrder) {
    Rollup shared, w1, w2;
    Expected want;
    // The workers' pools number the strings in different orders, and the shared maps grow past
    // their first room (and rehash) during the merges.
    w2.pool.intern("v-only-in-w2");
    add_tags(w1, want, 40000, 0);
    add_tags(w2, want, 60000, 1);
    shared.merge_from(w1);
    shared.merge_from(w2);
    shared.merge_from(w1);  // a second flush of the same groups adds them again
    for (const auto& e : w1.tags.entries()) {
        const TagKey& k = e.key;
        auto& w = want[{k.day, std::string(w1.pool.at(k.payer)), std::string(w1.pool.at(k.value))}];
        w.first += e.value.unblended;
        w.second += e.value.rows;
    }
    ASSERT_EQ(shared.tags.size(), want.size());
    size_t checked = 0;
    for (const auto& e : shared.tags.entries()) {
        const TagKey& k = e.key;
        const auto it = want.find(
            {k.day, std::string(shared.pool.at(k.payer)), std::string(shared.pool.at(k.value))});
        ASSERT_NE(it, want.end());
        EXPECT_EQ(e.value.unblended, it->second.first);
        EXPECT_EQ(e.value.rows, it->second.second);
        EXPECT_EQ(shared.pool.at(k.usage_account), "acct-" + std::string(shared.pool.at(k.payer)));
        ++checked;
    }
    EXPECT_EQ(checked, want.size());
    // First seen first: w1's groups in w1's order, then those only w2 has, in w2's order.
    const auto merged = shared.tags.entries();
    for (size_t i = 0; i < w1.tags.size(); i += 101)
        EXPECT_EQ(shared.pool.at(merged[i].key.value), w1.pool.at(w1.tags.entries()[i].key.value));
    const TagKey& first_of_w2 = merged[w1.tags.size()].key;
    EXPECT_EQ(shared.pool.at(first_of_w2.value), "v0");
    EXPECT_EQ(shared.pool.at(first_of_w2.payer), "p1");
}

}  // namespace CURCRUNCH_UNITY_ID
