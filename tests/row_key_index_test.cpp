// The row key index (ingest/row_key_index.hpp), whose slots lead straight to a key's record in
// its arena: every key inserted is found again with its groups and pending sums across many
// rehashes, keys that share a hash or a prefix are told apart by their bytes, and clear()
// forgets everything. The composite hash (ingest/composite_hash.hpp) depends on a key's bytes
// only, not on the slack it may read past them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "curcrunch/ingest/composite_hash.hpp"
#include "curcrunch/ingest/row_key_index.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::ingest;

namespace {

RowKeyIndex::Groups groups_of(uint32_t n) {
    RowKeyIndex::Groups g{};
    g.cost = n;
    g.line = n + 1;
    g.tag_begin = 2 * n;
    g.tag_count = n % 3;
    g.tagged = n % 2 == 0;
    return g;
}

// Keys of many lengths (none, short, longer than a cache line), so records in the arena start
// at every alignment.
std::string key_of(uint32_t n) {
    return std::string(n % 97, static_cast<char>('a' + n % 26)) + std::to_string(n);
}

}  // namespace

TEST(RowKeyIndex, FindsEveryKeyAcrossRehashes) {
    RowKeyIndex idx;
    constexpr uint32_t kKeys = 20000;  // the index starts at 4,096 slots: several rehashes
    std::vector<RowKeyIndex::Ref> refs;
    for (uint32_t n = 0; n < kKeys; ++n) {
        const std::string k = key_of(n);
        ASSERT_EQ(idx.find(k, hash_bytes(k.data(), k.size())), 0u) << n;
        refs.push_back(idx.insert(k, hash_bytes(k.data(), k.size()), groups_of(n)));
        ASSERT_EQ(refs.back(), n + 1);  // an entry's index + 1
        idx.pending(refs.back()).rows = n;
    }
    ASSERT_EQ(idx.size(), kKeys);
    for (uint32_t n = 0; n < kKeys; ++n) {
        const std::string k = key_of(n);
        const RowKeyIndex::Ref r = idx.find(k, hash_bytes(k.data(), k.size()));
        ASSERT_EQ(r, refs[n]) << n;
        EXPECT_EQ(idx.groups(r).cost, n);
        EXPECT_EQ(idx.groups(r).tag_begin, 2 * n);
        EXPECT_EQ(idx.groups(r).tagged, n % 2 == 0);
        EXPECT_EQ(idx.pending(r).rows, static_cast<int64_t>(n));
    }
    const std::string absent = key_of(kKeys);
    EXPECT_EQ(idx.find(absent, hash_bytes(absent.data(), absent.size())), 0u);
}

TEST(RowKeyIndex, KeysWithOneHashAreToldApartByTheirBytes) {
    // A hash function that collides on purpose: each key is found by its bytes, not its hash,
    // including the empty key and keys that are prefixes of one another.
    RowKeyIndex idx;
    const std::vector<std::string> keys = {
        "", "a", "ab", "abc", "abd", std::string(300, 'x'), std::string(301, 'x')};
    constexpr uint64_t kSameHash = 0x1234567800000001ull;
    for (size_t i = 0; i < keys.size(); ++i)
        ASSERT_EQ(idx.insert(keys[i], kSameHash, groups_of(static_cast<uint32_t>(i))), i + 1);
    for (size_t i = 0; i < keys.size(); ++i) {
        const RowKeyIndex::Ref r = idx.find(keys[i], kSameHash);
        ASSERT_EQ(r, i + 1) << "key " << i;
        EXPECT_EQ(idx.groups(r).cost, i);
    }
    EXPECT_EQ(idx.find("abe", kSameHash), 0u);
    EXPECT_EQ(idx.find(std::string(299, 'x'), kSameHash), 0u);
    EXPECT_EQ(idx.find("abc", kSameHash + 1), 0u);  // the hash must match too
}

TEST(RowKeyIndex, ClearForgetsEveryKey) {
    RowKeyIndex idx;
    for (uint32_t n = 0; n < 5000; ++n) {
        const std::string k = key_of(n);
        idx.insert(k, hash_bytes(k.data(), k.size()), groups_of(n));
    }
    EXPECT_GT(idx.bytes(), 0u);
    idx.clear();
    EXPECT_EQ(idx.size(), 0u);
    for (uint32_t n = 0; n < 5000; n += 7) {
        const std::string k = key_of(n);
        EXPECT_EQ(idx.find(k, hash_bytes(k.data(), k.size())), 0u) << n;
    }
    // Refs start again at 1, and the records written after the clear are found.
    const std::string k = key_of(42);
    EXPECT_EQ(idx.insert(k, hash_bytes(k.data(), k.size()), groups_of(42)), 1u);
    EXPECT_EQ(idx.find(k, hash_bytes(k.data(), k.size())), 1u);
}

// The hash reads the last 1-7 bytes of a key as one word and masks off the slack past them: a
// key hashes alike whatever that slack holds (else a row's composite, built in a reused buffer,
// would hash by what the longer row before left there, and one key would get several entries),
// and its last byte still counts.
TEST(CompositeHash, DependsOnTheKeyNotOnTheSlackPastIt) {
    for (size_t n = 0; n <= 72; ++n) {
        std::string key(n, '\0');
        for (size_t i = 0; i < n; ++i)
            key[i] = static_cast<char>('a' + (i * 7) % 26);
        std::string zeros = key + std::string(kCompositeHashSlack, '\0');
        std::string junk = key + std::string(kCompositeHashSlack, '\xA5');
        EXPECT_EQ(composite_hash(zeros.data(), n), composite_hash(junk.data(), n)) << n;
        if (n == 0) continue;
        std::string last = junk;
        last[n - 1] = static_cast<char>(last[n - 1] ^ 1);
        EXPECT_NE(composite_hash(last.data(), n), composite_hash(junk.data(), n)) << n;
        // One byte fewer is another key, even when the byte dropped is zero.
        std::string shorter = zeros;
        shorter[n - 1] = '\0';
        EXPECT_NE(composite_hash(shorter.data(), n - 1), composite_hash(shorter.data(), n)) << n;
    }
}

}  // namespace CURCRUNCH_UNITY_ID
