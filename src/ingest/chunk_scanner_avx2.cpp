// AVX2 + PCLMUL kernel; this file alone is compiled with -mavx2 -mpclmul (see CMakeLists.txt)
// and is only called after a runtime CPU check, so nothing from it leaks into baseline code.
#include <immintrin.h>

#include "chunk_scanner_clmul.hpp"
#include "chunk_scanner_impl.hpp"

namespace curcrunch::ingest::detail {
namespace {

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
    static void write_positions(uint64_t bits, uint32_t base, uint32_t* out) {
        write_positions_scalar(bits, base, out);
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
