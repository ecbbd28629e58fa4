#include "curcrunch/ingest/engine.hpp"

#include <simdjson.h>
#include <sys/mman.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/byte_source.hpp"
#include "curcrunch/ingest/chunk_scanner.hpp"
#include "curcrunch/ingest/parquet/parquet_file.hpp"
#include "curcrunch/ingest/parquet/parquet_ingest.hpp"
#include "curcrunch/ingest/progress.hpp"
#include "curcrunch/ingest/row_decoder.hpp"
#include "curcrunch/ingest/schema.hpp"

namespace curcrunch::ingest {

// Hashes uncompressed inputs on its own thread, started with the ingest: it shares the cores
// with the scan, then overlaps the single-threaded merge and store write, instead of sitting in
// the serial read stage (SHA-256 runs at ~1.5 GB/s, slower than the scan).
struct IngestResult::Hasher {
    explicit Hasher(StageStats* st) : stats(st), thread([this] { run(); }) {}
    ~Hasher() {
        close();
        if (thread.joinable()) thread.join();
    }
    void push(const std::string& path) {
        {
            std::lock_guard<std::mutex> l(m);
            queue.push_back(path);
        }
        cv.notify_one();
    }
    void close() {
        {
            std::lock_guard<std::mutex> l(m);
            closed = true;
        }
        cv.notify_one();
    }
    void run() {
        for (;;) {
            std::string path;
            {
                std::unique_lock<std::mutex> l(m);
                cv.wait(l, [this] { return closed || !queue.empty(); });
                if (queue.empty()) return;
                path = std::move(queue.front());
                queue.pop_front();
            }
            try {
                StageTimer t(stats, Stage::hash);
                std::string d = Sha256::of_file(path);
                std::lock_guard<std::mutex> l(m);
                digests[path] = std::move(d);
            } catch (...) {
                std::lock_guard<std::mutex> l(m);
                if (!error) error = std::current_exception();
            }
        }
    }

    std::mutex m;
    std::condition_variable cv;
    std::deque<std::string> queue;
    bool closed = false;
    std::map<std::string, std::string> digests;
    std::exception_ptr error;
    StageStats* stats;
    std::thread thread;  // last: starts after the members above exist
};

namespace {

// A record longer than this is treated as damage (an unterminated quote swallowing the file),
// not as data: it bounds the memory one stream can take. Chunks therefore stay below 2^27
// bytes (see kRowsPerFlush in core/money.hpp and row_key_index.hpp).
constexpr size_t kMaxRecordBytes = 64u << 20;

struct Chunk {
    std::unique_ptr<char[]> data;
    size_t cap = 0;  // usable bytes; kScanPadding more are allocated
    size_t len = 0;
    uint64_t first_line = 1;
    const char* view = nullptr;  // set: the bytes live in a file mapping, not in data
    const char* ptr() const { return view ? view : data.get(); }
    void allocate(size_t n) {
        data = std::make_unique<char[]>(n + kScanPadding);  // zeroed once, reused afterwards
        cap = n;
    }
};

// Owns every chunk buffer of one stream. Buffers are recycled through the free list; the pool
// also owns chunks that were in flight when a pipeline was cancelled by an error.
class ChunkPool {
  public:
    explicit ChunkPool(size_t block) : block_(block) {}
    // A chunk with a buffer of at least `min_cap` bytes (0: no buffer needed, a view follows).
    Chunk* get(size_t min_cap) {
        Chunk* c = nullptr;
        {
            std::lock_guard<std::mutex> l(m_);
            if (!free_.empty()) {
                c = free_.back();
                free_.pop_back();
            } else {
                all_.push_back(std::make_unique<Chunk>());
                c = all_.back().get();
            }
        }
        c->view = nullptr;
        if (c->cap < min_cap) c->allocate(std::max(min_cap, block_));
        return c;
    }
    Chunk* get() { return get(block_); }
    void put(Chunk* c) {
        std::lock_guard<std::mutex> l(m_);
        free_.push_back(c);
    }

  private:
    size_t block_;
    std::mutex m_;
    std::vector<std::unique_ptr<Chunk>> all_;
    std::vector<Chunk*> free_;
};

// A worker's rollup is flushed into the shared one when it holds this many groups, or its row
// key index this many bytes (wide rows with many tags make long keys), which bounds per-thread
// memory whatever the input's cardinality and width; and after kRowsPerFlush rows, which bounds
// its sums (core/money.hpp).
constexpr size_t kFlushGroups = size_t(1) << 16;
constexpr size_t kFlushKeyBytes = size_t(16) << 20;

// Gives `c` a buffer of `cap` bytes holding its first `len` bytes.
void grow(Chunk& c, size_t len, size_t cap) {
    Chunk bigger;
    bigger.allocate(cap);
    std::memcpy(bigger.data.get(), c.data.get(), len);
    c.data = std::move(bigger.data);
    c.cap = bigger.cap;
}

// Drops a parsed range of a file mapping from this process's page tables so resident memory
// does not grow with the file (the pages stay in the page cache; a private read-only mapping
// refaults identical bytes if a neighbouring chunk still touches a shared edge page).
void release_pages(const char* p, size_t n) {
    const uintptr_t page = 4096;
    const uintptr_t a = reinterpret_cast<uintptr_t>(p) & ~(page - 1);
    const uintptr_t b = (reinterpret_cast<uintptr_t>(p) + n) & ~(page - 1);
    if (b > a) ::madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
}

struct Worker {
    Rollup rollup;
    ScanBatch batch;
    uint64_t rows_since_flush = 0;
    std::vector<std::string> sources;  // streams with rows in `rollup`, for messages
    bool due() const {
        return rollup.groups() >= kFlushGroups || rollup.row_keys.size() >= kFlushGroups ||
               rollup.row_keys.bytes() >= kFlushKeyBytes || rows_since_flush >= kRowsPerFlush;
    }
};

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

class Engine {
  public:
    Engine(const std::vector<InputUnit>& units, const IngestOptions& opts)
        : units_(units), opts_(opts) {}

    IngestResult run();

  private:
    friend class EngineParquetSink;
    void process_unit(const InputUnit& u);
    void process_parquet(const InputUnit& u);
    void process_stream(ByteSource& src, std::string_view mapped, const InputStreamInfo& info,
                        const InputUnit& u, SourceReport& rep, Sha256* stream_hash);
    void record_problem(const std::string& source, const RowError& e);
    void add_unit_rows(SourceReport& rep, const std::vector<UnitRows>& rows);
    [[noreturn]] void fail_row(const std::string& source, const RowError& e);

    void flush(Worker& w);

    const std::vector<InputUnit>& units_;
    const IngestOptions& opts_;
    tbb::enumerable_thread_specific<Worker> workers_;
    std::mutex rollup_mutex_;
    Rollup rollup_;  // the only complete copy; workers flush into it
    std::unique_ptr<Progress> progress_;
    std::mutex m_;
    std::vector<SourceReport> reports_;
    std::unique_ptr<IngestResult::Hasher> hasher_;
    std::vector<RowProblem> problems_;
    std::atomic<uint64_t> skipped_{0};
};

std::string row_problem_text(const std::string& source, const RowError& e) {
    std::string s = source + (e.line ? ":" + std::to_string(e.line) : std::string()) + ": ";
    if (!e.column.empty()) s += "column '" + shown_text(e.column) + "': ";
    return s + e.message;
}

// Merging checks every running sum (core/money.hpp); one out of range is bad input, named by
// its group and the files whose rows this worker had summed.
void Engine::flush(Worker& w) {
    StageTimer t(opts_.stats, Stage::merge);
    w.rollup.settle();
    if (w.rollup.groups() > 0) {
        std::lock_guard<std::mutex> l(rollup_mutex_);
        try {
            rollup_.merge_from(w.rollup);
        } catch (const Error& e) {
            std::string files;
            for (size_t i = 0; i < w.sources.size() && i < 3; ++i)
                files += (i ? ", " : "") + w.sources[i];
            if (w.sources.size() > 3)
                files += " and " + std::to_string(w.sources.size() - 3) + " more";
            throw_input(files + ": " + e.what() + " (summed over rows)");
        }
    }
    w.rollup.clear();
    w.rows_since_flush = 0;
    w.sources.clear();
}

void Engine::add_unit_rows(SourceReport& rep, const std::vector<UnitRows>& rows) {
    if (rows.empty()) return;
    std::lock_guard<std::mutex> l(m_);
    merge_unit_rows(rep.units, rows);
}

void Engine::record_problem(const std::string& source, const RowError& e) {
    skipped_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> l(m_);
    if (problems_.size() < opts_.max_error_samples)
        problems_.push_back(RowProblem{source, e.line, e.column, e.message});
}

void Engine::fail_row(const std::string& source, const RowError& e) {
    throw_input(row_problem_text(source, e));
}

// `stream_hash`, when given, receives every byte of the stream in order: the header here, the
// chunks in the pipeline's last (serial, in order) stage, while they are still in cache from
// the parse.
void Engine::process_stream(ByteSource& src, std::string_view mapped, const InputStreamInfo& info,
                            const InputUnit& u, SourceReport& rep, Sha256* stream_hash) {
    const std::string name = info.display_name();
    ChunkPool pool(opts_.block_size);

    // Header: read until its record is complete (growing the buffer up to kMaxHeaderBytes) and
    // resolve the dialect from it. A mapped file's header is read from the mapping.
    Chunk* cur = pool.get();
    size_t cur_len = 0;
    bool eof = false;
    uint64_t raw_seen = src.raw_bytes_read();  // cumulative across the members of a zip
    Schema schema;
    if (!mapped.empty()) {  // nothing is read: the mapping is the whole file
        if (progress_) progress_->add_raw(src.raw_bytes_read() - raw_seen);
        const size_t probe = std::min(mapped.size(), kMaxHeaderBytes + 1);
        schema = resolve_schema(mapped.substr(0, probe), opts_.csv, name, probe == mapped.size());
        if (stream_hash) {
            StageTimer t(opts_.stats, Stage::hash);
            stream_hash->update(mapped.data(), schema.header_bytes);
        }
        rep.bytes = mapped.size();
        eof = true;
        if (progress_) progress_->add_raw(schema.header_bytes);
    } else {
        StageTimer t(opts_.stats, Stage::read);
        for (;;) {
            while (!eof && cur_len < cur->cap) {
                size_t n = src.read(cur->data.get() + cur_len, cur->cap - cur_len);
                if (n == 0) eof = true;
                cur_len += n;
            }
            const std::string_view head(cur->data.get(), cur_len);
            if (eof || cur_len > kMaxHeaderBytes || header_record_bytes(head, opts_.csv) > 0) break;
            grow(*cur, cur_len, cur->cap * 2);
        }
        t.stop();
        if (progress_) progress_->add_raw(src.raw_bytes_read() - raw_seen);
        raw_seen = src.raw_bytes_read();
        rep.bytes = cur_len;
        if (cur_len == 0) throw_input(name + ": empty file (no header line)");
        schema = resolve_schema(std::string_view(cur->data.get(), cur_len), opts_.csv, name, eof);
        if (stream_hash) {
            StageTimer h(opts_.stats, Stage::hash);
            stream_hash->update(cur->data.get(), schema.header_bytes);
        }
        std::memmove(cur->data.get(), cur->data.get() + schema.header_bytes,
                     cur_len - schema.header_bytes);
        cur_len -= schema.header_bytes;
    }
    rep.dialect = dialect_name(schema.dialect);
    rep.invoice_column = schema.has(kInvoiceId);
    uint64_t line = 1 + schema.header_lines;

    const uint32_t ncols = static_cast<uint32_t>(schema.columns.size());
    const std::vector<uint32_t> next_needed =
        next_needed_columns(schema.slot_of_column.data(), ncols);
    const ScanConfig cfg{schema.slot_of_column.data(), next_needed.data(), ncols,
                         schema.format.delimiter, schema.format.quoting};
    const bool quoting = schema.format.quoting;
    const bool skip = opts_.skip_bad_rows;
    std::atomic<uint64_t> rows{0}, skipped{0}, bytes{rep.bytes};

    // Serial stage: hand out chunks that end on a record boundary; carry the partial record.
    auto reader = [&](tbb::flow_control& fc) -> Chunk* {
        throw_if_interrupted();
        StageTimer t(opts_.stats, Stage::read);
        for (;;) {
            while (!eof && cur_len < cur->cap) {
                size_t n = src.read(cur->data.get() + cur_len, cur->cap - cur_len);
                if (n == 0) eof = true;
                cur_len += n;
                bytes.fetch_add(n, std::memory_order_relaxed);
            }
            t.switch_to(Stage::split);
            if (progress_) {
                uint64_t r = src.raw_bytes_read();
                progress_->add_raw(r - raw_seen);
                raw_seen = r;
            }
            if (cur_len == 0) {
                fc.stop();
                return nullptr;
            }
            if (eof) {
                Chunk* out = cur;
                out->len = cur_len;
                out->first_line = line;
                cur = pool.get();
                cur_len = 0;
                return out;
            }
            uint64_t quotes = 0, newlines = 0;
            count_quotes_newlines(cur->data.get(), cur_len, quotes, newlines);
            size_t cut = find_record_boundary(cur->data.get(), cur_len, quoting, quotes);
            if (cut == 0) {
                // One record fills the whole buffer: grow it (bounded) and read on.
                if (cur->cap >= kMaxRecordBytes)
                    throw_input(name + ":" + std::to_string(line) +
                                ": record longer than 64 MiB (an unterminated quoted field?)");
                grow(*cur, cur_len, cur->cap * 2);
                t.switch_to(Stage::read);
                continue;
            }
            Chunk* out = cur;
            out->len = cut;
            out->first_line = line;
            uint64_t tail_newlines = static_cast<uint64_t>(
                std::count(cur->data.get() + cut, cur->data.get() + cur_len, '\n'));
            line += newlines - tail_newlines;
            cur = pool.get();
            if (cur->cap < cur_len - cut + opts_.block_size / 2) cur->allocate(out->cap);
            std::memcpy(cur->data.get(), out->data.get() + cut, cur_len - cut);
            cur_len -= cut;
            return out;
        }
    };

    // Parallel stage: validate, scan, decode and aggregate into the thread's rollup.
    auto parser = [&](Chunk* c) -> Chunk* {
        throw_if_interrupted();
        Worker& w = workers_.local();
        if (w.sources.empty() || w.sources.back() != name) w.sources.push_back(name);
        w.batch.configure(schema.slot_count());
        const char* buf = c->ptr();
        StageTimer t(opts_.stats, Stage::validate);
        const bool utf8_ok = simdjson::validate_utf8(buf, c->len);
        if (!utf8_ok && !skip) {
            size_t off = first_invalid_utf8(reinterpret_cast<const unsigned char*>(buf), c->len);
            uint64_t l = c->first_line + static_cast<uint64_t>(std::count(buf, buf + off, '\n'));
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(buf[off]));
            throw_input(name + ":" + std::to_string(l) + ": invalid UTF-8 (byte " + hex + ")");
        }
        RowDecoder dec(schema, w.rollup, u.period, u.account);
        ScanCursor sc{0, c->first_line};
        RowError err;
        uint64_t n_rows = 0, n_skipped = 0;
        bool more = true;
        while (more) {
            t.switch_to(Stage::scan);
            more = scan_chunk(cfg, buf, c->len, sc, w.batch);
            t.switch_to(Stage::decode);
            for (size_t r = 0; r < w.batch.rows; ++r) {
                const RowMeta& m = w.batch.meta[r];
                bool ok;
                if (!utf8_ok && !simdjson::validate_utf8(buf + m.begin, m.end - m.begin)) {
                    err = RowError{m.line, {}, "invalid UTF-8"};
                    ok = false;
                } else {
                    ok = dec.add_row(buf, w.batch.row(r), m, err);
                }
                if (ok) {
                    ++n_rows;
                } else if (skip) {
                    ++n_skipped;
                    record_problem(name, err);
                } else {
                    fail_row(name, err);
                }
            }
            if (w.batch.unterminated_quote) {
                RowError e{w.batch.unterminated_line,
                           {},
                           "unterminated quoted field (the file ends inside quotes)"};
                if (!skip) fail_row(name, e);
                ++n_skipped;
                record_problem(name, e);
            }
        }
        t.stop();
        rows.fetch_add(n_rows, std::memory_order_relaxed);
        skipped.fetch_add(n_skipped, std::memory_order_relaxed);
        add_unit_rows(rep, dec.unit_rows());
        if (progress_) progress_->add_rows(n_rows);
        w.rows_since_flush += n_rows + n_skipped;
        if (w.due()) flush(w);
        return c;
    };

    // Serial, in file order: hash the chunk, then give its buffer (or its pages) back.
    auto finisher = [&](Chunk* c) {
        if (stream_hash) {
            StageTimer t(opts_.stats, Stage::hash);
            stream_hash->update(c->ptr(), c->len);
        }
        if (c->view) {
            StageTimer r(opts_.stats, Stage::read);  // unmapping is the mapping's read cost
            release_pages(c->view, c->len);
        }
        pool.put(c);
    };

    // Serial stage for a mapped file: chunks are views into the mapping, split at record
    // boundaries; no byte is copied except the final chunk, which needs scan padding the end
    // of the file cannot give.
    size_t map_pos = schema.header_bytes;
    auto mapped_reader = [&](tbb::flow_control& fc) -> Chunk* {
        throw_if_interrupted();
        const size_t size = mapped.size();
        if (map_pos >= size) {
            fc.stop();
            return nullptr;
        }
        StageTimer t(opts_.stats, Stage::split);
        const char* base = mapped.data() + map_pos;
        const size_t remaining = size - map_pos;
        size_t window = opts_.block_size, cut = 0;
        uint64_t newlines = 0;
        while (remaining > window + kScanPadding) {
            uint64_t quotes = 0;
            count_quotes_newlines(base, window, quotes, newlines);
            cut = find_record_boundary(base, window, quoting, quotes);
            if (cut) break;
            if (window >= kMaxRecordBytes)
                throw_input(name + ":" + std::to_string(line) +
                            ": record longer than 64 MiB (an unterminated quoted field?)");
            window *= 2;
        }
        Chunk* c;
        if (cut == 0) {  // the rest of the file: copy it behind padding
            c = pool.get(remaining);
            std::memcpy(c->data.get(), base, remaining);
            std::memset(c->data.get() + remaining, 0, kScanPadding);
            c->len = remaining;
            newlines = static_cast<uint64_t>(std::count(base, base + remaining, '\n'));
            release_pages(base, remaining);
        } else {
            c = pool.get(0);
            c->view = base;
            c->len = cut;
            newlines -= static_cast<uint64_t>(std::count(base + cut, base + window, '\n'));
        }
        c->first_line = line;
        line += newlines;
        map_pos += c->len;
        if (progress_) progress_->add_raw(c->len);
        return c;
    };

    const size_t threads = static_cast<size_t>(tbb::this_task_arena::max_concurrency());
    auto rest = tbb::make_filter<Chunk*, Chunk*>(tbb::filter_mode::parallel, parser) &
                tbb::make_filter<Chunk*, void>(tbb::filter_mode::serial_in_order, finisher);
    if (mapped.empty())
        tbb::parallel_pipeline(
            threads * 2 + 1,
            tbb::make_filter<void, Chunk*>(tbb::filter_mode::serial_in_order, reader) & rest);
    else
        tbb::parallel_pipeline(
            threads * 2 + 1,
            tbb::make_filter<void, Chunk*>(tbb::filter_mode::serial_in_order, mapped_reader) &
                rest);
    rep.rows = rows.load();
    rep.skipped = skipped.load();
    rep.bytes = bytes.load();
}

// What a Parquet file's row groups (parallel, on this engine's threads) write into.
class EngineParquetSink final : public ParquetSink {
  public:
    explicit EngineParquetSink(Engine& e) : e_(e) {}
    Rollup& local_rollup() override { return e_.workers_.local().rollup; }
    void row_group_done(uint64_t rows) override {
        throw_if_interrupted();
        Worker& w = e_.workers_.local();
        w.rows_since_flush += rows;
        if (w.due()) e_.flush(w);
    }
    void problem(RowProblem p) override {
        e_.skipped_.fetch_add(1, std::memory_order_relaxed);
        std::lock_guard<std::mutex> l(e_.m_);
        if (e_.problems_.size() < e_.opts_.max_error_samples) e_.problems_.push_back(std::move(p));
    }
    void progress(uint64_t raw, uint64_t rows) override {
        if (!e_.progress_) return;
        if (raw) e_.progress_->add_raw(raw);
        if (rows) e_.progress_->add_rows(rows);
    }

  private:
    Engine& e_;
};

void Engine::process_parquet(const InputUnit& u) {
    // Parquet is hashed like an uncompressed file: by the hasher thread, alongside the scan.
    hasher_->push(u.path);
    SourceReport rep;
    rep.path = u.path;
    rep.manifest = u.manifest;
    rep.assembly_id = u.assembly_id;
    rep.account = u.account;
    rep.period = u.period;
    EngineParquetSink sink(*this);
    ingest_parquet_file(u, opts_, sink, rep);
    sort_unit_rows(rep.units);
    std::lock_guard<std::mutex> l(m_);
    reports_.push_back(std::move(rep));
}

void Engine::process_unit(const InputUnit& u) {
    // A period from a manifest or a partition folder applies to every row: it keeps the range
    // the row decoder keeps for dates (row_decoder.cpp).
    if (u.period != 0 && (u.period < 200001 || u.period > 209912))
        throw_input(u.path + ": billing period " + format_period(u.period) +
                    " (from its manifest or folder) is outside 2000-01..2099-12");
    // Content decides: a file that starts with Parquet's magic is Parquet, whatever its name.
    if (parquet::has_parquet_magic(u.path)) return process_parquet(u);
    const std::string_view ext = ".parquet";
    if (u.path.size() > ext.size() &&
        u.path.compare(u.path.size() - ext.size(), ext.size(), ext) == 0)
        throw_input(u.path + ": not a Parquet file (no PAR1 magic at the start)");
    auto file = InputFile::open(u.path, opts_.prefer_zlib, opts_.stats);
    // An uncompressed file's bytes are its one stream: the pipeline hashes them as it goes.
    std::optional<Sha256> stream_hash;
    if (file->hashed_by_reader()) stream_hash.emplace();
    InputStreamInfo info;
    std::vector<SourceReport> local;
    while (file->next_stream(info)) {
        SourceReport rep;
        rep.path = info.path;
        rep.member = info.member;
        rep.compression = compression_name(file->compression());
        rep.manifest = u.manifest;
        rep.assembly_id = u.assembly_id;
        rep.account = u.account;
        rep.period = u.period;
        rep.file_bytes = file->file_size();
        process_stream(file->source(), file->mapped(), info, u, rep,
                       stream_hash ? &*stream_hash : nullptr);
        sort_unit_rows(rep.units);
        local.push_back(std::move(rep));
    }
    StageTimer rest_of_file(opts_.stats, Stage::read);  // what sha256() reads past the streams
    std::string sha = stream_hash ? stream_hash->hex_digest() : file->sha256();
    rest_of_file.stop();
    for (auto& r : local)
        r.sha256 = sha;
    std::lock_guard<std::mutex> l(m_);
    for (auto& r : local)
        reports_.push_back(std::move(r));
}

IngestResult Engine::run() {
    auto t0 = std::chrono::steady_clock::now();
    uint64_t total_raw = 0;
    for (const auto& u : units_) {
        std::error_code ec;
        auto sz = std::filesystem::file_size(u.path, ec);
        if (!ec) total_raw += sz;
    }
    progress_ = std::make_unique<Progress>(total_raw, opts_.progress);
    hasher_ = std::make_unique<IngestResult::Hasher>(opts_.stats);

    // Lanes: each processes whole files one after another; lanes run in parallel and share the
    // arena's threads for their parse stages.
    const size_t lanes = std::min<size_t>(
        units_.size(), static_cast<size_t>(tbb::this_task_arena::max_concurrency()));
    std::atomic<size_t> next{0};
    tbb::task_group tg;
    for (size_t k = 0; k < lanes; ++k) {
        tg.run([&] {
            for (size_t i; (i = next.fetch_add(1)) < units_.size();)
                process_unit(units_[i]);
        });
    }
    tg.wait();
    progress_->finish();
    auto since = [t0] {
        return std::to_string(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    };
    log::debug("scan done at " + since() + " s");

    IngestResult res;
    hasher_->close();  // every deferred file is queued by now
    res.hasher_ = std::move(hasher_);
    for (Worker& w : workers_)
        flush(w);
    workers_.clear();
    res.rollup = std::move(rollup_);
    log::debug("merge done at " + since() + " s: " + std::to_string(res.rollup.cost.size()) +
               " cost, " + std::to_string(res.rollup.lines.size()) + " line, " +
               std::to_string(res.rollup.tags.size()) + " tag groups");
    std::sort(reports_.begin(), reports_.end(), [](const SourceReport& a, const SourceReport& b) {
        return std::tie(a.path, a.member) < std::tie(b.path, b.member);
    });
    for (const auto& r : reports_) {
        res.rows += r.rows;
        res.skipped += r.skipped;
        res.bytes += r.bytes;
        res.raw_bytes += r.file_bytes;
        res.skipped_row_groups += r.skipped_row_groups;
    }
    res.sources = std::move(reports_);
    std::sort(problems_.begin(), problems_.end(), [](const RowProblem& a, const RowProblem& b) {
        return std::tie(a.source, a.line) < std::tie(b.source, b.line);
    });
    res.problems = std::move(problems_);
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

}  // namespace

IngestResult::IngestResult() = default;
IngestResult::~IngestResult() = default;
IngestResult::IngestResult(IngestResult&&) noexcept = default;
IngestResult& IngestResult::operator=(IngestResult&&) noexcept = default;

void IngestResult::wait_for_hashes() {
    if (!hasher_) return;
    hasher_->close();
    hasher_->thread.join();
    if (hasher_->error) std::rethrow_exception(hasher_->error);
    log::debug("deferred sha256 of " + std::to_string(hasher_->digests.size()) + " file(s) joined");
    for (SourceReport& r : sources) {
        auto it = hasher_->digests.find(r.path);
        if (r.sha256.empty() && it != hasher_->digests.end()) r.sha256 = it->second;
    }
    hasher_.reset();
}

std::string RowProblem::text() const {
    return row_problem_text(source, RowError{line, column, message});
}

IngestResult run_ingest(const std::vector<InputUnit>& units, const IngestOptions& opts) {
    std::unique_ptr<tbb::global_control> limit;
    if (opts.threads > 0)
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      static_cast<size_t>(opts.threads));
    Engine e(units, opts);
    return e.run();
}

}  // namespace curcrunch::ingest
