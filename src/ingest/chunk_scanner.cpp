#include "curcrunch/ingest/chunk_scanner.hpp"

namespace curcrunch::ingest {
namespace detail {
bool scan_chunk_sse2(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&);
bool scan_chunk_avx2(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&);
void count_quotes_newlines_sse2(const char*, size_t, uint64_t&, uint64_t&);
void count_quotes_newlines_avx2(const char*, size_t, uint64_t&, uint64_t&);
}  // namespace detail

namespace {
using Kernel = bool (*)(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&);

bool cpu_has_avx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul");
}

// Chosen once; the choice never changes during a run.
const bool kUseAvx2 = cpu_has_avx2();
}  // namespace

bool scan_chunk(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cursor,
                ScanBatch& batch) {
    Kernel k = kUseAvx2 ? detail::scan_chunk_avx2 : detail::scan_chunk_sse2;
    return k(cfg, buf, len, cursor, batch);
}

void count_quotes_newlines(const char* buf, size_t len, uint64_t& quotes, uint64_t& newlines) {
    if (kUseAvx2)
        detail::count_quotes_newlines_avx2(buf, len, quotes, newlines);
    else
        detail::count_quotes_newlines_sse2(buf, len, quotes, newlines);
}

size_t find_record_boundary(const char* buf, size_t len, bool quoting, uint64_t quotes) {
    // Walk back from the end: a newline is a record end when the number of quotes before it is
    // even. Usually this finds the last newline within one record's length.
    uint64_t after = 0;
    for (size_t i = len; i-- > 0;) {
        const char c = buf[i];
        if (c == '"' && quoting) {
            ++after;
        } else if (c == '\n' && (!quoting || ((quotes - after) & 1) == 0)) {
            return i + 1;
        }
    }
    return 0;
}

std::vector<uint32_t> next_needed_columns(const int32_t* slot_of, uint32_t columns) {
    std::vector<uint32_t> next(columns + 1u, UINT32_MAX);
    for (uint32_t c = columns; c-- > 0;)
        next[c] = slot_of[c] >= 0 ? c : next[c + 1];
    return next;
}

const char* scan_kernel_name() {
    return kUseAvx2 ? "avx2" : "sse2";
}

}  // namespace curcrunch::ingest
