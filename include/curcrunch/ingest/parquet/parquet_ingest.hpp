#pragma once
// A Parquet file's part in an ingest: the engine hands over a file whose content starts with
// "PAR1"; its row groups are read in parallel on the engine's TBB threads, each into the
// calling thread's rollup (ParquetSink), and the file's report is filled in.
//
// Errors: Error(input) naming the file and where (row group, column, page, row). With
// --on-error=skip a bad row is skipped as in CSV, and a row group with structural damage
// (a corrupt page, an index out of range) is skipped whole and counted; its rows never reach
// the rollup, because a row group is then decoded into a scratch rollup first.
#include <cstdint>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/input_plan.hpp"
#include "curcrunch/ingest/rollup.hpp"

namespace curcrunch::ingest {
namespace parquet {
class PagePool;
}

class ParquetSink {
  public:
    virtual ~ParquetSink() = default;
    virtual Rollup& local_rollup() = 0;  // the calling thread's rollup
    // Called on the same thread after each row group, with the rows it read and skipped (those
    // not passed to rows_read already).
    virtual void row_group_done(uint64_t rows) = 0;
    // Called on the same thread within a row group read straight into local_rollup() (not
    // under --on-error=skip), with the rows read since the last call: true when the rollup was
    // flushed (emptied) because it was due, as after a row group.
    virtual bool rows_read(uint64_t rows) {
        (void)rows;
        return false;
    }
    virtual void problem(RowProblem p) = 0;
    virtual void progress(uint64_t raw_bytes, uint64_t rows) = 0;
    // Called once per file, as soon as fewer of its row groups are left than the engine has
    // threads: from then on a thread has nothing more of this file to do.
    virtual void file_tail() {}
    // Called on a thread that has finished its row groups of this file when every row group has
    // been started: no more of this file will come to it.
    virtual void thread_done() {}
    // The ingest's one pool for decompressed pages (null: the file gets a pool of its own).
    virtual parquet::PagePool* page_pool() { return nullptr; }
};

void ingest_parquet_file(const InputUnit& unit, const IngestOptions& opts, ParquetSink& sink,
                         SourceReport& report);

}  // namespace curcrunch::ingest
