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

// A worker's rollup is flushed into the shared one when it holds this many groups, or its row
// key index this many bytes (wide rows with many tags make long keys), which bounds per-thread
// memory whatever the input's cardinality and width; and after kRowsPerFlush rows, which bounds
// its sums (core/money.hpp).
constexpr size_t kFlushGroups = size_t(1) << 16;
constexpr size_t kFlushKeyBytes = size_t(16) << 20;
// Groups per map the shared rollup has room for before its first copy into a bigger vector.
constexpr size_t kSharedGroups = 2 * kFlushGroups;

struct Worker {
    // A worker's maps fill to about kFlushGroups and are kept (cleared) between flushes: room
    // reserved up front spares each one its copies into ever bigger vectors and the page
    // faults of those. The reservation is address space (about 36 MB per worker: entries of
    // 208, 176 and 160 bytes), and pages are touched only as entries come.
    Worker() {
        rollup.cost.reserve(kFlushGroups);
        rollup.lines.reserve(kFlushGroups);
        rollup.tags.reserve(kFlushGroups);
    }
    Rollup rollup;
    ScanBatch batch;
    uint64_t rows_since_flush = 0;
    std::vector<std::string> sources;  // streams with rows in `rollup`, for messages
    bool due() const {
        return rollup.groups() >= kFlushGroups || rollup.row_keys.size() >= kFlushGroups ||
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
    // Hands the rollup, the sorted reports and problems over to `res`.
    void finish(IngestResult& res);

    const IngestOptions& opts;

  private:
    // Throws Error(input) when the shared rollup, with what its store write adds, needs more
    // than memory_budget_ (IngestOptions::max_memory). Called under rollup_mutex_.
    void check_memory(const Worker& w) const;

    uint64_t memory_budget_;  // bytes; kNoMemoryLimit: none known
    tbb::enumerable_thread_specific<Worker> workers_;
    std::mutex rollup_mutex_;
    Rollup rollup_;  // the only complete copy; workers flush into it
    std::unique_ptr<Progress> progress_;
    std::mutex m_;
    std::vector<SourceReport> reports_;
    std::vector<RowProblem> problems_;
};

}  // namespace curcrunch::ingest
