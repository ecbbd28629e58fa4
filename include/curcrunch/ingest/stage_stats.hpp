#pragma once
// Per-stage CPU accounting of an ingest (`ingest --stats`, bench/run.sh): each stage adds the
// CPU time of the thread that ran it, read once per chunk or batch, never per row, so the
// accounting costs nothing measurable. Stages on different threads overlap in wall time; their
// sum is CPU time, comparable with the process's user + system time.
//
// Decode and aggregate are one pass per row (a row's fields are read, then its groups found and
// summed, while its bytes are in cache), so no clock read per batch can tell them apart. Only
// with stats on, the row decoder times the aggregation of a sample of rows by the CPU's cycle
// counter (TimingSample) and tells the running timer (StageTimer::add_aggregate_cycles), which
// turns the estimated cycles into time at the counter's rate and moves that much of the decode
// segment's CPU time to aggregate. Without stats no row reads the counter.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace curcrunch::ingest {

enum class Stage { read, split, validate, scan, decode, aggregate, merge, hash, store };
constexpr size_t kStageCount = 9;
const char* stage_name(Stage s);

// CPU time consumed by the calling thread, in nanoseconds.
uint64_t thread_cpu_ns();
// The monotonic clock, in nanoseconds: the rate of cycle_count() over a stretch of time.
uint64_t wall_ns();

// A cheap clock for shares within a stage (not a duration in any unit): the time-stamp counter
// where there is one, else the steady clock.
inline uint64_t cycle_count() {
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// Picks the calls of a per-row function that get timed for `ingest --stats`: runs of kBurst
// consecutive calls, after untimed gaps drawn at random from 128 to 383 calls, so that about one
// call in seventeen is timed, and rows coming in a repeating order cannot all be timed at the
// same place in it. A run stands for itself and the gap before it: each of its calls has the
// weight (gap + kBurst) / kBurst, which keeps the estimate of the untimed calls unbiased. Runs,
// not single calls, so that the timed copy of a row's code, once in the caches and the branch
// predictors, serves 16 rows. (Timing every row put two reads of the counter on each, about a
// tenth more CPU in the decode and aggregate stages.)
class TimingSample {
  public:
    static constexpr uint64_t kBurst = 16;
    // 0 when this call is not timed, else its weight times kBurst.
    uint64_t due() {
        if (left_ != 0) {
            --left_;
            return 0;
        }
        const uint64_t weight = weight_;
        if (++timed_ == kBurst) {
            timed_ = 0;
            state_ ^= state_ << 13;
            state_ ^= state_ >> 7;
            state_ ^= state_ << 17;
            left_ = 128 + static_cast<uint32_t>(state_ >> 56);
            weight_ = left_ + kBurst;
        }
        return weight;
    }

  private:
    uint32_t left_ = 0;         // untimed calls before the next run
    uint32_t timed_ = 0;        // calls of the current run so far
    uint64_t weight_ = kBurst;  // of the current run's calls (the first run has no gap)
    uint64_t state_ = 0x9e3779b97f4a7c15u;
};

// The part of a CPU time `ns` that `part` of `whole` cycles stand for (all of it when the part
// is not smaller, as when the clocks' reads cross).
inline uint64_t share_of_ns(uint64_t ns, uint64_t part, uint64_t whole) {
    if (part >= whole) return ns;
    return static_cast<uint64_t>(static_cast<unsigned __int128>(ns) * part / whole);
}

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
// digest inside the read stage, a Parquet page's decompression inside decode, the
// digests that --threads 1 computes inside the store write) is counted once, as itself. Timers on
// one thread stop in the reverse order of their start (they are scoped), which keeps the chain
// valid.
class StageTimer {
  public:
    StageTimer(StageStats* stats, Stage s) : stats_(stats), stage_(s) {
        if (!stats_) return;
        t0_ = thread_cpu_ns();
        c0_ = cycle_count();
        w0_ = wall_ns();
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
        if (!paused_) charge(t);
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
            charge(t);
            t0_ = t;
            c0_ = cycle_count();
            w0_ = wall_ns();
        }
        stage_ = next;
    }
    // A timed row's span from which on it is taken for one the thread was preempted in.
    static constexpr uint64_t kPreempted = uint64_t(1) << 20;
    // The timer running on this thread (the innermost), or null: none runs without stats.
    static StageTimer* innermost() { return running(); }
    // Cycles of the running segment spent aggregating a timed row (RowDecoder), with the
    // weight TimingSample::due() gave it: at the segment's end the estimated share of its CPU
    // time goes to Stage::aggregate instead of this timer's stage.
    void add_aggregate_cycles(uint64_t cycles, uint64_t weight) {
        // A row's aggregation takes hundreds to thousands of cycles (tens of thousands when
        // it makes new groups). A span of a million or more is a row during which the thread
        // was preempted (a time slice is milliseconds) or moved to a core whose counter is
        // behind (a "negative" span, wrapped): weighted, it would count many slices of other
        // threads' time, so it is left out.
        if (cycles >= kPreempted) return;
        aggregate_cycles_ += cycles * weight;
    }

  private:
    void pause(uint64_t t) {
        if (!stats_ || paused_) return;
        charge(t);
        paused_ = true;
    }
    void resume(uint64_t t) {
        t0_ = t;
        c0_ = cycle_count();
        w0_ = wall_ns();
        paused_ = false;
    }
    // Adds the segment that ends at `t` to its stage, less the aggregation timed within it.
    void charge(uint64_t t) {
        const uint64_t ns = t - t0_;
        uint64_t aggregate = 0;
        if (aggregate_cycles_ != 0) {
            // The aggregation's cycles in nanoseconds at the counter's rate over the segment
            // (wall time: a share of the segment's cycles would be too small when the thread
            // was preempted in it, since its cycles count the time it waited and its CPU time
            // does not), at most the segment's CPU time.
            const uint64_t wall = wall_ns() - w0_;
            aggregate = std::min(ns, share_of_ns(wall, aggregate_cycles_ / TimingSample::kBurst,
                                                 cycle_count() - c0_));
            aggregate_cycles_ = 0;
            stats_->add(Stage::aggregate, aggregate);
        }
        stats_->add(stage_, ns - aggregate);
    }
    // The innermost timer running on this thread, or null.
    static StageTimer*& running() {
        static thread_local StageTimer* timer = nullptr;
        return timer;
    }

    StageStats* stats_;
    Stage stage_;
    uint64_t t0_ = 0;                // thread CPU time at the segment's start
    uint64_t c0_ = 0;                // cycle_count() at the segment's start
    uint64_t w0_ = 0;                // wall_ns() at the segment's start
    uint64_t aggregate_cycles_ = 0;  // of the segment so far, weighted (times kBurst)
    StageTimer* outer_ = nullptr;
    bool paused_ = false;  // a timer started after this one on its thread is running
};

}  // namespace curcrunch::ingest
