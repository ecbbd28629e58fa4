#include "engine_core.hpp"

#include <algorithm>
#include <tuple>

#include "curcrunch/core/error.hpp"
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

// Merging checks every running sum (core/money.hpp); one out of range is bad input, named by
// its group and the files whose rows this worker had summed.
void EngineCore::flush(Worker& w) {
    StageTimer t(opts.stats, Stage::merge);
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
