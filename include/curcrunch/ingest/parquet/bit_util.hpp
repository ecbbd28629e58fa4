#pragma once
// Little helpers shared by the page decoders: unaligned little-endian loads, ULEB128 varints
// with bounds, and LSB-first bit unpacking. Every read is bounded by an end pointer; the
// decoders call these only after checking the bytes they need are there.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {

inline uint32_t load_le32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
inline uint64_t load_le64(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

// Reads a ULEB128 varint at p (advancing it); throws when it runs past end or past 64 bits.
inline uint64_t read_uleb(const uint8_t*& p, const uint8_t* end, const char* what) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) fail_format(std::string(what) + ": varint runs past the end of the page");
        const uint8_t b = *p++;
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return v;
    }
    fail_format(std::string(what) + ": overlong varint");
}
inline int64_t zigzag(uint64_t z) {
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

// Value i (LSB-first, `width` bits each, width <= 64) of the packed bytes [p, end). Bytes past
// end read as zero, so a short final group decodes without reading out of bounds.
inline uint64_t unpack_one(const uint8_t* p, const uint8_t* end, uint64_t i, unsigned width) {
    if (width == 0) return 0;
    const uint64_t bit = i * width;
    const uint8_t* q = p + (bit >> 3);
    const unsigned shift = static_cast<unsigned>(bit & 7);
    uint8_t buf[16] = {};
    const size_t avail = q < end ? static_cast<size_t>(end - q) : 0;
    std::memcpy(buf, q, avail < 16 ? avail : 16);
    uint64_t lo = load_le64(buf);
    uint64_t v = lo >> shift;
    if (shift + width > 64) v |= static_cast<uint64_t>(buf[8]) << (64 - shift);
    return width == 64 ? v : v & ((uint64_t(1) << width) - 1);
}

// Unpacks n values of `width` bits (<= 32) starting at value index `first` into out. The loop
// reads 8 bytes at a time while they lie inside [p, end); the tail goes through unpack_one.
template <class T>
inline void unpack32_generic(const uint8_t* p, const uint8_t* end, uint64_t first, size_t n,
                             unsigned width, T* out) {
    if (width == 0) {
        for (size_t k = 0; k < n; ++k)
            out[k] = 0;
        return;
    }
    const uint64_t mask = (uint64_t(1) << width) - 1;
    size_t k = 0;
    uint64_t bit = first * width;
    for (; k < n; ++k, bit += width) {
        const uint8_t* q = p + (bit >> 3);
        if (q + 8 > end) break;
        out[k] = static_cast<T>((load_le64(q) >> (bit & 7)) & mask);
    }
    for (; k < n; ++k)
        out[k] = static_cast<T>(unpack_one(p, end, first + k, width));
}

namespace detail {

// kSpreadBits[b]: the 8 bits of b, LSB first, as 8 bytes of 0 or 1 (little-endian order).
inline constexpr std::array<uint64_t, 256> kSpreadBits = [] {
    std::array<uint64_t, 256> t{};
    for (unsigned b = 0; b < 256; ++b)
        for (unsigned i = 0; i < 8; ++i)
            t[b] |= static_cast<uint64_t>((b >> i) & 1) << (8 * i);
    return t;
}();

// Whole groups of 8 values with the width known at compile time: a group is W bytes, and every
// shift and mask below is a constant, so the compiler unrolls the group into plain loads and
// shifts (levels and dictionary indices are the bulk of a dictionary-encoded page).
template <class T, unsigned W>
void unpack_width(const uint8_t* p, const uint8_t* end, uint64_t first, size_t n, T* out) {
    size_t k = 0;
    // Up to the next group boundary one at a time.
    const size_t lead = static_cast<size_t>((8 - (first & 7)) & 7);
    if (lead > 0) {
        const size_t m = lead < n ? lead : n;
        unpack32_generic(p, end, first, m, W, out);
        k = m;
    }
    constexpr uint64_t mask = (uint64_t(1) << W) - 1;
    const uint8_t* q = p + ((first + k) >> 3) * W;
    if constexpr (W == 1 && sizeof(T) == 1) {
        // One-bit levels (a column with nulls, a map's repetition): a byte's 8 values at once.
        while (n - k >= 8 && q < end) {
            std::memcpy(out + k, &kSpreadBits[*q++], 8);
            k += 8;
        }
    }
    // Each value's 8-byte load starts within its group's W bytes: W + 8 bytes must be there.
    while (n - k >= 8 && end - q >= static_cast<ptrdiff_t>(W + 8)) {
        T* o = out + k;
        for (unsigned i = 0; i < 8; ++i) {
            const unsigned bit = i * W;
            o[i] = static_cast<T>((load_le64(q + bit / 8) >> (bit % 8)) & mask);
        }
        q += W;
        k += 8;
    }
    if (k < n) unpack32_generic(p, end, first + k, n - k, W, out + k);
}

template <class T>
using UnpackFn = void (*)(const uint8_t*, const uint8_t*, uint64_t, size_t, T*);

template <class T, size_t... W>
constexpr std::array<UnpackFn<T>, sizeof...(W)> unpack_table(std::index_sequence<W...>) {
    return {&unpack_width<T, static_cast<unsigned>(W + 1)>...};
}

}  // namespace detail

// As unpack32_generic, through a version specialised for the width (1..32).
template <class T>
inline void unpack32(const uint8_t* p, const uint8_t* end, uint64_t first, size_t n, unsigned width,
                     T* out) {
    static constexpr auto table = detail::unpack_table<T>(std::make_index_sequence<32>());
    if (width == 0 || width > 32) return unpack32_generic(p, end, first, n, width, out);
    table[width - 1](p, end, first, n, out);
}

}  // namespace curcrunch::ingest::parquet
