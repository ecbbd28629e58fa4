#pragma once
// The CSV hot path. A chunk is a run of complete records in one buffer (the splitter guarantees
// it starts at a record start, outside quotes, and ends after a record's newline or at the end of
// the stream), followed by at least kScanPadding readable bytes. The scanner finds every field
// boundary with SIMD masks and records, for each record, the byte span of each *needed* column
// only, into a reused batch: no allocation and no copy per row.
//
// It works in two passes over a run of records that fits in cache. The first writes the
// position of every unquoted delimiter and newline into a flat array (a fixed number of stores
// per 64-byte window, no branch per field). The second cuts that array into records at the
// newlines: a record with the header's field count has field c between entries c and c+1 of its
// part of the array, so the needed spans are read straight from it, a few loads per needed
// column whatever the width of the row.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "curcrunch/ingest/quote_check.hpp"

namespace curcrunch::ingest {

inline constexpr size_t kScanPadding = 64;

struct FieldSpan {
    uint32_t begin;
    uint32_t end;  // exclusive; a trailing '\r' of CRLF is already excluded
};

struct RowMeta {
    uint64_t line;    // physical line where the record starts (1-based)
    uint32_t fields;  // number of fields the record had
    uint32_t begin;   // record bytes [begin, end) in the chunk, newline excluded
    uint32_t end;
};

// Where scanning stopped: the next record start and its line.
struct ScanCursor {
    size_t pos = 0;
    uint64_t line = 1;
};

// One newline that ends a record, as the kernel's first pass finds it: where it is in the
// batch's structural array, and how many quoted newlines came before it in the same pass (for
// line numbers).
struct RecordStop {
    uint32_t ordinal;
    uint32_t quoted_newlines;
};

struct ScanBatch {
    // The spans of a batch take at most about this much memory whatever the header's width:
    // at 1024 rows a batch of a 30,000-column file would need 245 MB per worker thread.
    static constexpr size_t kSpanBytes = size_t(1) << 20;
    static constexpr size_t kMaxRows = 1024;
    explicit ScanBatch(size_t slots = 0, size_t max_rows = kMaxRows) : max_rows_(max_rows) {
        configure(slots);
    }
    // Re-targets the batch at a schema with `slots` slots: as many rows as fit kSpanBytes (at
    // least one, at most max_rows), keeping storage where possible.
    void configure(size_t slots) {
        nslots = slots;
        const size_t fit = slots ? kSpanBytes / (slots * sizeof(FieldSpan)) : max_rows_;
        capacity = fit < 1 ? 1 : fit > max_rows_ ? max_rows_ : fit;
        if (spans.size() < slots * capacity) spans.resize(slots * capacity);
        if (meta.size() < capacity) meta.resize(capacity);
    }
    size_t nslots = 0;
    size_t capacity = 0;
    size_t rows = 0;
    // Spans of the needed columns, rows x nslots, row-major. A record whose field count is not
    // the header's has spans only for the needed columns it reached; its other slots hold stale
    // values, and the decoder rejects the record on its field count before reading them.
    std::vector<FieldSpan> spans;
    std::vector<RowMeta> meta;
    // The kernel's scratch (sized by scan_chunk before the kernel runs): positions of the
    // structural bytes of one pass, and the record ends among them.
    std::vector<uint32_t> stops;
    std::vector<RecordStop> record_stops;
    // A quote against RFC 4180, or the chunk's end inside a quoted field: the scan stopped at
    // the record that holds it (the records after it cannot be told apart), after the batch's
    // rows. Never skippable.
    QuoteProblem quote_problem;
    const FieldSpan* row(size_t r) const { return spans.data() + r * nslots; }

  private:
    size_t max_rows_;
};

struct NeededColumn {
    uint32_t column;
    uint32_t slot;
};

struct ScanConfig {
    const NeededColumn* needed;  // in increasing column order
    uint32_t needed_count;
    uint32_t columns;  // expected field count (header width), at least 1
    char delimiter;
    bool quoting;
};

// The columns with a slot (slot_of_column[c] >= 0), in column order, for ScanConfig::needed.
std::vector<NeededColumn> needed_columns(const int32_t* slot_of_column, uint32_t columns);

// One pass of the kernel stops after this many structural bytes (about 64 KB of positions, so
// the pass's array is still in L1/L2 when the second pass reads it), or after the header's
// width plus one when that is more, so that a record of the right width always fits in a pass.
inline constexpr size_t kStopsPerPass = 16384;
inline size_t stops_per_pass(uint32_t columns) {
    return columns + size_t(1) > kStopsPerPass ? columns + size_t(1) : kStopsPerPass;
}
// Room past a pass's limit: the window that crosses it adds up to 64 entries, the kernels'
// block writes up to 16 more, and the record at the end of the stream one more.
inline constexpr size_t kStopsSlack = 64 + 16 + 1;

// Scans records starting at cursor.pos until the batch is full or the chunk ends; advances the
// cursor. Empty lines are skipped (they still count as lines). Returns true while records remain.
// A quote against RFC 4180 (quote_check.hpp) ends the scan at its record: batch.quote_problem.
bool scan_chunk(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cursor,
                ScanBatch& batch);

// What the split needs of a stretch of input: its '"' and '\n' bytes, to find a record boundary
// and the line numbers, and its bytes >= 0x80. A stretch without those is ASCII and so valid
// UTF-8: the parse does not validate a chunk inside it again.
struct ByteCounts {
    uint64_t quotes = 0, newlines = 0, non_ascii = 0;
};
// Counts them in [buf, buf+len) (kScanPadding readable bytes must follow len).
ByteCounts count_quotes_newlines(const char* buf, size_t len);

// Given that buf starts outside quotes and holds `quotes` quote bytes, returns the offset just
// past the last newline that ends a record (outside quotes), or 0 when there is none.
size_t find_record_boundary(const char* buf, size_t len, bool quoting, uint64_t quotes);

// Which kernel scan_chunk uses on this CPU ("avx512vbmi2", "avx512", "avx2" or "sse2").
const char* scan_kernel_name();

// The kernels, for tests that hold each one to the same results. All give identical batches.
enum class ScanKernel { sse2, avx2, avx512, avx512vbmi2 };
// Those this CPU can run; the last is the one scan_chunk uses.
std::vector<ScanKernel> available_scan_kernels();
bool scan_chunk(ScanKernel kernel, const ScanConfig& cfg, const char* buf, size_t len,
                ScanCursor& cursor, ScanBatch& batch);
ByteCounts count_quotes_newlines(ScanKernel kernel, const char* buf, size_t len);
const char* scan_kernel_name(ScanKernel kernel);

}  // namespace curcrunch::ingest
