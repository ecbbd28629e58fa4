// AVX-512 (F + BW + VBMI2) + PCLMUL kernel: the AVX-512 kernel with one byte compression per
// window instead of four of 32-bit positions. Compiled with those flags alone (CMakeLists.txt)
// and only called after a runtime CPU check; the split's byte counts are the AVX-512 kernel's.
//
// Why: a window of billing CSV holds about eight structural bytes, so the four compressions
// (each two micro-ops on the one vector port that also runs the compares) were mostly spent on
// empty 16-bit quarters of the mask. Compressing the byte offsets 0..63 once and widening the
// first 16 covers almost every window; the bench's 1 GB plain file scanned in 0.146 CPU s/GB
// against 0.172 (one thread, Intel host of 2026-12-07).
#include "chunk_scanner_avx512_load.hpp"
#include "chunk_scanner_impl.hpp"

namespace curcrunch::ingest::detail {
namespace {

// Entries 16*k .. 16*k+15 of the compressed offsets, plus base, as 32-bit positions. The masked
// forms of extract and widen: GCC 12's unmasked ones take an undefined source vector, which
// -Wmaybe-uninitialized flags.
inline __m512i positions_of(__m512i offsets, int k, __m512i base) {
    __m128i part;
    switch (k) {
        case 0:
            part = _mm512_maskz_extracti32x4_epi32(0xF, offsets, 0);
            break;
        case 1:
            part = _mm512_maskz_extracti32x4_epi32(0xF, offsets, 1);
            break;
        case 2:
            part = _mm512_maskz_extracti32x4_epi32(0xF, offsets, 2);
            break;
        default:
            part = _mm512_maskz_extracti32x4_epi32(0xF, offsets, 3);
            break;
    }
    return _mm512_add_epi32(_mm512_maskz_cvtepu8_epi32(0xFFFF, part), base);
}

struct Avx512Vbmi2Masks : Avx512Load {
    using Avx512Load::Avx512Load;
    // The set bits' offsets compressed to the low bytes of one vector, then widened 16 at a
    // time; each store writes 16 entries, of which those up to popcount are kept (the rest is
    // slack, kStopsSlack: at most 64 entries are written, as by the AVX-512 kernel). A window
    // with more than 16 structural bytes (runs of empty fields) takes the rarely taken branch.
    static void write_positions(uint64_t bits, uint32_t base, uint32_t* out) {
        const __m512i offsets = _mm512_set_epi8(
            63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42,
            41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20,
            19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        const __m512i at = _mm512_maskz_compress_epi8(bits, offsets);
        const __m512i b = _mm512_set1_epi32(static_cast<int>(base));
        _mm512_storeu_si512(out, positions_of(at, 0, b));
        if (__builtin_expect(__builtin_popcountll(bits) > 16, 0)) {
            _mm512_storeu_si512(out + 16, positions_of(at, 1, b));
            _mm512_storeu_si512(out + 32, positions_of(at, 2, b));
            _mm512_storeu_si512(out + 48, positions_of(at, 3, b));
        }
    }
};

}  // namespace

bool scan_chunk_avx512_vbmi2(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cur,
                             ScanBatch& batch, const ScanBuffers& out) {
    return scan_chunk_impl<Avx512Vbmi2Masks>(cfg, buf, len, cur, batch, out);
}

}  // namespace curcrunch::ingest::detail
