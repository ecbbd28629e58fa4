#include "curcrunch/ingest/engine.hpp"

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "csv_stream.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/memory_limit.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/byte_source.hpp"
#include "curcrunch/ingest/parquet/page_reader.hpp"
#include "curcrunch/ingest/parquet/parquet_file.hpp"
#include "curcrunch/ingest/parquet/parquet_ingest.hpp"
#include "curcrunch/ingest/thread_budget.hpp"
#include "deferred_hashes.hpp"
#include "engine_core.hpp"

namespace curcrunch::ingest {
namespace {

// What a Parquet file's row groups (parallel, on this engine's threads) write into.
class EngineParquetSink final : public ParquetSink {
  public:
    // `last_file`: no file is left to start after this one; its tail releases `hashes`.
    EngineParquetSink(EngineCore& core, DeferredHashes& hashes, bool last_file,
                      parquet::PagePool& pages)
        : core_(core), hashes_(hashes), last_file_(last_file), pages_(pages) {}
    parquet::PagePool* page_pool() override { return &pages_; }
    Rollup& local_rollup() override { return core_.worker().rollup; }
    void row_group_done(uint64_t rows) override {
        throw_if_interrupted();
        Worker& w = core_.worker();
        w.rows_since_flush += rows;
        if (w.due()) core_.flush(w);
    }
    bool rows_read(uint64_t rows) override {
        throw_if_interrupted();
        Worker& w = core_.worker();
        w.rows_since_flush += rows;
        if (!w.due()) return false;
        core_.flush(w);
        return true;
    }
    void problem(RowProblem p) override { core_.record_problem(std::move(p)); }
    void progress(uint64_t raw, uint64_t rows) override {
        if (!core_.progress()) return;
        if (raw) core_.progress()->add_raw(raw);
        if (rows) core_.progress()->add_rows(rows);
    }
    void file_tail() override {
        if (last_file_) hashes_.release();
    }
    // The run's last file: the thread's rollup is merged now, while other threads still read
    // row groups, rather than by flush_all after them, when it would be serial work.
    void thread_done() override {
        if (last_file_) core_.flush(core_.worker());
    }

  private:
    EngineCore& core_;
    DeferredHashes& hashes_;
    bool last_file_;
    parquet::PagePool& pages_;
};

SourceReport unit_report(const InputUnit& u) {
    SourceReport rep;
    rep.path = u.path;
    rep.manifest = u.manifest;
    rep.assembly_id = u.assembly_id;
    rep.account = u.account;
    rep.period = u.period;
    return rep;
}

// Where a known digest came from, for messages: "ingest 3", or "its download".
std::string known_by(const RecordedDigest& d) {
    return d.origin == "download" ? "its download" : "ingest " + std::to_string(d.ingest_id);
}

// The known digest of `u`'s file when it can stand for hashing it again: same identity, and
// --verify not asked; else nullptr.
const RecordedDigest* reusable(const IngestOptions& opts, const std::string& path,
                               const FileIdentity& id) {
    if (opts.verify || !id.known()) return nullptr;
    auto it = opts.recorded.find(path);
    if (it == opts.recorded.end() || it->second.identity != id || it->second.sha256.empty())
        return nullptr;
    log::debug(path + ": sha256 reused from " + known_by(it->second) +
               " (same device, inode, size and modification time)");
    return &it->second;
}

class Engine {
  public:
    Engine(const std::vector<InputUnit>& units, const IngestOptions& opts)
        : units_(units), opts_(opts), core_(opts) {}

    IngestResult run();

  private:
    void run_lanes();
    void process_unit(const InputUnit& u);
    void process_parquet(const InputUnit& u);
    void process_csv(const InputUnit& u);

    const std::vector<InputUnit>& units_;
    const IngestOptions& opts_;
    EngineCore core_;
    // Every Parquet file's row groups, on every lane and thread, share it (page_reader.hpp).
    parquet::PagePool page_pool_;
    std::unique_ptr<DeferredHashes> hashes_;
    std::atomic<size_t> next_unit_{0};  // the next unit a lane takes
    // --threads 1 (or one core): no thread but the caller's works, the hasher's included.
    bool one_thread_ = false;
};

void Engine::process_parquet(const InputUnit& u) {
    SourceReport rep = unit_report(u);
    rep.identity = file_identity(u.path);
    if (const RecordedDigest* known = reusable(opts_, u.path, rep.identity)) {
        rep.sha256 = known->sha256;
        rep.sha256_origin = known->origin;
    } else {
        // By the hasher thread, after the scan when the scan has every core: hashing compressed
        // columns costs a fraction of decoding them (deferred_hashes.hpp).
        hashes_->hash_file(u.path, rep.identity, /*may_wait=*/true);
    }
    EngineParquetSink sink(core_, *hashes_, next_unit_.load() >= units_.size(), page_pool_);
    ingest_parquet_file(u, opts_, sink, rep);
    sort_unit_rows(rep.units);
    core_.add_report(std::move(rep));
}

void Engine::process_csv(const InputUnit& u) {
    const FileIdentity identity = file_identity(u.path);
    // A file with a known digest is not hashed at all. With one thread in all, every other file
    // is hashed as it is read, by that thread. Else a file likely in the page cache is
    // hashed by the hasher thread, which re-reads it (deferred_hashes.hpp): an uncompressed one
    // from the moment it is queued, a compressed one (whose hash costs a fraction of its
    // inflate and parse) after the scan when the scan has every core. A larger file is hashed
    // as it is read, so the disk is read once: an uncompressed file's bytes are its one stream,
    // hashed by the pipeline, and a compressed file's reader hashes the raw bytes.
    const RecordedDigest* known = reusable(opts_, u.path, identity);
    std::error_code ec;  // a pipe named by a manifest could not be read twice
    const bool deferred = !known && !one_thread_ && opts_.defer_cached_hashes && identity.known() &&
                          likely_cached(identity.size) &&
                          std::filesystem::is_regular_file(u.path, ec);
    auto file = InputFile::open(u.path, opts_.prefer_zlib, opts_.stats, !known && !deferred);
    // The digest of the run's last uncompressed file keeps behind its parse (hash_pace.hpp);
    // `parse_ended` lets it run freely once the parse ends, however it ends. Only the last
    // file's: the digests of the files before it are due before the store write anyway, and a
    // hasher held behind one file's parse (one lane of several) cannot hash the next files
    // meanwhile (four 256 MB files, all paced: 1.055x the wall time of none, 11 runs).
    std::shared_ptr<HashPace> pace;
    if (deferred && file->compression() == Compression::none && next_unit_.load() >= units_.size())
        pace = std::make_shared<HashPace>(identity.size, core_.shared_groups());
    const struct PaceEnd {
        HashPace* pace;
        // finish() sets its flag before it takes a mutex to wake the hasher; should that lock
        // fail, the hasher still sees the flag within HashPace::kStopCheck.
        ~PaceEnd() {
            if (!pace) return;
            try {
                pace->finish();
            } catch (...) {
            }
        }
    } parse_ended{pace.get()};
    // That file's head is hashed by its own stream, and only the rest by a hasher thread
    // (stream_digest.hpp); any other cached file by a hasher thread alone.
    std::optional<StreamDigest> digest;
    if (pace)
        digest.emplace(*hashes_, u.path, identity, pace);
    else if (deferred)
        hashes_->hash_file(u.path, identity,
                           /*may_wait=*/file->compression() != Compression::none);
    else if (file->hashed_by_reader() && !known)
        digest.emplace();
    InputStreamInfo info;
    std::vector<SourceReport> local;
    while (file->next_stream(info)) {
        SourceReport rep = unit_report(u);
        rep.path = info.path;
        rep.member = info.member;
        rep.compression = compression_name(file->compression());
        rep.file_bytes = file->file_size();
        rep.identity = identity;
        ingest_csv_stream(core_, file->source(), file->mapped(), info, u, rep,
                          digest ? &*digest : nullptr, next_unit_.load() >= units_.size(),
                          pace.get());
        sort_unit_rows(rep.units);
        local.push_back(std::move(rep));
    }
    StageTimer rest_of_file(opts_.stats, Stage::read);  // what sha256() reads past the streams
    // A digest a hasher thread finishes is filled in by IngestResult::wait_for_hashes().
    std::string sha = known                              ? known->sha256
                      : digest && !digest->handed_over() ? digest->hex_digest()
                      : deferred                         ? std::string()
                                                         : file->sha256();
    rest_of_file.stop();
    for (auto& r : local) {
        r.sha256 = sha;
        if (known) r.sha256_origin = known->origin;
    }
    core_.add_reports(local);
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
    process_csv(u);
}

// Lanes: each processes whole files one after another; lanes run in parallel and share the
// arena's threads for their parse stages.
void Engine::run_lanes() {
    const size_t lanes = std::min(units_.size(), thread_budget());
    tbb::task_group tg;
    for (size_t k = 0; k < lanes; ++k) {
        tg.run([&] {
            for (size_t i; (i = next_unit_.fetch_add(1)) < units_.size();)
                process_unit(units_[i]);
        });
    }
    tg.wait();
}

IngestResult Engine::run() {
    const auto t0 = std::chrono::steady_clock::now();
    auto since = [t0] {
        return std::to_string(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    };
    uint64_t total_raw = 0;
    for (const auto& u : units_) {
        std::error_code ec;
        auto sz = std::filesystem::file_size(u.path, ec);
        if (!ec) total_raw += sz;
    }
    core_.start_progress(total_raw);
    // With a core to spare the hashers run beside the scan; without, a file that may wait is
    // hashed after it (the merge and the single-threaded store write leave a core idle), so the
    // scan keeps every core. Half as many hasher threads as parse threads, one per file
    // (deferred_hashes.hpp). With one thread there is no core to spare at any time: digests
    // are computed by that thread (as a file is read, or after the store write for a Parquet
    // file).
    const size_t threads = thread_budget();
    const bool every_core = threads >= std::thread::hardware_concurrency();
    one_thread_ = threads == 1;
    hashes_ = std::make_unique<DeferredHashes>(opts_.stats, every_core,
                                               one_thread_ ? 0 : std::max<size_t>(1, threads / 2));
    run_lanes();
    core_.progress()->finish();
    log::debug("scan done at " + since() + " s");

    IngestResult res;
    hashes_->close();  // every deferred file is queued by now
    res.hashes_ = std::move(hashes_);
    if (opts_.verify) res.verify_against_ = opts_.recorded;
    res.stats = opts_.stats;
    core_.flush_all();
    log::debug("groups need " + memory_size_text(core_.memory_needed()) +
               " of memory with their store write, of " +
               (core_.memory_budget() == kNoMemoryLimit ? std::string("no known limit")
                                                        : memory_size_text(core_.memory_budget())));
    core_.finish(res);
    log::debug("merge done at " + since() + " s: " + std::to_string(res.rollup.cost.size()) +
               " cost, " + std::to_string(res.rollup.lines.size()) + " line, " +
               std::to_string(res.rollup.tags.size()) + " tag groups");
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

}  // namespace

IngestResult::IngestResult() = default;
IngestResult::~IngestResult() = default;
IngestResult::IngestResult(IngestResult&&) noexcept = default;
IngestResult& IngestResult::operator=(IngestResult&&) noexcept = default;

void IngestResult::wait_for_hashes() {
    if (hashes_) {
        const std::map<std::string, std::string> digests = hashes_->wait();
        hashes_.reset();
        log::debug("deferred sha256 of " + std::to_string(digests.size()) + " file(s) joined");
        for (SourceReport& r : sources) {
            auto it = digests.find(r.path);
            if (r.sha256.empty() && it != digests.end()) r.sha256 = it->second;
        }
    }
    // --verify: a file that kept its device, inode, size and modification time but not its
    // bytes is exactly what reusing digests would miss, so it stops the ingest.
    for (const SourceReport& r : sources) {
        auto it = verify_against_.find(r.path);
        if (it == verify_against_.end() || !r.identity.known()) continue;
        const RecordedDigest& rec = it->second;
        if (rec.identity == r.identity && rec.sha256 != r.sha256)
            throw_input(r.path + ": sha256 " + r.sha256 + " differs from " + rec.sha256 +
                        (rec.origin == "download" ? " computed by its download"
                                                  : " recorded by " + known_by(rec)) +
                        ", although its size and modification time are unchanged (the file was "
                        "changed in place, or its disk damaged it); the store was not changed");
    }
    verify_against_.clear();
}

IngestResult run_ingest(const std::vector<InputUnit>& units, const IngestOptions& opts) {
    const ThreadLimit limit(opts.threads);
    Engine e(units, opts);
    return e.run();
}

}  // namespace curcrunch::ingest
