// Baseline kernel: SSE2 is part of x86-64, so this runs on every machine we build for.
#include <emmintrin.h>

#include "chunk_scanner_impl.hpp"

namespace curcrunch::ingest::detail {
namespace {

struct Sse2Masks {
    explicit Sse2Masks(char delim)
        : vq(_mm_set1_epi8('"')), vd(_mm_set1_epi8(delim)), vn(_mm_set1_epi8('\n')) {}
    void load(const char* p, uint64_t& q, uint64_t& d, uint64_t& n) const {
        q = d = n = 0;
        for (int i = 0; i < 4; ++i) {
            __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
            const int sh = 16 * i;
            q |= static_cast<uint64_t>(
                     static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq))))
                 << sh;
            d |= static_cast<uint64_t>(
                     static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd))))
                 << sh;
            n |= static_cast<uint64_t>(
                     static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn))))
                 << sh;
        }
    }
    // Bytes with the top bit set (not ASCII).
    static uint64_t high(const char* p) {
        uint64_t h = 0;
        for (int i = 0; i < 4; ++i)
            h |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i)))))
                 << (16 * i);
        return h;
    }
    static uint64_t prefix_xor(uint64_t x) {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }
    static void write_positions(uint64_t bits, uint32_t base, uint32_t* out) {
        write_positions_scalar(bits, base, out);
    }
    __m128i vq, vd, vn;
};

}  // namespace

bool scan_chunk_sse2(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cur,
                     ScanBatch& batch, const ScanBuffers& out) {
    return scan_chunk_impl<Sse2Masks>(cfg, buf, len, cur, batch, out);
}

void count_quotes_newlines_sse2(const char* buf, size_t len, ByteCounts& out) {
    count_quotes_newlines_impl<Sse2Masks>(buf, len, out);
}

}  // namespace curcrunch::ingest::detail
