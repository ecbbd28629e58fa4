#include "csv_stream.hpp"

#include <simdjson.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <vector>

#include "chunk_pool.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/mapped_read.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/chunk_scanner.hpp"
#include "curcrunch/ingest/row_decoder.hpp"
#include "curcrunch/ingest/schema.hpp"
#include "curcrunch/ingest/thread_budget.hpp"
#include "mapping_release.hpp"
#include "member_crc.hpp"

namespace curcrunch::ingest {
namespace {

// Offset of the first byte that breaks UTF-8 in [p, p+n), or n.
size_t first_invalid_utf8(const unsigned char* p, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > n) return i;
        for (size_t k = 1; k < len; ++k)
            if ((p[i + k] & 0xC0) != 0x80) return i;
        if (len > 1 && !simdjson::validate_utf8(reinterpret_cast<const char*>(p + i), len))
            return i;
        i += len;
    }
    return n;
}

class CsvStream {
  public:
    CsvStream(EngineCore& core, ByteSource& src, std::string_view mapped,
              const InputStreamInfo& info, const InputUnit& u, SourceReport& rep,
              StreamDigest* hash, bool last_file, HashPace* pace)
        : core_(core),
          opts_(core.opts),
          src_(src),
          mapped_(mapped),
          name_(info.display_name()),
          u_(u),
          rep_(rep),
          hash_(hash),
          last_file_(last_file),
          pace_(pace),
          pool_(opts_.block_size),
          member_crc_(name_) {}

    void run();

  private:
    void read_header_mapped();
    void read_header_stream();
    void hash(const char* p, size_t n) {
        if (!hash_) return;
        StageTimer t(opts_.stats, Stage::hash);
        hash_->update(p, n);
    }
    void fill_current();
    void report_raw_progress();
    [[noreturn]] void fail_record_too_long(const char* buf, size_t len) const;
    std::string quote_problem_text(const QuoteProblem& qp, const char* ends) const;
    std::string column_label(uint32_t field) const;
    Chunk* next_read_chunk(tbb::flow_control& fc);
    Chunk* next_mapped_chunk(tbb::flow_control& fc);
    Chunk* next_chunk(tbb::flow_control& fc);
    Chunk* parse(Chunk* c);
    void parse_rows(Chunk* c);
    RowError utf8_error(const char* buf, size_t len, uint64_t line) const;
    void bad_row(const RowError& e, uint64_t& n_skipped);
    void finish(Chunk* c);
    void stream();
    void take_member_ends(size_t n, std::vector<MemberEnd>& out);
    void check_crc(const char* p, size_t n, const std::vector<MemberEnd>& ends);

    EngineCore& core_;
    const IngestOptions& opts_;
    ByteSource& src_;
    const std::string_view mapped_;  // the whole file, or empty: read src_
    const std::string name_;
    const InputUnit& u_;
    SourceReport& rep_;
    StreamDigest* hash_;
    // No other file starts after this one: once the last chunk is handed out (input_done_), a
    // thread merges its rollup as soon as it finishes a chunk, beside the threads still parsing,
    // instead of leaving it all to the serial merge after the pipeline.
    const bool last_file_;
    HashPace* const pace_;  // or null
    std::atomic<bool> input_done_{false};
    ChunkPool pool_;

    // The serial first stage's state: the chunk being filled and what is known of the input.
    Chunk* cur_ = nullptr;
    size_t cur_len_ = 0;
    bool eof_ = false;
    uint64_t raw_seen_ = 0;  // cumulative across the members of a zip
    uint64_t line_ = 1;
    size_t map_pos_ = 0;
    bool split_failed_ = false;  // the first stage handed out its error chunk

    // A gzip stream's CRC checks, when the source deferred them to this reader (run()): the
    // first stage hands each chunk the member ends within it (pending_ends_ holds those not
    // yet reached, stream_off_ is where the next chunk starts) and the in-order last stage
    // checks the chunk's bytes (MemberCrc).
    bool defer_crc_ = false;
    MemberCrc member_crc_;
    std::vector<MemberEnd> pending_ends_;
    uint64_t stream_off_ = 0;
    // A mapped file's pages, released by the in-order last stage as it finishes chunks.
    InOrderRelease release_;

    Schema schema_;
    std::vector<NeededColumn> needed_;
    ScanConfig cfg_{};
    std::atomic<uint64_t> rows_{0}, skipped_{0}, bytes_{0};
};

// ISA-L's gzip source checks CRCs on its serial inflate unless this reader takes them over.
void CsvStream::run() {
    defer_crc_ = mapped_.empty() && src_.defer_crc_check();
    if (!defer_crc_) return stream();
    try {
        stream();
    } catch (const Error& e) {
        // Damage the deferred CRC would have caught at once may have broken a row or the
        // header first: name the damage, not the row (check_whole throws when the file is
        // corrupt; it inflates the file again, on this error path only).
        if (e.kind() == ErrorKind::input) src_.check_whole();
        throw;
    }
}

// The header is read until its record is complete (growing the buffer up to kMaxHeaderBytes)
// and resolves the dialect; a mapped file's header is read from the mapping. Then the pipeline.
void CsvStream::stream() {
    // The header is read from the mapping here; the pipeline's stages set their own scopes, on
    // whichever threads run them.
    const MappedFileScope shrunk(mapped_.data(), mapped_.size(), name_);
    release_ = InOrderRelease(mapped_.data());
    raw_seen_ = src_.raw_bytes_read();
    if (!mapped_.empty()) {
        read_header_mapped();  // chunks are views of the mapping: no buffer to fill
    } else {
        cur_ = pool_.get();
        read_header_stream();
    }
    rep_.dialect = dialect_name(schema_.dialect);
    rep_.invoice_column = schema_.has(kInvoiceId);
    line_ = 1 + schema_.header_lines;
    bytes_ = rep_.bytes;

    const uint32_t ncols = static_cast<uint32_t>(schema_.columns.size());
    needed_ = needed_columns(schema_.slot_of_column.data(), ncols);
    cfg_ = ScanConfig{needed_.data(), static_cast<uint32_t>(needed_.size()), ncols,
                      schema_.format.delimiter, schema_.format.quoting};

    const size_t threads = thread_budget();
    auto rest = tbb::make_filter<Chunk*, Chunk*>(tbb::filter_mode::parallel,
                                                 [this](Chunk* c) { return parse(c); }) &
                tbb::make_filter<Chunk*, void>(tbb::filter_mode::serial_in_order,
                                               [this](Chunk* c) { finish(c); });
    auto first = [this](tbb::flow_control& fc) { return next_chunk(fc); };
    // Chunks in flight: three per thread, and one. A mapped file's chunks are views of the
    // mapping, so more of them cost only the pages not yet released (4 MiB each): they let the
    // parse run further ahead of the serial, in-order last stage, which hashes the run's last
    // file's head (stream_digest.hpp).
    // With two per thread (and one) a thread that found that stage busy often found no chunk to
    // take either, and spun in TBB's wait (sched_yield calls in a run of the bench's 1 GB plain
    // file at two threads: 38,000-72,000 in four runs; 41,000-45,000 in two at three per thread,
    // 27,000-40,000 in four at four: fewer, though the runs vary). Three per thread measured
    // 0.976x and 0.992x the wall time (31 interleaved runs each, both orders; four: 0.979x-0.994x
    // in four sets), peak RSS 88 MiB against 79. A read stream (the gzip file) measured the same
    // with three or two (1.002x and 0.996x, 31 runs each, both orders; peak RSS 73 MiB either
    // way: its buffers are allocated only as the read gets ahead).
    const size_t tokens = threads * 3 + 1;
    tbb::parallel_pipeline(
        tokens, tbb::make_filter<void, Chunk*>(tbb::filter_mode::serial_in_order, first) & rest);
    if (!mapped_.empty()) {
        StageTimer r(opts_.stats, Stage::read);
        release_.rest(mapped_.data() + mapped_.size());
    }
    if (defer_crc_) {  // ends at the very end of the stream, after its last chunk
        src_.take_member_ends(pending_ends_);
        check_crc(nullptr, 0, pending_ends_);
        member_crc_.finish();
    }
    rep_.rows = rows_.load();
    rep_.skipped = skipped_.load();
    rep_.bytes = bytes_.load();
}

// Nothing is read: the mapping is the whole file.
void CsvStream::read_header_mapped() {
    if (core_.progress()) core_.progress()->add_raw(src_.raw_bytes_read() - raw_seen_);
    const size_t probe = std::min(mapped_.size(), kMaxHeaderBytes + 1);
    schema_ = resolve_schema(mapped_.substr(0, probe), opts_.csv, name_, probe == mapped_.size());
    hash(mapped_.data(), schema_.header_bytes);
    rep_.bytes = mapped_.size();
    eof_ = true;
    map_pos_ = schema_.header_bytes;
    if (core_.progress()) core_.progress()->add_raw(schema_.header_bytes);
}

void CsvStream::read_header_stream() {
    StageTimer t(opts_.stats, Stage::read);
    for (;;) {
        while (!eof_ && cur_len_ < cur_->cap) {
            size_t n = src_.read(cur_->data.get() + cur_len_, cur_->cap - cur_len_);
            if (n == 0) eof_ = true;
            cur_len_ += n;
        }
        const std::string_view head(cur_->data.get(), cur_len_);
        if (eof_ || cur_len_ > kMaxHeaderBytes || header_record_bytes(head, opts_.csv) > 0) break;
        cur_->grow(cur_len_, cur_->cap * 2);
    }
    t.stop();
    report_raw_progress();
    rep_.bytes = cur_len_;
    if (cur_len_ == 0) throw_input(name_ + ": empty file (no header line)");
    schema_ = resolve_schema(std::string_view(cur_->data.get(), cur_len_), opts_.csv, name_, eof_);
    hash(cur_->data.get(), schema_.header_bytes);
    if (defer_crc_) {
        std::vector<MemberEnd> in_header;
        take_member_ends(schema_.header_bytes, in_header);
        check_crc(cur_->data.get(), schema_.header_bytes, in_header);
    }
    std::memmove(cur_->data.get(), cur_->data.get() + schema_.header_bytes,
                 cur_len_ - schema_.header_bytes);
    cur_len_ -= schema_.header_bytes;
}

void CsvStream::fill_current() {
    while (!eof_ && cur_len_ < cur_->cap) {
        size_t n = src_.read(cur_->data.get() + cur_len_, cur_->cap - cur_len_);
        if (n == 0) eof_ = true;
        cur_len_ += n;
        bytes_.fetch_add(n, std::memory_order_relaxed);
    }
}

void CsvStream::report_raw_progress() {
    if (!core_.progress()) return;
    const uint64_t r = src_.raw_bytes_read();
    core_.progress()->add_raw(r - raw_seen_);
    raw_seen_ = r;
}

// The split found no record end in the `len` bytes at buf (from the record start at line_):
// said as the quote that caused it when there is one.
void CsvStream::fail_record_too_long(const char* buf, size_t len) const {
    if (schema_.format.quoting) {
        const QuoteProblem qp = find_quote_problem(buf, len, schema_.format.delimiter, line_);
        if (qp.kind != QuoteProblem::Kind::none)
            throw_input(quote_problem_text(qp, "is still open 64 MiB later"));
    }
    throw_input(name_ + ":" + std::to_string(line_) + ": record longer than 64 MiB");
}

// "column 'name'", or the field's number past the header's width.
std::string CsvStream::column_label(uint32_t field) const {
    if (field < schema_.columns.size())
        return "column '" + shown_text(schema_.columns[field]) + "'";
    return "field " + std::to_string(uint64_t{field} + 1) + " (past the header's " +
           std::to_string(schema_.columns.size()) + ")";
}

// A quote against RFC 4180 or a quoted field left open (`ends`: how, for the latter). Never
// skipped, even with --on-error=skip: every record after it would be cut at a guessed newline,
// and a guess that merges two rows into one of the right width sums wrong totals unnoticed.
std::string CsvStream::quote_problem_text(const QuoteProblem& qp, const char* ends) const {
    using K = QuoteProblem::Kind;
    std::string s;
    if (qp.kind == K::quote_in_unquoted) {
        s = name_ + ":" + std::to_string(qp.line) + ": " + column_label(qp.field) +
            ": quote inside an unquoted field (RFC 4180: a field holding a quote is quoted "
            "whole, its quotes doubled)";
    } else if (qp.kind == K::undoubled_quote) {
        const unsigned char c = static_cast<unsigned char>(qp.after);
        char shown[16];
        if (c >= 0x20 && c < 0x7f)
            std::snprintf(shown, sizeof shown, "'%c'", c);
        else
            std::snprintf(shown, sizeof shown, "byte 0x%02X", c);
        const std::string tail = std::string(" is followed by ") + shown +
                                 ": a quote inside a quoted field must be doubled";
        if (qp.open_line == qp.line)
            s = name_ + ":" + std::to_string(qp.line) + ": " + column_label(qp.open_field) +
                ": quote inside a quoted field" + tail;
        else
            s = name_ + ":" + std::to_string(qp.open_line) + ": " + column_label(qp.open_field) +
                ": the quoted field opened here runs to line " + std::to_string(qp.line) +
                ", where a quote" + tail + " (an unbalanced quote?)";
    } else {
        s = name_ + ":" + std::to_string(qp.open_line) + ": " + column_label(qp.open_field) +
            ": unterminated quoted field: it opens here and " + ends;
    }
    if (opts_.skip_bad_rows)
        s += "; not skippable with --on-error=skip (the records after it cannot be told apart)";
    return s;
}

// The first stage: the next chunk, or an empty one carrying the split's bad-input error (found
// past the chunks before it, so reported only if none of those has an error of its own).
Chunk* CsvStream::next_chunk(tbb::flow_control& fc) {
    if (split_failed_) {
        fc.stop();
        return nullptr;
    }
    try {
        return mapped_.empty() ? next_read_chunk(fc) : next_mapped_chunk(fc);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::input) throw;
        split_failed_ = true;
        Chunk* c = pool_.get(0);
        c->len = 0;
        c->error = std::current_exception();
        return c;
    }
}

// Serial stage for a read stream: hand out chunks that end on a record boundary; the partial
// record at the end moves to the next chunk.
Chunk* CsvStream::next_read_chunk(tbb::flow_control& fc) {
    throw_if_interrupted();
    StageTimer t(opts_.stats, Stage::read);
    for (;;) {
        fill_current();
        t.switch_to(Stage::split);
        report_raw_progress();
        if (cur_len_ == 0) {
            fc.stop();
            return nullptr;
        }
        Chunk* out = cur_;
        out->first_line = line_;
        if (eof_) {
            out->len = cur_len_;
            if (defer_crc_) take_member_ends(out->len, out->member_ends);
            cur_ = pool_.get(0);  // nothing more is read into it
            cur_len_ = 0;
            input_done_.store(true, std::memory_order_relaxed);
            return out;
        }
        const ByteCounts counts = count_quotes_newlines(cur_->data.get(), cur_len_);
        const size_t cut =
            find_record_boundary(cur_->data.get(), cur_len_, schema_.format.quoting, counts.quotes);
        if (cut == 0) {
            // One record fills the whole buffer: grow it (bounded) and read on.
            if (cur_->cap >= kMaxRecordBytes) fail_record_too_long(cur_->data.get(), cur_len_);
            cur_->grow(cur_len_, cur_->cap * 2);
            t.switch_to(Stage::read);
            continue;
        }
        out->len = cut;
        out->ascii = counts.non_ascii == 0;  // counted over more than the chunk
        if (defer_crc_) take_member_ends(out->len, out->member_ends);
        const char* tail = out->data.get() + cut;
        line_ +=
            counts.newlines - static_cast<uint64_t>(std::count(tail, tail + cur_len_ - cut, '\n'));
        cur_ = pool_.get();
        if (cur_->cap < cur_len_ - cut + opts_.block_size / 2) cur_->allocate(out->cap);
        std::memcpy(cur_->data.get(), tail, cur_len_ - cut);
        cur_len_ -= cut;
        return out;
    }
}

// Serial stage for a mapped file: chunks are views into the mapping, split at record
// boundaries; no byte is copied except the final chunk, which needs scan padding the end of
// the file cannot give.
Chunk* CsvStream::next_mapped_chunk(tbb::flow_control& fc) {
    throw_if_interrupted();
    const size_t size = mapped_.size();
    if (map_pos_ >= size) {
        fc.stop();
        return nullptr;
    }
    StageTimer t(opts_.stats, Stage::split);
    const MappedFileScope shrunk(mapped_.data(), mapped_.size(), name_);
    const char* base = mapped_.data() + map_pos_;
    const size_t remaining = size - map_pos_;
    size_t window = opts_.block_size, cut = 0;
    ByteCounts counts;
    while (remaining > window + kScanPadding) {
        counts = count_quotes_newlines(base, window);
        cut = find_record_boundary(base, window, schema_.format.quoting, counts.quotes);
        if (cut) break;
        if (window >= kMaxRecordBytes) fail_record_too_long(base, window);
        window *= 2;
    }
    Chunk* c;
    if (cut == 0) {  // the rest of the file: copy it behind padding
        c = pool_.get_exact(remaining);
        std::memcpy(c->data.get(), base, remaining);
        std::memset(c->data.get() + remaining, 0, kScanPadding);
        c->len = remaining;
        // Counted in the padded copy by the vector kernel, which also finds it ASCII (a byte
        // loop here was most of a small file's split).
        counts = count_quotes_newlines(c->data.get(), remaining);
        c->ascii = counts.non_ascii == 0;  // its pages go at the end of the stream
    } else {
        c = pool_.get(0);
        c->view = base;
        c->len = cut;
        c->ascii = counts.non_ascii == 0;  // counted over the window, which holds the chunk
        counts.newlines -= static_cast<uint64_t>(std::count(base + cut, base + window, '\n'));
    }
    c->first_line = line_;
    line_ += counts.newlines;
    map_pos_ += c->len;
    if (map_pos_ >= size) input_done_.store(true, std::memory_order_relaxed);
    if (core_.progress()) core_.progress()->add_raw(c->len);
    return c;
}

// Where the first byte that breaks UTF-8 is in the `len` bytes at buf, which start a record on
// `line`: its line and column, found by a walk that follows the quotes (the bytes before it
// were not scanned yet; a bad quote among them is reported on its own once they are).
RowError CsvStream::utf8_error(const char* buf, size_t len, uint64_t line) const {
    const size_t off = first_invalid_utf8(reinterpret_cast<const unsigned char*>(buf), len);
    uint32_t field = 0;
    bool quoted = false;
    for (size_t i = 0; i < off; ++i) {
        if (buf[i] == '"' && schema_.format.quoting) quoted = !quoted;
        if (buf[i] == '\n') ++line;
        if (quoted) continue;
        if (buf[i] == schema_.format.delimiter) ++field;
        if (buf[i] == '\n') field = 0;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(buf[off]));
    return RowError{line, field < schema_.columns.size() ? schema_.columns[field] : std::string(),
                    std::string("invalid UTF-8 (byte ") + hex + ")"};
}

// A row that cannot be used: counted and sampled with --on-error=skip, else the end.
void CsvStream::bad_row(const RowError& e, uint64_t& n_skipped) {
    if (!opts_.skip_bad_rows) throw_input(row_problem_text(name_, e));
    ++n_skipped;
    core_.record_problem(RowProblem{name_, e.line, e.column, e.message});
}

// Parallel stage: validate, scan, decode and aggregate into the thread's rollup. Bad input is
// kept with the chunk for the in-order last stage (Chunk::error).
Chunk* CsvStream::parse(Chunk* c) {
    throw_if_interrupted();
    if (c->error) return c;
    try {
        parse_rows(c);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::input) throw;
        c->error = std::current_exception();
    }
    return c;
}

void CsvStream::parse_rows(Chunk* c) {
    Worker& w = core_.worker();
    if (w.sources.empty() || w.sources.back() != name_) w.sources.push_back(name_);
    w.batch.configure(schema_.slot_count());
    const char* buf = c->ptr();
    // A chunk of the mapping is read by the scan and the decoder alike: a file truncated under
    // it ends the ingest with a message, not with SIGBUS alone (core/mapped_read.hpp).
    const MappedFileScope shrunk(mapped_.data(), mapped_.size(), name_);
    StageTimer t(opts_.stats, Stage::validate);
    const bool utf8_ok = c->ascii || simdjson::validate_utf8(buf, c->len);
    if (!utf8_ok && !opts_.skip_bad_rows)
        throw_input(row_problem_text(name_, utf8_error(buf, c->len, c->first_line)));
    RowDecoder dec(schema_, w.rollup, u_.period, u_.account);
    ScanCursor sc{0, c->first_line};
    RowError err;
    uint64_t n_rows = 0, n_skipped = 0;
    bool more = true;
    while (more) {
        t.switch_to(Stage::scan);
        more = scan_chunk(cfg_, buf, c->len, sc, w.batch);
        t.switch_to(Stage::decode);
        for (size_t r = 0; r < w.batch.rows; ++r) {
            const RowMeta& m = w.batch.meta[r];
            bool ok;
            if (!utf8_ok && !simdjson::validate_utf8(buf + m.begin, m.end - m.begin)) {
                err = utf8_error(buf + m.begin, m.end - m.begin, m.line);
                ok = false;
            } else {
                ok = dec.add_row(buf, w.batch.row(r), m, err);
            }
            if (ok)
                ++n_rows;
            else
                bad_row(err, n_skipped);
        }
        if (w.batch.quote_problem.kind != QuoteProblem::Kind::none)
            throw_input(quote_problem_text(w.batch.quote_problem, "the file ends inside it"));
    }
    t.stop();
    if (pace_) pace_->parsed(c->len);
    rows_.fetch_add(n_rows, std::memory_order_relaxed);
    skipped_.fetch_add(n_skipped, std::memory_order_relaxed);
    core_.add_unit_rows(rep_, dec.unit_rows());
    if (core_.progress()) core_.progress()->add_rows(n_rows);
    w.rows_since_flush += n_rows + n_skipped;
    if (w.due() || (last_file_ && input_done_.load(std::memory_order_relaxed))) core_.flush(w);
}

// A read stream with deferred CRC checks (the header, then the first stage's chunks): the
// member ends that fall in the next n bytes of the stream, from stream_off_ on, into `out`. The
// source reported every end up to what it has read, which is past those bytes.
void CsvStream::take_member_ends(size_t n, std::vector<MemberEnd>& out) {
    src_.take_member_ends(pending_ends_);
    const uint64_t stop = stream_off_ + n;
    auto past = pending_ends_.begin();
    while (past != pending_ends_.end() && past->end <= stop)
        ++past;
    out.assign(pending_ends_.begin(), past);
    pending_ends_.erase(pending_ends_.begin(), past);
    stream_off_ = stop;
}

// Charged to read/inflate: it is the inflate's check, run beside it instead of on it.
void CsvStream::check_crc(const char* p, size_t n, const std::vector<MemberEnd>& ends) {
    StageTimer t(opts_.stats, Stage::read);
    member_crc_.add(p, n, ends);
}

// Serial, in file order: hash the chunk (or check its CRC), then give its buffer (or its pages)
// back.
void CsvStream::finish(Chunk* c) {
    if (c->error) std::rethrow_exception(c->error);
    const MappedFileScope shrunk(mapped_.data(), mapped_.size(), name_);
    hash(c->ptr(), c->len);
    if (defer_crc_) check_crc(c->ptr(), c->len, c->member_ends);
    if (c->view) {
        StageTimer r(opts_.stats, Stage::read);  // unmapping is the mapping's read cost
        release_.before(c->view + c->len);
    }
    pool_.put(c);
}

}  // namespace

void ingest_csv_stream(EngineCore& core, ByteSource& src, std::string_view mapped,
                       const InputStreamInfo& info, const InputUnit& u, SourceReport& rep,
                       StreamDigest* digest, bool last_file, HashPace* pace) {
    CsvStream(core, src, mapped, info, u, rep, digest, last_file, pace).run();
}

}  // namespace curcrunch::ingest
