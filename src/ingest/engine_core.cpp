#include "engine_core.hpp"

#include <algorithm>
#include <tuple>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/hash.hpp"
#include "curcrunch/core/memory_limit.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {

std::string row_problem_text(const std::string& source, const RowError& e) {
    std::string s = source + (e.line ? ":" + std::to_string(e.line) : std::string()) + ": ";
    if (!e.column.empty()) s += "column '" + shown_text(e.column) + "': ";
    return s + e.message;
}

std::string RowProblem::text() const {
    return row_problem_text(source, RowError{line, column, message});
}

namespace {

// The files whose rows a worker has summed since its last flush, for messages.
std::string worker_files(const Worker& w) {
    std::string files;
    for (size_t i = 0; i < w.sources.size() && i < 3; ++i)
        files += (i ? ", " : "") + w.sources[i];
    if (w.sources.size() > 3) files += " and " + std::to_string(w.sources.size() - 3) + " more";
    return files;
}

// What the store write adds to the groups an ingest holds: each table's sort keys and row
// order (store/unit_replace.cpp: 24 + 4 bytes a group, the three tables' at once), and the
// pages SQLite's cache fills with the rows and their index entries (under 128 bytes a group)
// up to its size (store/store.cpp: 64 MiB).
constexpr uint64_t kSortBytesPerGroup = 28;
constexpr uint64_t kPageCacheBytesPerGroup = 128;
constexpr uint64_t kPageCacheBytes = uint64_t(64) << 20;

// The default budget: nine tenths of what this process may use, the rest left for the
// workers' own maps (bounded by kMaxFlushGroups each), chunk buffers and the program itself.
uint64_t default_budget() {
    const uint64_t usable = usable_memory_bytes();
    return usable == kNoMemoryLimit ? kNoMemoryLimit : usable / 10 * 9;
}

}  // namespace

EngineCore::EngineCore(const IngestOptions& opts)
    : opts(opts), memory_budget_(opts.max_memory ? opts.max_memory : default_budget()) {
    // The shared maps receive every worker's flushes: room for a few flushes' worth of
    // groups up front spares them the copies into bigger vectors (and the page faults of
    // those copies) that doubling from nothing costs, most of it in the serial merges.
    // Address space only, as in Worker: about 71 MB of it, touched as groups come.
    rollup_.cost.reserve(kSharedGroups);
    rollup_.lines.reserve(kSharedGroups);
    rollup_.tags.reserve(kSharedGroups);
}

// Merging checks every running sum (core/money.hpp); one out of range is bad input, named by
// its group and the files whose rows this worker had summed. Then the groups held so far, with
// what their store write will add, are checked against the memory budget: they only grow, so
// an ingest that cannot fit stops as soon as that is known, with nothing written.
void EngineCore::flush(Worker& w) {
    StageTimer t(opts.stats, Stage::merge);
    w.rollup.settle();
    if (w.rollup.groups() > 0) {
        grow_if_reflushed(w);
        std::lock_guard<std::mutex> l(rollup_mutex_);
        const size_t before = rollup_.groups();
        try {
            rollup_.merge_from(w.rollup);
        } catch (const Error& e) {
            throw_input(worker_files(w) + ": " + e.what() + " (summed over rows)");
        }
        const size_t merged = w.rollup.groups(), added = rollup_.groups() - before;
        shared_groups_->store(rollup_.groups(), std::memory_order_relaxed);
        if (opts.stats) opts.stats->note_flush(merged, merged - added, w.flush_groups);
        check_memory(w);
    }
    w.rollup.clear();
    w.rows_since_flush = 0;
    w.sources.clear();
}

// A group a worker flushes twice in a row was flushed before it was complete. When a flush holds
// the groups of k days, the next one holds those of the last day again: about 1 / (k + 1) of
// its groups. More than a quarter (fewer than three days a flush) means the worker holds too
// few groups for the rows it reads to stop coming back to them, so it holds twice as many
// from then on (engine_core.hpp). Only the worker's own flushes count: with several workers every
// group of a day is in each of them, which says nothing about any one's size. Cost groups stand for
// all (each row adds to exactly one), remembered as bits of a 2^20-bit set chosen by their hash:
// 128 KiB a flush, and at most 65,536 groups in it, so a bit set by another group counts a
// group as flushed before at most 6% of the time. A flush short of the worker's size (the end
// of the input) is no such sign, and is not counted.
void EngineCore::grow_if_reflushed(Worker& w) {
    constexpr unsigned kBits = 20;
    constexpr size_t kWords = (size_t(1) << kBits) / 64;
    if (w.this_flush_bits.empty()) {
        w.last_flush_bits.assign(kWords, 0);
        w.this_flush_bits.assign(kWords, 0);
    }
    // A key's string ids are its worker pool's, numbered anew after each flush: the bits come
    // from the strings' own hashes.
    std::vector<uint64_t>& text_hash = w.string_hashes;
    text_hash.resize(w.rollup.pool.size());
    for (uint32_t id = 0; id < text_hash.size(); ++id) {
        const std::string_view t = w.rollup.pool.at(id);
        text_hash[id] = hash_bytes(t.data(), t.size());
    }
    size_t again = 0;
    for (const auto& e : w.rollup.cost.entries()) {
        uint64_t h = mix64((uint64_t(uint32_t(e.key.period)) << 32) | uint32_t(e.key.day));
        for (uint32_t d : e.key.dim)
            h = mix64(h ^ text_hash[d]);
        const uint64_t bit = h >> (64 - kBits);
        again += (w.last_flush_bits[bit / 64] >> (bit % 64)) & 1;
        w.this_flush_bits[bit / 64] |= uint64_t(1) << (bit % 64);
    }
    w.last_flush_bits.swap(w.this_flush_bits);
    std::fill(w.this_flush_bits.begin(), w.this_flush_bits.end(), 0);
    if (w.rollup.groups() >= w.flush_groups && again > w.rollup.cost.size() / 4)
        w.flush_groups = std::min(2 * w.flush_groups, kMaxFlushGroups);
}

uint64_t EngineCore::memory_needed() const {
    const uint64_t groups = rollup_.groups();
    return rollup_.bytes() + groups * kSortBytesPerGroup +
           std::min(groups * kPageCacheBytesPerGroup, kPageCacheBytes);
}

void EngineCore::check_memory(const Worker& w) const {
    const uint64_t need = memory_needed();
    if (need <= memory_budget_) return;
    const uint64_t usable = usable_memory_bytes();
    throw_input(worker_files(w) + ": the ingest's groups need " + memory_size_text(need) +
                " of memory so far (" + std::to_string(rollup_.cost.size()) + " cost, " +
                std::to_string(rollup_.lines.size()) + " line-item and " +
                std::to_string(rollup_.tags.size()) +
                " tag groups, with what writing them to the store takes), more than the " +
                memory_size_text(memory_budget_) + " this ingest may use (" +
                (opts.max_memory ? std::string("--max-memory")
                                 : "nine tenths of the " + memory_size_text(usable) +
                                       " this process may use; --max-memory sets it") +
                "); nothing was stored. Ingest fewer billing periods or payers per command (each "
                "ingest replaces only the units it holds), or split the export into shards (ingest "
                "--shard)");
}

void EngineCore::flush_all() {
    for (Worker& w : workers_)
        flush(w);
    workers_.clear();
}

void EngineCore::record_problem(RowProblem p) {
    std::lock_guard<std::mutex> l(m_);
    if (problems_.size() < opts.max_error_samples) problems_.push_back(std::move(p));
}

void EngineCore::add_unit_rows(SourceReport& rep, const std::vector<UnitRows>& rows) {
    if (rows.empty()) return;
    std::lock_guard<std::mutex> l(m_);
    merge_unit_rows(rep.units, rows);
}

void EngineCore::add_report(SourceReport rep) {
    std::lock_guard<std::mutex> l(m_);
    reports_.push_back(std::move(rep));
}

void EngineCore::add_reports(std::vector<SourceReport>& reps) {
    std::lock_guard<std::mutex> l(m_);
    for (auto& r : reps)
        reports_.push_back(std::move(r));
}

void EngineCore::finish(IngestResult& res) {
    res.rollup = std::move(rollup_);
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
}

}  // namespace curcrunch::ingest
