#pragma once
// The CSV hot path. A chunk is a run of complete records in one buffer (the splitter guarantees
// it starts at a record start, outside quotes, and ends after a record's newline or at the end of
// the stream), followed by at least kScanPadding readable bytes. The scanner finds every field
// boundary with SIMD masks and records, for each record, the byte span of each *needed* column
// only, into a reused batch: no allocation and no copy per row.
#include <cstddef>
#include <cstdint>
#include <vector>

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
    std::vector<FieldSpan> spans;  // rows x nslots, row-major
    std::vector<RowMeta> meta;
    bool unterminated_quote = false;  // the chunk ended inside a quoted field
    uint64_t unterminated_line = 0;
    const FieldSpan* row(size_t r) const { return spans.data() + r * nslots; }

  private:
    size_t max_rows_;
};

struct ScanConfig {
    const int32_t* slot_of_column;  // column index -> slot, -1 when not needed
    const uint32_t* next_needed;    // column index -> first needed column >= it (see below)
    uint32_t columns;               // expected field count (header width)
    char delimiter;
    bool quoting;
};

// For ScanConfig::next_needed: entry c is the smallest needed column >= c, or UINT32_MAX.
std::vector<uint32_t> next_needed_columns(const int32_t* slot_of_column, uint32_t columns);

// Scans records starting at cursor.pos until the batch is full or the chunk ends; advances the
// cursor. Empty lines are skipped (they still count as lines). Returns true while records remain.
bool scan_chunk(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cursor,
                ScanBatch& batch);

// Counts '"' and '\n' bytes (kScanPadding readable bytes must follow len).
void count_quotes_newlines(const char* buf, size_t len, uint64_t& quotes, uint64_t& newlines);

// Given that buf starts outside quotes and holds `quotes` quote bytes, returns the offset just
// past the last newline that ends a record (outside quotes), or 0 when there is none.
size_t find_record_boundary(const char* buf, size_t len, bool quoting, uint64_t quotes);

// Which kernel scan_chunk uses on this CPU ("avx2" or "sse2").
const char* scan_kernel_name();

}  // namespace curcrunch::ingest
