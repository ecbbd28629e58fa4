// AVX2 + PCLMUL kernel; this file alone is compiled with -mavx2 -mpclmul (see CMakeLists.txt)
// and is only called after a runtime CPU check, so nothing from it leaks into baseline code.
#include <immintrin.h>

#include "chunk_scanner_clmul.hpp"
#include "chunk_scanner_impl.hpp"

namespace curcrunch::ingest::detail {
namespace {

// For each byte value m, the positions of its set bits, one per byte, in order (the rest zero):
// the table the position writer below widens into eight lanes.
struct BitPositions {
    uint64_t of[256];
};
constexpr BitPositions make_bit_positions() {
    BitPositions t{};
    for (unsigned m = 0; m < 256; ++m) {
        unsigned k = 0;
        for (unsigned b = 0; b < 8; ++b)
            if ((m >> b) & 1) t.of[m] |= uint64_t{b} << (8 * k++);
    }
    return t;
}
constexpr BitPositions kBitPositions = make_bit_positions();

struct Avx2Masks {
    explicit Avx2Masks(char delim)
        : vq(_mm256_set1_epi8('"')), vd(_mm256_set1_epi8(delim)), vn(_mm256_set1_epi8('\n')) {}
    void load(const char* p, uint64_t& q, uint64_t& d, uint64_t& n) const {
        const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
        q = join(_mm256_cmpeq_epi8(lo, vq), _mm256_cmpeq_epi8(hi, vq));
        d = join(_mm256_cmpeq_epi8(lo, vd), _mm256_cmpeq_epi8(hi, vd));
        n = join(_mm256_cmpeq_epi8(lo, vn), _mm256_cmpeq_epi8(hi, vn));
    }
    static uint64_t join(__m256i a, __m256i b) {
        return static_cast<uint32_t>(_mm256_movemask_epi8(a)) |
               (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(b))) << 32);
    }
    // Bytes with the top bit set (not ASCII).
    static uint64_t high(const char* p) {
        return join(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)));
    }
    static uint64_t prefix_xor(uint64_t x) { return prefix_xor_clmul(x); }
    // AVX2 has no compress instruction: each byte of the mask picks its bits' positions from
    // the table, widened to eight 32-bit lanes and stored at once; the pointer moves on by the
    // byte's popcount, so a store past the count is overwritten by the next or lands in the
    // slack (at most 8 entries; kStopsSlack). Eight loads and stores per window whatever the
    // bits, with no branch on them: the scan stage went from 0.39 to 0.29 CPU s on the bench's
    // 1 GB file, one thread, against the scalar writer (count-trailing-zeros per bit), which GCC
    // also packs into vectors an insert at a time.
    static void write_positions(uint64_t bits, uint32_t base, uint32_t* out) {
        __m256i at = _mm256_set1_epi32(static_cast<int>(base));
        const __m256i eight = _mm256_set1_epi32(8);
        for (int k = 0; k < 8; ++k) {
            const unsigned m = static_cast<unsigned>(bits >> (8 * k)) & 0xffu;
            const __m256i idx = _mm256_cvtepu8_epi32(
                _mm_cvtsi64_si128(static_cast<long long>(kBitPositions.of[m])));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_add_epi32(idx, at));
            out += __builtin_popcount(m);
            at = _mm256_add_epi32(at, eight);
        }
    }
    __m256i vq, vd, vn;
};

}  // namespace

bool scan_chunk_avx2(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cur,
                     ScanBatch& batch, const ScanBuffers& out) {
    return scan_chunk_impl<Avx2Masks>(cfg, buf, len, cur, batch, out);
}

void count_quotes_newlines_avx2(const char* buf, size_t len, ByteCounts& out) {
    count_quotes_newlines_impl<Avx2Masks>(buf, len, out);
}

}  // namespace curcrunch::ingest::detail
