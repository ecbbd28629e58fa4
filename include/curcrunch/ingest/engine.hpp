#pragma once
// The ingest engine: files -> exact rollups in memory. Per file stream a TBB pipeline runs
//   read+decompress (serial) -> split at record boundaries (serial, quote aware)
//   -> scan + decode + aggregate (parallel, thread-local rollups)
// and several files run in parallel lanes. Memory is bounded by lanes x tokens x block size plus
// the rollups, independent of input size. Nothing here touches the store: an ingest either
// produces a complete result or throws, so a failure can never leave a period half written.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/ingest/csv_format.hpp"
#include "curcrunch/ingest/input_plan.hpp"
#include "curcrunch/ingest/rollup.hpp"
#include "curcrunch/ingest/row_decoder.hpp"
#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {

// A digest known for a path before the ingest reads it: the latest recorded ingest of the path
// that has an identity (store::recorded_digests), or the one `fetch` computed while it
// downloaded the file. It stands for the file's bytes while the file keeps `identity`.
struct RecordedDigest {
    FileIdentity identity;
    std::string sha256;
    int64_t ingest_id = 0;  // the ingest that recorded it; 0 for a download's
    // What SourceReport::sha256_origin says when the digest is reused: "recorded", or
    // "download" (computed from the bytes as they were written to the file).
    std::string origin = "recorded";
};

struct IngestOptions {
    CsvOverrides csv;
    bool skip_bad_rows = false;  // --on-error=skip
    size_t max_error_samples = 100;
    int threads = 0;  // 0: all cores
    size_t block_size = 4u << 20;
    bool prefer_zlib = false;
    // A file likely in the page cache is hashed by a thread of its own that re-reads it, beside
    // the parse (ingest/deferred_hashes.hpp); false hashes it as it is read, as a larger file
    // always is. Tests set it to reach that path with small files.
    bool defer_cached_hashes = true;
    bool progress = false;
    StageStats* stats = nullptr;  // set: per-stage CPU time is added here (--stats)
    // Known digests by path: reused for an unchanged file (same FileIdentity), compressed or
    // not, unless `verify`, which hashes every file and fails (Error(input)) when a file with
    // an unchanged identity no longer has its known digest.
    std::map<std::string, RecordedDigest> recorded;
    bool verify = false;
    // The memory an ingest's groups may need, with what their store write adds (--max-memory);
    // 0: nine tenths of what this process may use (core/memory_limit.hpp). An ingest past it
    // stops with Error(input) and writes nothing.
    uint64_t max_memory = 0;
};

struct SourceReport {
    std::string path;
    std::string member;  // zip member, if any
    std::string sha256;  // of the file on disk
    // "read": hashed by this ingest; "recorded": reused from the ingest that recorded the same
    // path with the same identity; "download": reused from the download (fetch) that wrote the
    // file, which still has the identity it had when the download closed it.
    std::string sha256_origin = "read";
    FileIdentity identity;  // the file's when it was opened
    std::string dialect;
    std::string compression;
    std::string manifest;
    std::string assembly_id;
    std::string account;  // the manifest's account ('' without a manifest)
    Period period = 0;    // manifest period (0: from rows)
    uint64_t file_bytes = 0;
    uint64_t bytes = 0;  // decompressed bytes
    uint64_t rows = 0;
    uint64_t skipped = 0;
    uint64_t skipped_row_groups = 0;  // Parquet: damaged row groups skipped whole (their rows
                                      // are counted in `skipped`)
    bool invoice_column = false;      // the file has an invoice id column
    std::vector<UnitRows> units;      // rows per (payer, period) unit fed, by payer then period
};

struct RowProblem {
    std::string source;
    uint64_t line = 0;
    std::string column;
    std::string message;
    std::string text() const;  // "file:line: column 'x': message" ("file: message" if line 0)
};

class DeferredHashes;  // engine-internal (src/ingest/deferred_hashes.hpp)

struct IngestResult {
    IngestResult();
    ~IngestResult();
    IngestResult(IngestResult&&) noexcept;
    IngestResult& operator=(IngestResult&&) noexcept;

    // Some digests (see deferred_hashes.hpp) are computed on background threads while the
    // result is merged and written; call this before reading SourceReport::sha256. Throws
    // Error(input) if a file could not be read, or under --verify when a file's digest differs
    // from the one recorded for the same identity.
    void wait_for_hashes();

    Rollup rollup;
    std::vector<SourceReport> sources;
    std::vector<RowProblem> problems;  // first max_error_samples skipped rows
    uint64_t rows = 0, skipped = 0, bytes = 0, raw_bytes = 0;
    uint64_t skipped_row_groups = 0;
    double seconds = 0;
    // The ingest's --stats, or null: the store write adds the CPU of the threads it starts.
    StageStats* stats = nullptr;

    std::unique_ptr<DeferredHashes> hashes_;
    std::map<std::string, RecordedDigest> verify_against_;  // --verify: the records to match  //
                                                            // engine-internal (deferred_hashes.hpp)
};

IngestResult run_ingest(const std::vector<InputUnit>& units, const IngestOptions& opts);

}  // namespace curcrunch::ingest
