#pragma once
// Maps the raw bytes of a row's grouping fields (day, period and every dimension string, as one
// composite) straight to its cost, line-item and tag group entries. Most CUR rows repeat a
// composite seen before (the same resource, hour after hour), so a row costs one hash of ~150
// bytes, one probe and one addition of its measures to the composite's pending sums, instead of
// interning a dozen strings, probing the group maps and adding to every group (Rollup::settle
// adds each composite's sums to its groups once). Entries are removed only all at once (clear).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/hash.hpp"
#include "curcrunch/ingest/measures.hpp"

namespace curcrunch::ingest {

// Sizes: the engine clears a worker's index (flushing its rollup) once it holds its flush size
// (at most kMaxFlushGroups <= 2^16) in entries or kFlushKeyBytes of keys and tag lists, checked
// after each chunk; a chunk is < 2^28 bytes and each new entry, and each tag in its list, takes
// at least one byte of it. So entries stay below 2^16 + 2^28 and tag list offsets below
// 2^24 + 2^28: uint32 is enough for both (add_tag_groups checks anyway), and a row may carry any
// number of tags. The arena's records (16 bytes and a key each) are addressed by 32-bit
// offsets too; that they stay below 4 GiB rests on the key sizes of a chunk's rows, so insert
// checks it.
class RowKeyIndex {
  public:
    struct Groups {
        uint32_t cost;
        uint32_t line;
        uint32_t tag_begin;  // tag group indices live in tag_groups()[tag_begin, +tag_count)
        uint32_t tag_count;
        bool tagged;             // at least one user (non-aws_) tag
        uint32_t composite = 0;  // in a typed reader's code index: the rollup's composite entry
    };
    // The measures and row count a composite's rows added since the last settle.
    struct Pending : Measures {
        int64_t rows = 0;
    };
    // An entry: its index + 1; 0 is no entry. Valid until clear().
    using Ref = uint32_t;
    RowKeyIndex() : slots_(4096, 0), mask_(4095) {}

    // The entry of `key`, or 0. `hash` is any hash of `key`, but one function for every find
    // and insert on this index (the composite index hashes with composite_hash.hpp's, the
    // Parquet code index with its own): entries are compared by hash first. A slot leads
    // straight to its key's record in the arena (hash, length, ref, bytes), so a row whose
    // key is there waits on two memory reads (slot, record), not three (slot, entry, key).
    Ref find(std::string_view key, uint64_t hash) const {
        for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
            const uint32_t s = slots_[i];
            if (s == 0) return 0;
            const char* rec = arena_.data() + (s - 1);
            RecordHead h;
            std::memcpy(&h, rec, sizeof h);
            if (h.hash == hash && h.len == key.size() &&
                std::memcmp(rec + sizeof h, key.data(), key.size()) == 0)
                return h.ref;
        }
    }
    Ref insert(std::string_view key, uint64_t hash, Groups g) {
        // Slots hold a record's offset + 1 in 32 bits (Sizes, above).
        const size_t at = arena_.size();
        if (at + sizeof(RecordHead) + key.size() >= UINT32_MAX)
            throw Error(ErrorKind::internal, "row key index: keys over 4 GiB");
        const Ref ref = static_cast<Ref>(entries_.size() + 1);
        const RecordHead h{hash, static_cast<uint32_t>(key.size()), ref};
        arena_.resize(at + sizeof h + key.size());
        std::memcpy(arena_.data() + at, &h, sizeof h);
        if (!key.empty()) std::memcpy(arena_.data() + at + sizeof h, key.data(), key.size());
        entries_.push_back(Entry{static_cast<uint32_t>(at), g});
        pending_.emplace_back();
        place(slots_, mask_, hash, static_cast<uint32_t>(at));
        if (entries_.size() * 2 > slots_.size()) rehash();
        return ref;
    }
    const Groups& groups(Ref r) const { return entries_[r - 1].groups; }
    Pending& pending(Ref r) { return pending_[r - 1]; }

    // Calls f(groups, pending) for every entry with pending rows, then clears them.
    template <class F>
    void drain(F&& f) {
        for (size_t n = 0; n < entries_.size(); ++n) {
            Pending& p = pending_[n];
            if (p.rows == 0) continue;
            f(entries_[n].groups, static_cast<const Pending&>(p));
            p = Pending{};
        }
    }

    size_t size() const { return entries_.size(); }
    // Memory held by keys, entries, pending sums and tag lists (what a hostile input can grow).
    size_t bytes() const {
        return arena_.size() + entries_.size() * (sizeof(Entry) + sizeof(Pending)) +
               tag_groups_.size() * sizeof(uint32_t);
    }
    void clear() {
        std::fill(slots_.begin(), slots_.end(), 0u);
        entries_.clear();
        pending_.clear();
        arena_.clear();
        tag_groups_.clear();
    }

    // Appends the tag group indices of a new composite; returns where they start.
    uint32_t add_tag_groups(const uint32_t* idx, size_t n) {
        if (tag_groups_.size() + n >= UINT32_MAX)
            throw Error(ErrorKind::internal, "row key index: tag lists over 2^32 entries");
        uint32_t at = static_cast<uint32_t>(tag_groups_.size());
        tag_groups_.insert(tag_groups_.end(), idx, idx + n);
        return at;
    }
    const uint32_t* tag_groups(uint32_t begin) const { return tag_groups_.data() + begin; }

  private:
    struct Entry {
        uint32_t offset;  // of its record in arena_, which holds the hash
        Groups groups;
    };
    // What precedes a key's bytes in arena_ (copied in and out: records are not aligned).
    struct RecordHead {
        uint64_t hash;
        uint32_t len;
        Ref ref;
    };
    static void place(std::vector<uint32_t>& slots, size_t mask, uint64_t hash, uint32_t offset) {
        size_t i = hash & mask;
        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = offset + 1;
    }
    void rehash() {
        std::vector<uint32_t> bigger(slots_.size() * 2, 0);
        const size_t mask = bigger.size() - 1;
        for (const Entry& e : entries_) {
            RecordHead h;
            std::memcpy(&h, arena_.data() + e.offset, sizeof h);
            place(bigger, mask, h.hash, e.offset);
        }
        slots_.swap(bigger);
        mask_ = mask;
    }
    std::vector<uint32_t> slots_;  // a record's offset in arena_ + 1; 0: empty
    size_t mask_;
    std::vector<Entry> entries_;
    std::vector<Pending> pending_;  // per entry (apart: probes touch only slots_ and arena_)
    std::vector<char> arena_;       // records: RecordHead, then the key's bytes
    std::vector<uint32_t> tag_groups_;
};

}  // namespace curcrunch::ingest
