#pragma once
// Kernel template shared by the SSE2 and AVX2 translation units. Masks::load(p) fills three
// 64-bit masks for the 64 bytes at p; Masks::prefix_xor turns quote positions into an in-quote
// mask (bit i set when byte i is inside quotes, counting the opening quote).
#include <cstring>

#include "curcrunch/ingest/chunk_scanner.hpp"

namespace curcrunch::ingest::detail {

template <class Masks>
inline bool scan_chunk_impl(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cur,
                            ScanBatch& batch) {
    batch.rows = 0;
    batch.unterminated_quote = false;
    const size_t nslots = batch.nslots;
    const uint32_t ncols = cfg.columns;
    const int32_t* slot_of = cfg.slot_of_column;
    const uint32_t* next_needed = cfg.next_needed;
    const Masks masks(cfg.delimiter);

    size_t p = cur.pos;
    if (p >= len) return false;
    size_t row_start = p;
    uint64_t row_line = cur.line;
    uint64_t quoted_nl_before = 0;  // quoted newlines in windows already passed, this call
    uint64_t rows_ended = 0;        // newline-terminated records this call (incl. empty lines)
    uint32_t col = 0;
    size_t fstart = p;
    uint64_t inq_carry = 0;
    FieldSpan* spans = batch.spans.data();

    while (p < len) {
        uint64_t q, d, n;
        masks.load(buf + p, q, d, n);
        if (!cfg.quoting) q = 0;
        const size_t avail = len - p;
        const uint64_t valid = avail >= 64 ? ~0ull : ((1ull << avail) - 1);
        uint64_t inq = q ? (Masks::prefix_xor(q) ^ inq_carry) : inq_carry;
        inq_carry = static_cast<uint64_t>(static_cast<int64_t>(inq) >> 63);
        uint64_t structural = (d | n) & ~inq & valid;
        const uint64_t qnl = n & inq & valid;
        while (structural) {
            // Fast-forward over delimiters that only end unneeded fields: fields col..need-1
            // are skipped by counting bits, never visiting them one by one. A record end stops
            // the skip (it is handled below).
            const uint32_t need = col < ncols ? next_needed[col] : UINT32_MAX;
            if (need > col) {
                const uint64_t row_ends = structural & n;
                const uint64_t skippable =
                    row_ends ? structural & ((row_ends & (0 - row_ends)) - 1) : structural;
                const uint32_t cnt = static_cast<uint32_t>(__builtin_popcountll(skippable));
                const uint32_t k = cnt < need - col ? cnt : need - col;
                if (k > 0) {
                    uint64_t m = skippable;
                    for (uint32_t i = 1; i < k; ++i)
                        m &= m - 1;
                    const int last = __builtin_ctzll(m);  // k-th skipped delimiter
                    col += k;
                    fstart = p + static_cast<size_t>(last) + 1;
                    structural = last == 63 ? 0 : structural & (~0ull << (last + 1));
                    continue;
                }
            }
            const int bit = __builtin_ctzll(structural);
            const size_t at = p + static_cast<size_t>(bit);
            const bool eol = (n >> bit) & 1;
            if (col < ncols) {
                const int32_t s = slot_of[col];
                if (s >= 0) {
                    size_t end = at;
                    if (eol && end > fstart && buf[end - 1] == '\r') --end;
                    FieldSpan& f = spans[batch.rows * nslots + static_cast<size_t>(s)];
                    f.begin = static_cast<uint32_t>(fstart);
                    f.end = static_cast<uint32_t>(end);
                }
            }
            ++col;
            fstart = at + 1;
            if (eol) {
                ++rows_ended;
                const size_t rlen = at - row_start;
                const bool blank = rlen == 0 || (rlen == 1 && buf[row_start] == '\r');
                if (!blank) {
                    batch.meta[batch.rows] = RowMeta{
                        row_line, col, static_cast<uint32_t>(row_start), static_cast<uint32_t>(at)};
                    ++batch.rows;
                }
                uint64_t qn = quoted_nl_before;
                if (qnl)
                    qn += static_cast<uint64_t>(__builtin_popcountll(qnl & ((2ull << bit) - 1)));
                row_line = cur.line + rows_ended + qn;
                col = 0;
                row_start = at + 1;
                if (batch.rows == batch.capacity) {
                    cur.pos = row_start;
                    cur.line = row_line;
                    return row_start < len;
                }
            }
            structural &= structural - 1;
        }
        if (qnl) quoted_nl_before += static_cast<uint64_t>(__builtin_popcountll(qnl));
        p += 64;
    }
    // End of chunk. A record without a final newline is still a record (last line of a file).
    if (row_start < len) {
        // In-quote state after the final byte: carry of the last window is not enough when the
        // window was partial, so recompute from the record start with a scalar pass.
        bool in_quote = false;
        if (cfg.quoting) {
            for (size_t i = row_start; i < len; ++i)
                if (buf[i] == '"') in_quote = !in_quote;
        }
        if (in_quote) {
            batch.unterminated_quote = true;
            batch.unterminated_line = row_line;
        } else {
            const size_t rlen = len - row_start;
            const bool blank = rlen == 1 && buf[row_start] == '\r';
            if (!blank) {
                if (col < ncols) {
                    const int32_t s = slot_of[col];
                    if (s >= 0) {
                        size_t end = len;
                        if (end > fstart && buf[end - 1] == '\r') --end;
                        FieldSpan& f = spans[batch.rows * nslots + static_cast<size_t>(s)];
                        f.begin = static_cast<uint32_t>(fstart);
                        f.end = static_cast<uint32_t>(end);
                    }
                }
                ++col;
                batch.meta[batch.rows] = RowMeta{row_line, col, static_cast<uint32_t>(row_start),
                                                 static_cast<uint32_t>(len)};
                ++batch.rows;
            }
        }
    }
    cur.pos = len;
    cur.line = row_line;
    return false;
}

// Counts quote and newline bytes in [buf, buf+len); buf must have kScanPadding readable bytes
// past len.
template <class Masks>
inline void count_quotes_newlines_impl(const char* buf, size_t len, uint64_t& quotes,
                                       uint64_t& newlines) {
    const Masks masks(',');
    quotes = newlines = 0;
    for (size_t p = 0; p < len; p += 64) {
        // The split runs this over a mapped file's bytes before anything else reads them. The
        // hardware prefetcher does not cross a 4 KiB page and the page cache's pages are not
        // adjacent in memory, so each page began with misses; asking for the line 2 KiB ahead
        // keeps the next page's lines in flight (split 0.16 -> 0.12-0.13 CPU s/GB, one thread).
        // An address past the buffer is fine for a prefetch (it never faults); it is formed as
        // an integer, since a pointer past the end of the buffer would be undefined.
        __builtin_prefetch(
            reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(buf) + p + 2048));
        uint64_t q, d, n;
        masks.load(buf + p, q, d, n);
        const size_t avail = len - p;
        const uint64_t valid = avail >= 64 ? ~0ull : ((1ull << avail) - 1);
        quotes += static_cast<uint64_t>(__builtin_popcountll(q & valid));
        newlines += static_cast<uint64_t>(__builtin_popcountll(n & valid));
    }
}

}  // namespace curcrunch::ingest::detail
