#pragma once
// The texts one row group hands to the row decoder: every distinct value of its text columns
// (dictionary entries once each, plain values interned), rendered once into one contiguous
// arena, so that a row is a set of 32-bit codes and its fields are FieldSpans into the arena.
// Code 0 is the empty text (null). Cleared per row group; its memory is kept.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "curcrunch/core/hash.hpp"
#include "curcrunch/ingest/chunk_scanner.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {

class TextTable {
  public:
    TextTable() { clear(); }

    void clear() {
        arena_.clear();
        spans_.assign(1, FieldSpan{0, 0});
        hashes_.assign(1, 0);
        if (slots_.size() != 1024)
            slots_.assign(1024, 0);
        else
            std::fill(slots_.begin(), slots_.end(), 0u);
        interned_ = 0;
    }
    // A new code for s (no lookup: dictionary entries are distinct already).
    uint32_t add(std::string_view s) {
        if (s.empty()) return 0;
        // FieldSpan offsets are 32-bit: the arena of one row group must stay below 4 GiB.
        if (arena_.size() + s.size() > UINT32_MAX)
            fail_format("a row group's distinct texts exceed 4 GiB");
        const uint32_t b = static_cast<uint32_t>(arena_.size());
        arena_.insert(arena_.end(), s.begin(), s.end());
        spans_.push_back(FieldSpan{b, static_cast<uint32_t>(arena_.size())});
        hashes_.push_back(0);
        return static_cast<uint32_t>(spans_.size() - 1);
    }
    // The code of s, adding it when new.
    uint32_t intern(std::string_view s) {
        if (s.empty()) return 0;
        const uint64_t h = hash_bytes(s.data(), s.size()) | 1;  // 0 marks "not interned"
        size_t mask = slots_.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            const uint32_t c = slots_[i];
            if (c == 0) break;
            if (hashes_[c] == h && text(c) == s) return c;
        }
        const uint32_t c = add(s);
        hashes_[c] = h;
        if (++interned_ * 2 > slots_.size()) rehash();
        mask = slots_.size() - 1;
        size_t i = h & mask;
        while (slots_[i] != 0)
            i = (i + 1) & mask;
        slots_[i] = c;
        return c;
    }
    std::string_view text(uint32_t code) const {
        const FieldSpan f = spans_[code];
        return std::string_view(arena_.data() + f.begin, f.end - f.begin);
    }
    FieldSpan span(uint32_t code) const { return spans_[code]; }
    const FieldSpan* spans() const { return spans_.data(); }
    const char* data() const { return arena_.data(); }
    size_t size() const { return spans_.size(); }

  private:
    void rehash() {
        std::vector<uint32_t> bigger(slots_.size() * 2, 0);
        const size_t mask = bigger.size() - 1;
        for (uint32_t c : slots_) {
            if (c == 0) continue;
            size_t i = hashes_[c] & mask;
            while (bigger[i] != 0)
                i = (i + 1) & mask;
            bigger[i] = c;
        }
        slots_.swap(bigger);
    }
    std::vector<char> arena_;
    std::vector<FieldSpan> spans_;
    std::vector<uint64_t> hashes_;  // per code: its hash when interned, else 0
    std::vector<uint32_t> slots_;
    size_t interned_ = 0;
};

}  // namespace curcrunch::ingest::parquet
