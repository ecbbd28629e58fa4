// AVX-512 (F + BW) + PCLMUL kernel; this file alone is compiled with those flags (see
// CMakeLists.txt) and is only called after a runtime CPU check. One 64-byte load and one
// compare per mask, and the positions of a window's structural bytes written by compressing a
// vector of positions, 16 at a time, instead of one count-trailing-zeros per byte.
#include <immintrin.h>

#include "chunk_scanner_clmul.hpp"
#include "chunk_scanner_impl.hpp"

namespace curcrunch::ingest::detail {
namespace {

struct Avx512Masks {
    explicit Avx512Masks(char delim)
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
    // Four compressions of 16 positions each; each store writes 16 entries, of which the first
    // popcount are kept (the rest is slack, kStopsSlack).
    static void write_positions(uint64_t bits, uint32_t base, uint32_t* out) {
        __m512i at = _mm512_add_epi32(
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
            _mm512_set1_epi32(static_cast<int>(base)));
        const __m512i step = _mm512_set1_epi32(16);
        for (int k = 0; k < 4; ++k) {
            const auto m = static_cast<__mmask16>(bits >> (16 * k));
            _mm512_storeu_si512(out, _mm512_maskz_compress_epi32(m, at));
            out += __builtin_popcount(m);
            at = _mm512_add_epi32(at, step);
        }
    }
    __m512i vq, vd, vn;
};

}  // namespace

bool scan_chunk_avx512(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cur,
                       ScanBatch& batch, const ScanBuffers& out) {
    return scan_chunk_impl<Avx512Masks>(cfg, buf, len, cur, batch, out);
}

void count_quotes_newlines_avx512(const char* buf, size_t len, ByteCounts& out) {
    count_quotes_newlines_impl<Avx512Masks>(buf, len, out);
}

}  // namespace curcrunch::ingest::detail
