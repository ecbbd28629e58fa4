#pragma once
// Open-addressing hash map for aggregation. Keys are trivially copyable structs of integer ids
// without padding (hashed and compared bytewise); entries live in insertion order in one array,
// so iteration is cache friendly and deterministic for one insertion sequence.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
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
    // The entries grow with realloc (below), which moves bytes without constructors.
    static_assert(std::is_trivially_copyable_v<Entry>);

    GroupMap() : slots_(256, 0), mask_(255) {}
    // A map moved from holds no entries (size 0), as a moved-from vector; like the vector of
    // slots it gives its memory away, so it may only be destroyed or assigned to.
    GroupMap(GroupMap&& o) noexcept
        : slots_(std::move(o.slots_)),
          mask_(o.mask_),
          entries_(std::move(o.entries_)),
          size_(std::exchange(o.size_, 0)),
          capacity_(std::exchange(o.capacity_, 0)) {}
    GroupMap& operator=(GroupMap&& o) noexcept {
        slots_ = std::move(o.slots_);
        mask_ = o.mask_;
        entries_ = std::move(o.entries_);
        size_ = std::exchange(o.size_, 0);
        capacity_ = std::exchange(o.capacity_, 0);
        return *this;
    }
    GroupMap(const GroupMap& o) : slots_(o.slots_), mask_(o.mask_) { assign_entries(o); }
    GroupMap& operator=(const GroupMap& o) {
        GroupMap copy(o);  // this map stays as it was if the copy cannot be made
        return *this = std::move(copy);
    }

    Value& operator[](const Key& k) { return at(index_of(k)); }

    static uint64_t hash_of(const Key& k) noexcept { return hash_bytes(&k, sizeof(Key)); }

    // Index of k's entry, inserting a zero value when absent. Indices are stable.
    uint32_t index_of(const Key& k) { return index_of(k, hash_of(k)); }

    // Hints for a lookup of the key whose hash_of is h, some lookups ahead of it: a map of
    // millions of groups is far bigger than the cache, and each lookup waits first on its slot
    // and then on the entry the slot names. prefetch_slot asks for the slot; prefetch_entry,
    // once the slot has had time to arrive, for the key and sums it names. Only hints: the
    // lookup itself probes the map as it is by then.
    void prefetch_slot(uint64_t h) const noexcept { __builtin_prefetch(&slots_[h & mask_]); }
    void prefetch_entry(uint64_t h) const noexcept {
        const uint32_t s = slots_[h & mask_];
        if (s == 0) return;
        const char* e = reinterpret_cast<const char*>(entries_.get() + (s - 1));
        for (size_t b = 0; b < sizeof(Entry); b += 64)
            __builtin_prefetch(e + b, 1);
    }

    // index_of(k), given h = hash_of(k).
    uint32_t index_of(const Key& k, uint64_t h) {
        size_t i = h & mask_;
        for (;;) {
            uint32_t s = slots_[i];
            if (s == 0) break;
            if (std::memcmp(&entries_.get()[s - 1].key, &k, sizeof(Key)) == 0) return s - 1;
            i = (i + 1) & mask_;
        }
        // Indices are uint32 (kept in slots_ and in row-key entries); 2^32 groups would need
        // hundreds of GB, so this is a guard, not a limit anyone meets.
        if (size_ >= UINT32_MAX - 1)
            throw Error(ErrorKind::input, "more than 2^32 - 2 rollup groups in one ingest");
        if (size_ == capacity_) reserve(capacity_ < 256 ? 256 : 2 * capacity_);
        new (entries_.get() + size_) Entry{k, Value{}};
        ++size_;
        slots_[i] = static_cast<uint32_t>(size_);
        if (size_ * 2 > slots_.size()) rehash();
        return static_cast<uint32_t>(size_ - 1);
    }
    Value& at(uint32_t index) { return entries_.get()[index].value; }
    // The entries in insertion order. (Not std::span: a few sources that reach this header are
    // compiled as C++17, see curcrunch_qpdf_sources_as_cxx17.)
    struct View {
        const Entry* first;
        size_t count;
        const Entry* begin() const { return first; }
        const Entry* end() const { return first + count; }
        size_t size() const { return count; }
        bool empty() const { return count == 0; }
        const Entry& operator[](size_t i) const { return first[i]; }
    };
    View entries() const { return View{entries_.get(), size_}; }
    // Empties the map but keeps its memory, so refilling touches no fresh pages.
    void clear() {
        size_ = 0;
        std::fill(slots_.begin(), slots_.end(), 0u);
    }
    size_t size() const { return size_; }
    // Memory the map holds: its entries (the pages of the block beyond them are not touched yet)
    // and its slots.
    size_t bytes() const { return size_ * sizeof(Entry) + slots_.size() * sizeof(uint32_t); }
    // Room for n entries. Only address space until entries are added (the pages are touched
    // as the entries fill them). The array grows with realloc, not by copying into a new
    // vector: an array this big is its own mapping, which glibc's realloc moves by remapping
    // its pages, so the shared rollup of a wide ingest (gigabytes of groups) is never copied
    // whole, and never held twice, as it grows.
    void reserve(size_t n) {
        if (n <= capacity_) return;
        void* p = std::realloc(entries_.get(), n * sizeof(Entry));
        if (!p) throw std::bad_alloc();
        (void)entries_.release();
        entries_.reset(static_cast<Entry*>(p));
        capacity_ = n;
    }

  private:
    // Each entry's new slot is asked for kAhead entries before it is written: in a map bigger
    // than the cache every write would otherwise wait on memory in turn.
    void rehash() {
        constexpr size_t kAhead = 16;
        std::vector<uint32_t> bigger(slots_.size() * 2, 0);
        const size_t mask = bigger.size() - 1, n = size_;
        uint64_t ahead[kAhead];
        for (size_t e = 0; e < std::min(kAhead, n); ++e) {
            ahead[e] = hash_of(entries_.get()[e].key);
            __builtin_prefetch(&bigger[ahead[e] & mask], 1);
        }
        for (size_t e = 0; e < n; ++e) {
            size_t i = ahead[e % kAhead] & mask;
            if (e + kAhead < n) {
                const uint64_t h = hash_of(entries_.get()[e + kAhead].key);
                ahead[e % kAhead] = h;
                __builtin_prefetch(&bigger[h & mask], 1);
            }
            while (bigger[i] != 0)
                i = (i + 1) & mask;
            bigger[i] = static_cast<uint32_t>(e + 1);
        }
        slots_.swap(bigger);
        mask_ = mask;
    }
    void assign_entries(const GroupMap& o) {
        reserve(o.size_);
        if (o.size_) std::memcpy(entries_.get(), o.entries_.get(), o.size_ * sizeof(Entry));
        size_ = o.size_;
    }
    struct Free {
        void operator()(Entry* p) const noexcept { std::free(p); }
    };

    std::vector<uint32_t> slots_;  // 0 = empty, else entry index + 1
    size_t mask_;
    std::unique_ptr<Entry, Free> entries_;  // malloc'd; [0, size_) in use, room for capacity_
    size_t size_ = 0, capacity_ = 0;
};

}  // namespace curcrunch::ingest
