// AVX-512 (F + BW) + PCLMUL kernel; this file alone is compiled with those flags (see
// CMakeLists.txt) and is only called after a runtime CPU check. The positions of a window's
// structural bytes are written by compressing a vector of positions, 16 at a time, instead of
// one count-trailing-zeros per byte. CPUs with VBMI2 use chunk_scanner_avx512_vbmi2.cpp.
#include "chunk_scanner_avx512_load.hpp"
#include "chunk_scanner_impl.hpp"

namespace curcrunch::ingest::detail {
namespace {

struct Avx512Masks : Avx512Load {
    using Avx512Load::Avx512Load;
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
