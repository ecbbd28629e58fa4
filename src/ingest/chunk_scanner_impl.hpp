#pragma once
// Kernel template shared by the SSE2, AVX2 and AVX-512 translation units. Masks::load(p) fills
// three 64-bit masks for the 64 bytes at p; Masks::prefix_xor turns quote positions into an
// in-quote mask (bit i set when byte i is inside quotes, counting the opening quote);
// Masks::write_positions(bits, base, out) writes base + i for each set bit i, in order, and may
// write up to 16 entries past their count.
//
// Everything here is a template on Masks or has internal linkage: an inline function shared by
// translation units compiled for different instruction sets could be merged by the linker into
// the copy that uses instructions the machine does not have. For the same reason the kernel
// reaches the batch's vectors through the plain pointers of ScanBuffers, not through std::vector
// members (which a build without inlining emits as shared out-of-line functions).
#include <cstring>

#include "curcrunch/ingest/chunk_scanner.hpp"

namespace curcrunch::ingest::detail {

// The batch's storage as scan_chunk hands it to a kernel.
struct ScanBuffers {
    FieldSpan* spans;
    RowMeta* meta;
    uint32_t* stops;
    RecordStop* record_stops;
    size_t stops_per_pass;
};

// Writes base + i for every set bit i of `bits`, in order, to out: the scalar way, for the
// SSE2 kernel (AVX-512 compresses a vector of positions; AVX2 widens them from a table, see
// chunk_scanner_avx2.cpp). Eight stores per round whatever the bits, so the loop
// runs a predictable number of times (usually once: a 64-byte window of billing CSV holds about
// eight delimiters). Stores past the bits' count land in the slack (kStopsSlack) and are
// overwritten or ignored. The OR with the top bit keeps count-trailing-zeros defined once the
// bits run out.
static inline void write_positions_scalar(uint64_t bits, uint32_t base, uint32_t* out) {
    do {
        for (int i = 0; i < 8; ++i) {
            out[i] = base + static_cast<uint32_t>(__builtin_ctzll(bits | (1ull << 63)));
            bits &= bits - 1;
        }
        out += 8;
    } while (bits);
}

// The kernel's state for one call. Positions are uint32: a chunk is far below 4 GiB (blocks of
// a few MiB, records of at most kMaxRecordBytes), and scan_chunk checks it.
template <class Masks>
class ChunkScan {
  public:
    ChunkScan(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cur, ScanBatch& batch,
              const ScanBuffers& out)
        : cfg_(cfg),
          masks_(cfg.delimiter),
          buf_(buf),
          len_(len),
          cur_(cur),
          batch_(batch),
          out_(out),
          stops_(out.stops),
          ends_(out.record_stops),
          limit_(out.stops_per_pass) {}

    // Scans records until the batch is full or the chunk ends; see scan_chunk.
    bool run() {
        batch_.rows = 0;
        batch_.quote_problem = QuoteProblem{};
        while (cur_.pos < len_) {
            if (batch_.rows == batch_.capacity) return true;
            const Pass pass = flatten(cur_.pos);
            if (!cut_records(pass)) return cur_.pos < len_;  // the batch is full
            if (bad_quote_ < len_) {
                // The records before the bad quote's are in the batch; from its record on,
                // which newline ends a record is a guess.
                describe_quote_problem();
                return false;
            }
            if (pass.records == 0 && pass.end < len_) {
                long_record(pass);  // wider than a pass: a wrong field count
            } else if (pass.end >= len_ && cur_.pos < len_) {
                last_record(pass);  // no newline after the stream's last record
                cur_.pos = len_;
            }
        }
        return false;
    }

  private:
    struct Pass {
        size_t count;    // entries in stops_, the first being the pass start - 1
        size_t records;  // newline-ended records (ends_)
        size_t end;      // first byte not looked at
        uint64_t quoted_newlines;
        uint64_t in_quote;  // all ones when the pass ended inside quotes
    };

    // The 64 bytes at p, as masks (bits past the chunk's end clear). `in_quote` is all ones
    // when p is inside quotes, and is updated to the state after the 64 bytes.
    struct Window {
        uint64_t structural;       // unquoted delimiters and newlines
        uint64_t record_ends;      // unquoted newlines
        uint64_t quoted_newlines;  // newlines inside quotes (they only count lines)
    };
    // RFC 4180 (quote_check.hpp) by masks: a quote that opens (its in-quote bit set) must follow
    // a delimiter, a newline or a quote (the second of a doubled pair), and one that closes must
    // come before one of those. Shifting the mask of those bytes by one each way tests every
    // quote of the window at once, in a few operations on windows with quotes and none on the
    // others. A quote at either edge of the window, or a closing quote before a CR, is only a
    // suspect here: check_quotes looks at its neighbour byte. A bad quote sets bad_quote_ and
    // the window stops before it (its in-quote state after it means nothing).
    Window classify(size_t p, uint64_t& in_quote) {
        uint64_t q, d, n;
        masks_.load(buf_ + p, q, d, n);
        if (!cfg_.quoting) q = 0;
        const size_t avail = len_ - p;
        uint64_t valid = avail >= 64 ? ~0ull : ((1ull << avail) - 1);
        uint64_t inq = in_quote;
        if (q) {
            inq ^= Masks::prefix_xor(q);
            const uint64_t sep = d | n | q;
            const uint64_t suspect = q & ((inq & ~(sep << 1)) | (~inq & ~(sep >> 1))) & valid;
            if (__builtin_expect(suspect != 0, 0)) valid &= check_quotes(p, inq, suspect);
        }
        in_quote = static_cast<uint64_t>(static_cast<int64_t>(inq) >> 63);
        const uint64_t structural = (d | n) & ~inq & valid;
        return Window{structural, n & structural, n & inq & valid};
    }

    // The suspect quotes of the window at p, byte by byte: returns all ones when each is fine,
    // else the mask of the bytes before the first bad one, whose offset goes to bad_quote_.
    [[gnu::noinline]] uint64_t check_quotes(size_t p, uint64_t inq, uint64_t suspect) {
        for (; suspect; suspect &= suspect - 1) {
            const int i = __builtin_ctzll(suspect);
            const size_t at = p + static_cast<size_t>(i);
            if (!((inq >> i) & 1 ? opens_well(at) : closes_well(at))) {
                bad_quote_ = at;
                return (1ull << i) - 1;
            }
        }
        return ~0ull;
    }
    // An opening quote at `at`: at the start of the chunk (a record start) or after a delimiter,
    // a newline or a closing quote.
    bool opens_well(size_t at) const {
        if (at == 0) return true;
        const char c = buf_[at - 1];
        return c == cfg_.delimiter || c == '\n' || c == '"';
    }
    // A closing quote at `at`: before the chunk's end, a delimiter, a newline, a quote (a
    // doubled pair) or the CR of a CRLF.
    bool closes_well(size_t at) const {
        if (at + 1 >= len_) return true;
        const char c = buf_[at + 1];
        if (c == '\r') return at + 2 >= len_ || buf_[at + 2] == '\n';
        return c == cfg_.delimiter || c == '\n' || c == '"';
    }

    // The bad quote's record starts at the cursor (cut_records put those before it in the
    // batch): the scalar walk from there says where the quote is, and the scan ends.
    void describe_quote_problem() {
        QuoteProblem& qp = batch_.quote_problem;
        qp = find_quote_problem(buf_ + cur_.pos, len_ - cur_.pos, cfg_.delimiter, cur_.line);
        if (qp.kind == QuoteProblem::Kind::none || qp.kind == QuoteProblem::Kind::unterminated) {
            // The walk agrees with the masks by construction (a test holds them to it); if it
            // ever did not, the scan must still not go on past a quote the masks refused.
            qp = QuoteProblem{};
            qp.kind = QuoteProblem::Kind::quote_in_unquoted;
            qp.line = cur_.line;
        }
        cur_.pos = len_;
    }

    // First pass: from a record start (outside quotes), writes the position of every unquoted
    // delimiter and newline to stops_ and the record ends to ends_, window by window, until the
    // batch would be full, the pass limit is reached or the chunk ends. stops_[0] is start - 1
    // (wrapping at 0), so that field c of the record after entry e spans
    // (stops_[e + c] + 1, stops_[e + c + 1]).
    Pass flatten(size_t start) {
        const size_t want = batch_.capacity - batch_.rows;
        Pass ps{1, 0, start, 0, 0};
        stops_[0] = static_cast<uint32_t>(start - 1);
        while (ps.end < len_ && ps.records < want && ps.count < limit_ && bad_quote_ >= len_) {
            // As in count_quotes_newlines_impl: the chunk is a view of the page cache (or a
            // block bigger than this core's cache), whose pages the hardware prefetcher does not
            // cross.
            __builtin_prefetch(
                reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(buf_) + ps.end + 2048));
            const Window w = classify(ps.end, ps.in_quote);
            const uint64_t structural = w.structural, quoted_nl = w.quoted_newlines;
            for (uint64_t ends = w.record_ends; ends; ends &= ends - 1) {
                const uint64_t before = (ends & (0 - ends)) - 1;
                ends_[ps.records++] = RecordStop{
                    static_cast<uint32_t>(
                        ps.count + static_cast<size_t>(__builtin_popcountll(structural & before))),
                    static_cast<uint32_t>(
                        ps.quoted_newlines +
                        static_cast<uint64_t>(__builtin_popcountll(quoted_nl & before)))};
            }
            if (quoted_nl)
                ps.quoted_newlines += static_cast<uint64_t>(__builtin_popcountll(quoted_nl));
            Masks::write_positions(structural, static_cast<uint32_t>(ps.end), stops_ + ps.count);
            ps.count += static_cast<size_t>(__builtin_popcountll(structural));
            ps.end += 64;
        }
        if (ps.end > len_) ps.end = len_;
        return ps;
    }

    // Second pass: the records of the pass, into the batch. Returns false when the batch filled
    // up (the cursor then points at the next record); else the cursor is past the pass's last
    // record.
    bool cut_records(const Pass& ps) {
        size_t prev = 0;  // entry of the previous record's newline (0: the pass start)
        const uint64_t line0 = cur_.line;
        for (size_t r = 0; r < ps.records; ++r) {
            const size_t e = ends_[r].ordinal;
            const uint64_t line = line0 + r + (r ? ends_[r - 1].quoted_newlines : 0);
            add_record(prev, e, static_cast<uint32_t>(stops_[prev] + 1u), stops_[e], line);
            prev = e;
            cur_.pos = static_cast<size_t>(stops_[e]) + 1;
            cur_.line = line0 + r + 1 + ends_[r].quoted_newlines;
            if (batch_.rows == batch_.capacity) return false;
        }
        return true;
    }

    // The record whose fields end at entries prev+1 .. e (e being its newline, or the end of
    // the stream), bytes [begin, end).
    void add_record(size_t prev, size_t e, uint32_t begin, uint32_t end, uint64_t line) {
        const uint32_t fields = static_cast<uint32_t>(e - prev);
        if (fields == 1 && (end == begin || (end == begin + 1 && buf_[begin] == '\r')))
            return;  // a blank line: counted as a line, never a record
        FieldSpan* sp = out_.spans + batch_.rows * batch_.nslots;
        const uint32_t* at = stops_ + prev;
        const NeededColumn* need = cfg_.needed;
        const uint32_t n = cfg_.needed_count;
        uint32_t i = 0;
        if (fields == cfg_.columns) {
            for (; i < n; ++i)
                sp[need[i].slot] = FieldSpan{at[need[i].column] + 1u, at[need[i].column + 1]};
        } else {
            for (; i < n && need[i].column < fields; ++i)
                sp[need[i].slot] = FieldSpan{at[need[i].column] + 1u, at[need[i].column + 1]};
        }
        // The last field read ends the record: drop the '\r' of a CRLF ending.
        if (i > 0 && need[i - 1].column == fields - 1) {
            FieldSpan& f = sp[need[i - 1].slot];
            if (f.end > f.begin && buf_[f.end - 1] == '\r') --f.end;
        }
        out_.meta[batch_.rows++] = RowMeta{line, fields, begin, end};
    }

    // A record with more structural bytes than a pass holds: more fields than the header has,
    // so only its field count and extent matter. Counts on from where the pass stopped.
    void long_record(const Pass& ps) {
        uint64_t fields = ps.count;  // entries after the pass start, plus the field they open
        uint64_t quoted_newlines = ps.quoted_newlines;
        uint64_t in_quote = ps.in_quote;
        for (size_t p = ps.end; p < len_; p += 64) {
            const Window w = classify(p, in_quote);
            if (bad_quote_ < len_) return describe_quote_problem();
            const uint64_t structural = w.structural, quoted_nl = w.quoted_newlines;
            const uint64_t ends = w.record_ends;
            if (ends) {
                const uint64_t before = (ends & (0 - ends)) - 1;
                fields += static_cast<uint64_t>(__builtin_popcountll(structural & before));
                const size_t at = p + static_cast<size_t>(__builtin_ctzll(ends));
                out_.meta[batch_.rows++] =
                    RowMeta{cur_.line, static_cast<uint32_t>(fields),
                            static_cast<uint32_t>(cur_.pos), static_cast<uint32_t>(at)};
                quoted_newlines += static_cast<uint64_t>(__builtin_popcountll(quoted_nl & before));
                cur_.line += 1 + quoted_newlines;
                cur_.pos = at + 1;
                return;
            }
            fields += static_cast<uint64_t>(__builtin_popcountll(structural));
            quoted_newlines += static_cast<uint64_t>(__builtin_popcountll(quoted_nl));
        }
        if (!ends_inside_quotes())
            out_.meta[batch_.rows++] =
                RowMeta{cur_.line, static_cast<uint32_t>(fields), static_cast<uint32_t>(cur_.pos),
                        static_cast<uint32_t>(len_)};
        cur_.pos = len_;
    }

    // The stream's last record, without a newline after it: its fields end at the pass's
    // entries after the last record, then at the end of the stream.
    void last_record(const Pass& ps) {
        if (ends_inside_quotes()) return;
        const size_t prev = ps.records ? ends_[ps.records - 1].ordinal : 0;
        stops_[ps.count] = static_cast<uint32_t>(len_);
        add_record(prev, ps.count, static_cast<uint32_t>(cur_.pos), static_cast<uint32_t>(len_),
                   cur_.line);
    }

    // Whether the chunk ends inside a quoted field, from the last record start. Once per stream
    // at most, so a scalar pass; it sets the batch's quote problem, with where the field opened.
    bool ends_inside_quotes() {
        if (!cfg_.quoting) return false;
        const QuoteProblem qp =
            find_quote_problem(buf_ + cur_.pos, len_ - cur_.pos, cfg_.delimiter, cur_.line);
        if (qp.kind == QuoteProblem::Kind::none) return false;
        batch_.quote_problem = qp;
        return true;
    }

    const ScanConfig& cfg_;
    const Masks masks_;
    const char* buf_;
    size_t len_;
    ScanCursor& cur_;
    ScanBatch& batch_;
    const ScanBuffers& out_;
    uint32_t* stops_;
    RecordStop* ends_;
    size_t limit_;
    size_t bad_quote_ = SIZE_MAX;  // offset of the first quote against RFC 4180 found
};

template <class Masks>
inline bool scan_chunk_impl(const ScanConfig& cfg, const char* buf, size_t len, ScanCursor& cur,
                            ScanBatch& batch, const ScanBuffers& out) {
    return ChunkScan<Masks>(cfg, buf, len, cur, batch, out).run();
}

// Counts quote, newline and non-ASCII bytes in [buf, buf+len); buf must have kScanPadding
// readable bytes past len.
template <class Masks>
inline void count_quotes_newlines_impl(const char* buf, size_t len, ByteCounts& out) {
    const Masks masks(',');
    uint64_t quotes = 0, newlines = 0, non_ascii = 0;
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
        non_ascii += static_cast<uint64_t>(__builtin_popcountll(Masks::high(buf + p) & valid));
    }
    out = ByteCounts{quotes, newlines, non_ascii};
}

}  // namespace curcrunch::ingest::detail
