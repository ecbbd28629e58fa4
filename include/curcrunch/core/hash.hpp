#pragma once
// Fast non-cryptographic hashing for in-memory tables (not for anything stored or compared
// across runs).
#include <cstdint>
#include <cstring>

namespace curcrunch {

inline uint64_t mix64(uint64_t x) noexcept {
    x ^= x >> 31;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    return x;
}

inline uint64_t hash_bytes(const void* data, size_t n) noexcept {
    const char* p = static_cast<const char*>(data);
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
    while (n >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h = (h << 29) | (h >> 35);
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        std::memcpy(&w, p, n);
        h = (h ^ w) * 0x94d049bb133111ebull;
    }
    return mix64(h);
}

}  // namespace curcrunch
