#pragma once
// The hash of a row's composite (its grouping fields, row_composite.cpp) in the row key index.
// core/hash.hpp's hash_bytes would do, but a composite is hundreds of bytes hashed once per input
// row, and that function's one multiply chain waits on itself: here four lanes take 32 bytes a
// round, their multiplies overlapping, then fold into one value (measured: decode+aggregate
// 0.48 -> 0.37 CPU s/GB with the inline text() fast path).
//
// The last 1-7 bytes are read as one 8-byte word and masked: a copy of a variable length into
// the word was stored a byte at a time, and its load waited on those stores (5% of
// resolve_composite). So `data` must have kCompositeHashSlack readable bytes past `n`; what they
// hold does not change the hash.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "curcrunch/core/hash.hpp"

namespace curcrunch::ingest {

inline constexpr size_t kCompositeHashSlack = 8;

inline uint64_t composite_hash(const void* data, size_t n) noexcept {
    const char* p = static_cast<const char*>(data);
    const uint64_t len = n;
    uint64_t a = 0x9e3779b97f4a7c15ull, b = 0xc2b2ae3d27d4eb4full, c = 0x165667b19e3779f9ull,
             d = 0x27d4eb2f165667c5ull;
    auto lane = [](uint64_t h, const char* q) {
        uint64_t w;
        std::memcpy(&w, q, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        return (h << 29) | (h >> 35);
    };
    while (n >= 32) {
        a = lane(a, p);
        b = lane(b, p + 8);
        c = lane(c, p + 16);
        d = lane(d, p + 24);
        p += 32;
        n -= 32;
    }
    uint64_t h =
        mix64(a ^ (len * 0xff51afd7ed558ccdull)) ^ mix64(b + 1) ^ mix64(c + 2) ^ mix64(d + 3);
    while (n >= 8) {
        h = lane(h, p);
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        // The bytes past n are the buffer's slack, not the key's; on a little-endian machine
        // they are the word's high bytes.
        static_assert(std::endian::native == std::endian::little);
        w &= ~0ull >> (64 - 8 * n);
        h = (h ^ w) * 0x94d049bb133111ebull;
    }
    return mix64(h);
}

}  // namespace curcrunch::ingest
