#pragma once
// What the streams of one ingest share (engine-internal): the threads' rollups and their flush
// into the one complete rollup, the per-file reports, the sampled row problems and progress.
#include <tbb/enumerable_thread_specific.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "curcrunch/ingest/chunk_scanner.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/progress.hpp"
#include "curcrunch/ingest/rollup.hpp"

namespace curcrunch::ingest {

// A worker's rollup is flushed into the shared one when it holds flush_groups groups (between
// kMinFlushGroups and kMaxFlushGroups), or its row key index kFlushKeyBytes (wide rows with many
// tags make long keys), which bounds per-thread memory whatever the input's cardinality and
// width; and after kRowsPerFlush rows, which bounds its sums (core/money.hpp). Checked after each
// chunk, so a chunk's new groups come on top.
//
// Small maps are fast maps: a worker's maps and row key index at 8,192 groups stay in its core's
// caches, where at 65,536 nearly every probe missed them. But a group flushed before it is
// complete comes back: its composite is built again and it is merged again. Billing exports
// come in day order (AWS's own Parquet: 119,304 of 119,306 rows no earlier than the row before),
// so a worker's groups are mostly of the days at hand, and they come back only when a day has
// more groups than the worker holds. Each worker therefore starts small and doubles its size
// whenever more than a quarter of a full flush's groups were in its flush before
// (EngineCore::grow_if_reflushed), never shrinking. Against a fixed 65,536, in interleaved runs
// (2 threads): CPU 0.973x on the hourly CSV file and 0.956x on Parquet (snappy), 15 runs each;
// 0.97x-0.98x on the wide daily file (4 runs, both orders); 1.01x on a month of 2,000 series
// with 11,600 groups a day (15 runs), where a fixed 8,192 took 1.13x.
constexpr size_t kMinFlushGroups = size_t(1) << 13;
constexpr size_t kMaxFlushGroups = size_t(1) << 16;
static_assert(kMaxFlushGroups <= (size_t(1) << 16), "row_key_index.hpp's bound on entries");
constexpr size_t kFlushKeyBytes = size_t(16) << 20;
// Groups per map the shared rollup has room for before its first copy into a bigger vector.
constexpr size_t kSharedGroups = size_t(1) << 17;

struct Worker {
    // A worker's maps fill to about flush_groups (and a chunk's new groups) and are kept
    // (cleared) between flushes: room reserved up front spares each one its first copies into
    // bigger blocks. The reservation is about 4.5 MB per worker (entries of 208, 176 and 160
    // bytes); a map filled past it grows and keeps its size.
    Worker() {
        rollup.cost.reserve(kMinFlushGroups);
        rollup.lines.reserve(kMinFlushGroups);
        rollup.tags.reserve(kMinFlushGroups);
    }
    Rollup rollup;
    ScanBatch batch;
    uint64_t rows_since_flush = 0;
    size_t flush_groups = kMinFlushGroups;  // only grows, up to kMaxFlushGroups
    std::vector<std::string> sources;       // streams with rows in `rollup`, for messages
    // The cost groups of this worker's last flush and of the one being made, as bits set by
    // their hashes (EngineCore::grow_if_reflushed); empty until the first flush.
    std::vector<uint64_t> last_flush_bits, this_flush_bits;
    std::vector<uint64_t> string_hashes;  // by the rollup pool's ids, at a flush
    bool due() const {
        return rollup.groups() >= flush_groups || rollup.row_keys.size() >= flush_groups ||
               rollup.row_keys.bytes() >= kFlushKeyBytes || rows_since_flush >= kRowsPerFlush;
    }
};

// "file:line: column 'x': message".
std::string row_problem_text(const std::string& source, const RowError& e);

class EngineCore {
  public:
    explicit EngineCore(const IngestOptions& opts);

    Worker& worker() { return workers_.local(); }
    // Merges `w`'s rollup into the shared one and empties it.
    void flush(Worker& w);
    void flush_all();
    // Counts a skipped row and keeps the first max_error_samples of them.
    void record_problem(RowProblem p);
    void add_unit_rows(SourceReport& rep, const std::vector<UnitRows>& rows);
    void add_report(SourceReport rep);
    void add_reports(std::vector<SourceReport>& reps);
    Progress* progress() { return progress_.get(); }
    void start_progress(uint64_t total_raw) {
        progress_ = std::make_unique<Progress>(total_raw, opts.progress);
    }
    // What the shared rollup's groups need in memory, with what their store write adds; and
    // what they may need (IngestOptions::max_memory).
    uint64_t memory_needed() const;
    uint64_t memory_budget() const { return memory_budget_; }
    // The shared rollup's groups, as of its last flush: the rows its store write will insert.
    std::shared_ptr<const std::atomic<uint64_t>> shared_groups() const { return shared_groups_; }
    // Hands the rollup, the sorted reports and problems over to `res`.
    void finish(IngestResult& res);

    const IngestOptions& opts;

  private:
    // Throws Error(input) when the shared rollup, with what its store write adds, needs more
    // than memory_budget_ (IngestOptions::max_memory). Called under rollup_mutex_.
    void check_memory(const Worker& w) const;
    // Doubles w.flush_groups when more than a quarter of the cost groups of a full flush were
    // in the worker's flush before.
    static void grow_if_reflushed(Worker& w);

    uint64_t memory_budget_;  // bytes; kNoMemoryLimit: none known
    tbb::enumerable_thread_specific<Worker> workers_;
    std::mutex rollup_mutex_;
    Rollup rollup_;  // the only complete copy; workers flush into it
    // rollup_.groups(), stored after each flush; shared with hashers that may outlive this.
    std::shared_ptr<std::atomic<uint64_t>> shared_groups_ =
        std::make_shared<std::atomic<uint64_t>>(0);
    std::unique_ptr<Progress> progress_;
    std::mutex m_;
    std::vector<SourceReport> reports_;
    std::vector<RowProblem> problems_;
};

}  // namespace curcrunch::ingest
