#pragma once
// Per-stage CPU accounting of an ingest (`ingest --stats`, bench/run.sh): each stage adds the
// CPU time of the thread that ran it, read once per chunk or batch, never per row, so the
// accounting costs nothing measurable. Stages on different threads overlap in wall time; their
// sum is CPU time, comparable with the process's user + system time.
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace curcrunch::ingest {

enum class Stage { read, split, validate, scan, decode, merge, hash, store };
constexpr size_t kStageCount = 8;
const char* stage_name(Stage s);

// CPU time consumed by the calling thread, in nanoseconds.
uint64_t thread_cpu_ns();

class StageStats {
  public:
    void add(Stage s, uint64_t ns) {
        ns_[static_cast<size_t>(s)].fetch_add(ns, std::memory_order_relaxed);
    }
    uint64_t ns(Stage s) const { return ns_[static_cast<size_t>(s)].load(); }
    // The hasher threads an ingest started (they hash different files at once); the table
    // says how many, so that a digest-bound run shows how many cores its digests could have.
    void note_hash_threads(size_t n) {
        size_t seen = hash_threads_.load(std::memory_order_relaxed);
        while (n > seen && !hash_threads_.compare_exchange_weak(seen, n)) {
        }
    }
    size_t hash_threads() const { return hash_threads_.load(); }
    // A worker's flush into the shared rollup: `merged` groups, `again` of them merged before
    // (flushed before they were complete), and the worker's flush size after it.
    void note_flush(size_t merged, size_t again, size_t flush_groups) {
        flushes_.fetch_add(1, std::memory_order_relaxed);
        merged_.fetch_add(merged, std::memory_order_relaxed);
        again_.fetch_add(again, std::memory_order_relaxed);
        size_t seen = flush_groups_.load(std::memory_order_relaxed);
        while (flush_groups > seen && !flush_groups_.compare_exchange_weak(seen, flush_groups)) {
        }
    }
    uint64_t flushes() const { return flushes_.load(); }
    uint64_t groups_merged() const { return merged_.load(); }
    uint64_t groups_merged_again() const { return again_.load(); }
    size_t largest_flush_size() const { return flush_groups_.load(); }
    // The table `ingest --stats` prints: CPU seconds per stage, its share of the process's CPU
    // and its cost per GB of decompressed input, then the process's totals.
    std::string table(uint64_t bytes, double wall_seconds) const;

  private:
    std::array<std::atomic<uint64_t>, kStageCount> ns_{};
    std::atomic<size_t> hash_threads_{0};
    std::atomic<uint64_t> flushes_{0}, merged_{0}, again_{0};
    std::atomic<size_t> flush_groups_{0};
};

// Adds the calling thread's CPU time between construction and stop() (or destruction) to a
// stage; does nothing when `stats` is null. A timer started while another runs on the same
// thread pauses that one until it stops, so a stage run inside another (a compressed file's
// digest inside the read stage, a Parquet page's decompression inside decode+aggregate, the
// digests that --threads 1 computes inside the store write) is counted once, as itself. Timers on
// one thread stop in the reverse order of their start (they are scoped), which keeps the chain
// valid.
class StageTimer {
  public:
    StageTimer(StageStats* stats, Stage s) : stats_(stats), stage_(s) {
        if (!stats_) return;
        t0_ = thread_cpu_ns();
        outer_ = running();
        if (outer_) outer_->pause(t0_);
        running() = this;
    }
    ~StageTimer() { stop(); }
    StageTimer(const StageTimer&) = delete;
    StageTimer& operator=(const StageTimer&) = delete;
    void stop() {
        if (!stats_) return;
        const uint64_t t = thread_cpu_ns();
        if (!paused_) stats_->add(stage_, t - t0_);
        stats_ = nullptr;
        if (running() == this) {
            running() = outer_;
            if (outer_) outer_->resume(t);
        }
    }
    // Ends the current stage and starts `next` with one clock read.
    void switch_to(Stage next) {
        if (stats_ && !paused_) {
            const uint64_t t = thread_cpu_ns();
            stats_->add(stage_, t - t0_);
            t0_ = t;
        }
        stage_ = next;
    }

  private:
    void pause(uint64_t t) {
        if (!stats_ || paused_) return;
        stats_->add(stage_, t - t0_);
        paused_ = true;
    }
    void resume(uint64_t t) {
        t0_ = t;
        paused_ = false;
    }
    // The innermost timer running on this thread, or null.
    static StageTimer*& running() {
        static thread_local StageTimer* timer = nullptr;
        return timer;
    }

    StageStats* stats_;
    Stage stage_;
    uint64_t t0_ = 0;
    StageTimer* outer_ = nullptr;
    bool paused_ = false;  // a timer started after this one on its thread is running
};

}  // namespace curcrunch::ingest
