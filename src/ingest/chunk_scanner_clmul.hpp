#pragma once
// The in-quote mask by carry-less multiplication, for the kernels compiled with PCLMUL (AVX2,
// AVX-512); only their translation units include this, and the function has internal linkage
// (see chunk_scanner_impl.hpp on why).
#include <immintrin.h>

#include <cstdint>

namespace curcrunch::ingest::detail {

// Carry-less multiply by all ones = running XOR of the quote bits.
static inline uint64_t prefix_xor_clmul(uint64_t x) {
    const __m128i v = _mm_set_epi64x(0, static_cast<long long>(x));
    const __m128i ones = _mm_set1_epi8(static_cast<char>(0xFF));
    return static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_clmulepi64_si128(v, ones, 0)));
}

}  // namespace curcrunch::ingest::detail
