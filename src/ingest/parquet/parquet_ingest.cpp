#include "curcrunch/ingest/parquet/parquet_ingest.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <functional>
#include <mutex>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/mapped_read.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"
#include "curcrunch/ingest/parquet/parquet_file.hpp"
#include "curcrunch/ingest/parquet/row_group_reader.hpp"
#include "curcrunch/ingest/stage_stats.hpp"
#include "curcrunch/ingest/thread_budget.hpp"

namespace curcrunch::ingest {

void ingest_parquet_file(const InputUnit& u, const IngestOptions& opts, ParquetSink& sink,
                         SourceReport& rep) {
    using namespace parquet;
    const ParquetFile file(u.path);
    // The footer and the pages are read from the file's mapping: a file truncated under it
    // ends the ingest with a message, not with SIGBUS alone (core/mapped_read.hpp).
    const MappedFileScope shrunk(file.data(), file.size(), u.path);
    const ParquetPlan plan = plan_parquet(file);
    rep.dialect = dialect_name(plan.schema.dialect);
    rep.invoice_column = plan.schema.has(kInvoiceId);
    std::mutex units_mutex;  // rep.units, from the row groups' threads
    rep.compression = "parquet";
    rep.file_bytes = file.size();

    std::atomic<uint64_t> rows{0}, skipped{0}, bytes{0}, bad_groups{0};
    std::atomic<size_t> unfinished{file.row_groups()};
    std::atomic<size_t> started{0};
    const size_t threads = thread_budget();
    if (file.row_groups() < threads) sink.file_tail();
    tbb::enumerable_thread_specific<RowGroupReader> readers;
    PagePool own_pool;
    PagePool* pool = sink.page_pool() ? sink.page_pool() : &own_pool;
    const bool skip = opts.skip_bad_rows;
    const auto bad_row = [&](RowProblem p) { sink.problem(std::move(p)); };
    const std::function<bool(uint64_t)> may_flush = [&](uint64_t n) { return sink.rows_read(n); };

    tbb::parallel_for(
        tbb::blocked_range<size_t>(0, file.row_groups(), 1),
        [&](const tbb::blocked_range<size_t>& range) {
            const MappedFileScope shrunk_here(file.data(), file.size(), u.path);
            for (size_t g = range.begin(); g != range.end(); ++g) {
                started.fetch_add(1, std::memory_order_relaxed);
                RowGroupReader& reader = readers.local();
                reader.set_stats(opts.stats);
                reader.set_page_pool(pool);
                Rollup& out = sink.local_rollup();
                RowGroupResult r;
                // A row group's CPU is decode and aggregate (the rows' share, RowDecoder), but
                // for its pages' decompression (read/inflate, timed apart by the Decompressor).
                StageTimer decode(opts.stats, Stage::decode);
                try {
                    if (skip) {
                        // Decoded aside: a row group found damaged halfway leaves nothing behind.
                        Rollup scratch;
                        r = reader.read(file, plan, g, scratch, u.period, true, bad_row, u.account);
                        scratch.settle();
                        out.merge_from(scratch);
                    } else {
                        r = reader.read(file, plan, g, out, u.period, false, bad_row, u.account,
                                        &may_flush);
                    }
                } catch (const FormatError& e) {
                    const std::string where = u.path + ": row group " + std::to_string(g);
                    if (!skip) throw_input(where + ", " + e.what());
                    const uint64_t n = static_cast<uint64_t>(file.meta().row_group_rows[g]);
                    RowProblem p;
                    p.source = u.path;
                    p.message = "row group " + std::to_string(g) + " (" + std::to_string(n) +
                                " rows) skipped: " + e.what();
                    sink.problem(std::move(p));
                    r = RowGroupResult{};
                    r.skipped = n;
                    bad_groups.fetch_add(1, std::memory_order_relaxed);
                }
                if (!r.units.empty()) {
                    std::lock_guard<std::mutex> l(units_mutex);
                    merge_unit_rows(rep.units, r.units);
                }
                decode.stop();
                rows.fetch_add(r.rows, std::memory_order_relaxed);
                skipped.fetch_add(r.skipped, std::memory_order_relaxed);
                bytes.fetch_add(r.bytes, std::memory_order_relaxed);
                sink.progress(0, r.rows);
                sink.row_group_done(r.rows + r.skipped - r.reported);
                if (unfinished.fetch_sub(1) == threads) sink.file_tail();  // now below
            }
            // Every row group started, and this range done: this thread gets no more of them.
            if (started.load(std::memory_order_relaxed) == file.row_groups()) sink.thread_done();
        });
    sink.progress(file.size(), 0);
    rep.rows = rows.load();
    rep.skipped = skipped.load();
    rep.bytes = bytes.load();
    rep.skipped_row_groups = bad_groups.load();
}

}  // namespace curcrunch::ingest
