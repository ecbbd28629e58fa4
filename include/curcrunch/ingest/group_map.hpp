#pragma once
// Open-addressing hash map for aggregation. Keys are trivially copyable structs of integer ids
// without padding (hashed and compared bytewise); entries live in insertion order in a vector,
// so iteration is cache friendly and deterministic for one insertion sequence.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/hash.hpp"

namespace curcrunch::ingest {

template <class Key, class Value>
class GroupMap {
    static_assert(std::is_trivially_copyable_v<Key>);
    static_assert(std::has_unique_object_representations_v<Key>, "key must have no padding");

  public:
    struct Entry {
        Key key;
        Value value;
    };
    GroupMap() : slots_(256, 0), mask_(255) {}

    Value& operator[](const Key& k) { return entries_[index_of(k)].value; }

    // Index of k's entry, inserting a zero value when absent. Indices are stable.
    uint32_t index_of(const Key& k) {
        const uint64_t h = hash_bytes(&k, sizeof(Key));
        size_t i = h & mask_;
        for (;;) {
            uint32_t s = slots_[i];
            if (s == 0) break;
            if (std::memcmp(&entries_[s - 1].key, &k, sizeof(Key)) == 0) return s - 1;
            i = (i + 1) & mask_;
        }
        // Indices are uint32 (kept in slots_ and in row-key entries); 2^32 groups would need
        // hundreds of GB, so this is a guard, not a limit anyone meets.
        if (entries_.size() >= UINT32_MAX - 1)
            throw Error(ErrorKind::input, "more than 2^32 - 2 rollup groups in one ingest");
        entries_.push_back(Entry{k, Value{}});
        slots_[i] = static_cast<uint32_t>(entries_.size());
        if (entries_.size() * 2 > slots_.size()) rehash();
        return static_cast<uint32_t>(entries_.size() - 1);
    }
    Value& at(uint32_t index) { return entries_[index].value; }
    const std::vector<Entry>& entries() const { return entries_; }
    // Empties the map but keeps its memory, so refilling touches no fresh pages.
    void clear() {
        entries_.clear();
        std::fill(slots_.begin(), slots_.end(), 0u);
    }
    size_t size() const { return entries_.size(); }
    // Room for n entries: the entries are never copied to a bigger vector until then. Only
    // address space until entries are added (the pages are touched as the entries fill them).
    void reserve(size_t n) { entries_.reserve(n); }

  private:
    void rehash() {
        std::vector<uint32_t> bigger(slots_.size() * 2, 0);
        size_t mask = bigger.size() - 1;
        for (size_t n = 0; n < entries_.size(); ++n) {
            size_t i = hash_bytes(&entries_[n].key, sizeof(Key)) & mask;
            while (bigger[i] != 0)
                i = (i + 1) & mask;
            bigger[i] = static_cast<uint32_t>(n + 1);
        }
        slots_.swap(bigger);
        mask_ = mask;
    }
    std::vector<uint32_t> slots_;  // 0 = empty, else entry index + 1
    size_t mask_;
    std::vector<Entry> entries_;
};

}  // namespace curcrunch::ingest
