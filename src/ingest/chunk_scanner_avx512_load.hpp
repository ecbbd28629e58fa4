#pragma once
// The masks of a 64-byte window as both AVX-512 kernels compute them (chunk_scanner_avx512.cpp
// and chunk_scanner_avx512_vbmi2.cpp, which differ only in how they write positions). Only
// translation units compiled for AVX-512 F + BW and PCLMUL include this, and what it defines
// has internal linkage (an anonymous namespace of each includer), for the reason given in
// chunk_scanner_impl.hpp.
#include <immintrin.h>

#include <cstdint>

#include "chunk_scanner_clmul.hpp"

namespace curcrunch::ingest::detail {
namespace {

// One 64-byte load and one compare per mask.
struct Avx512Load {
    explicit Avx512Load(char delim)
        : vq(_mm512_set1_epi8('"')), vd(_mm512_set1_epi8(delim)), vn(_mm512_set1_epi8('\n')) {}
    void load(const char* p, uint64_t& q, uint64_t& d, uint64_t& n) const {
        const __m512i x = _mm512_loadu_si512(p);
        q = _mm512_cmpeq_epi8_mask(x, vq);
        d = _mm512_cmpeq_epi8_mask(x, vd);
        n = _mm512_cmpeq_epi8_mask(x, vn);
    }
    // Bytes with the top bit set (not ASCII).
    static uint64_t high(const char* p) { return _mm512_movepi8_mask(_mm512_loadu_si512(p)); }
    static uint64_t prefix_xor(uint64_t x) { return prefix_xor_clmul(x); }
    __m512i vq, vd, vn;
};

}  // namespace
}  // namespace curcrunch::ingest::detail
