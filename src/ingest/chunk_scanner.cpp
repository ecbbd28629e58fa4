#include "curcrunch/ingest/chunk_scanner.hpp"

#include "chunk_scanner_impl.hpp"

#include <stdexcept>

namespace curcrunch::ingest {
namespace detail {
bool scan_chunk_sse2(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&,
                     const ScanBuffers&);
bool scan_chunk_avx2(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&,
                     const ScanBuffers&);
bool scan_chunk_avx512(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&,
                       const ScanBuffers&);
bool scan_chunk_avx512_vbmi2(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&,
                             const ScanBuffers&);
void count_quotes_newlines_sse2(const char*, size_t, ByteCounts&);
void count_quotes_newlines_avx2(const char*, size_t, ByteCounts&);
void count_quotes_newlines_avx512(const char*, size_t, ByteCounts&);
}  // namespace detail

namespace {

using ScanFn = bool (*)(const ScanConfig&, const char*, size_t, ScanCursor&, ScanBatch&,
                        const detail::ScanBuffers&);
using CountFn = void (*)(const char*, size_t, ByteCounts&);
struct Kernel {
    const char* name;
    ScanFn scan;
    CountFn count;
};
// Indexed by ScanKernel.
static_assert(static_cast<int>(ScanKernel::sse2) == 0 && static_cast<int>(ScanKernel::avx2) == 1 &&
              static_cast<int>(ScanKernel::avx512) == 2 &&
              static_cast<int>(ScanKernel::avx512vbmi2) == 3);
constexpr Kernel kKernels[] = {
    {"sse2", detail::scan_chunk_sse2, detail::count_quotes_newlines_sse2},
    {"avx2", detail::scan_chunk_avx2, detail::count_quotes_newlines_avx2},
    {"avx512", detail::scan_chunk_avx512, detail::count_quotes_newlines_avx512},
    // The split's count has no positions to write: VBMI2 would change nothing in it.
    {"avx512vbmi2", detail::scan_chunk_avx512_vbmi2, detail::count_quotes_newlines_avx512},
};
const Kernel& kernel_of(ScanKernel k) {
    return kKernels[static_cast<size_t>(k)];
}

ScanKernel best_kernel() {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("pclmul")) return ScanKernel::sse2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
        return __builtin_cpu_supports("avx512vbmi2") ? ScanKernel::avx512vbmi2 : ScanKernel::avx512;
    return __builtin_cpu_supports("avx2") ? ScanKernel::avx2 : ScanKernel::sse2;
}

// Chosen once; the choice never changes during a run.
const ScanKernel kBest = best_kernel();

}  // namespace

std::vector<ScanKernel> available_scan_kernels() {
    std::vector<ScanKernel> k{ScanKernel::sse2};
    if (kBest != ScanKernel::sse2 && __builtin_cpu_supports("avx2")) k.push_back(ScanKernel::avx2);
    if (kBest == ScanKernel::avx512 || kBest == ScanKernel::avx512vbmi2)
        k.push_back(ScanKernel::avx512);
    if (kBest == ScanKernel::avx512vbmi2) k.push_back(ScanKernel::avx512vbmi2);
    return k;
}

bool scan_chunk(ScanKernel kernel, const ScanConfig& cfg, const char* buf, size_t len,
                ScanCursor& cursor, ScanBatch& batch) {
    // The kernel keeps positions in 32 bits; chunks are blocks of a few MiB plus at most one
    // record of kMaxRecordBytes, so this never fires unless a caller breaks that.
    if (len >= UINT32_MAX) throw std::length_error("scan_chunk: a chunk of 4 GiB or more");
    // The kernel's scratch is sized here, outside the kernels' instruction sets.
    const size_t per_pass = stops_per_pass(cfg.columns);
    if (batch.stops.size() < per_pass + kStopsSlack) batch.stops.resize(per_pass + kStopsSlack);
    if (batch.record_stops.size() < batch.capacity + 64)
        batch.record_stops.resize(batch.capacity + 64);
    const detail::ScanBuffers out{batch.spans.data(), batch.meta.data(), batch.stops.data(),
                                  batch.record_stops.data(), per_pass};
    return kernel_of(kernel).scan(cfg, buf, len, cursor, batch, out);
}

bool scan_chunk(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cursor,
                ScanBatch& batch) {
    return scan_chunk(kBest, cfg, buf, len, cursor, batch);
}

ByteCounts count_quotes_newlines(ScanKernel kernel, const char* buf, size_t len) {
    ByteCounts c;
    kernel_of(kernel).count(buf, len, c);
    return c;
}

ByteCounts count_quotes_newlines(const char* buf, size_t len) {
    return count_quotes_newlines(kBest, buf, len);
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

std::vector<NeededColumn> needed_columns(const int32_t* slot_of, uint32_t columns) {
    std::vector<NeededColumn> needed;
    for (uint32_t c = 0; c < columns; ++c)
        if (slot_of[c] >= 0) needed.push_back(NeededColumn{c, static_cast<uint32_t>(slot_of[c])});
    return needed;
}

const char* scan_kernel_name(ScanKernel k) {
    return kernel_of(k).name;
}

const char* scan_kernel_name() {
    return scan_kernel_name(kBest);
}

}  // namespace curcrunch::ingest
