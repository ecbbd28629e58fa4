#pragma once
// The store: one SQLite file (WAL) holding the rollups and the record of every ingest. Its unit
// of replacement is (payer, billing period); see store/schema.cpp for the invariants and
// store/coverage.hpp for what is known about each unit.
#include <memory>
#include <string>
#include <vector>

#include "curcrunch/core/abrupt_exit.hpp"
#include "curcrunch/core/file_descriptor.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

struct IngestRecord {
    int64_t id = 0;
    std::string started_at, finished_at, on_error, periods;
    int64_t rows = 0, skipped_rows = 0, bytes = 0;
    double seconds = 0;
};

// A unit an ingest replaced.
struct ReplacedUnit {
    std::string payer;
    Period period = 0;
    int64_t rows = 0;
    Amount unblended = 0;
};

class Store {
  public:
    // Opens (creating and migrating when writable) the store at `path`. A store created here is
    // built in PATH.new-PID (this process's id; PATH.new-PID.N when that is taken) and takes its
    // name PATH at its first commit after the schema (replace_periods, or any other writer's
    // commit once this Store is destroyed), never replacing a file there: a run that fails or
    // writes nothing leaves no file at PATH, and a reader never sees a store without its first
    // data. A process killed before that leaves PATH.new-PID, which is not a store of PATH's
    // and may be deleted.
    static std::unique_ptr<Store> open(const std::string& path, bool read_only = false);
    // True when nothing is at `path` yet, so that open() would create a new store there; throws
    // what open() would throw at once when it cannot (`path` is a folder, or its folder does
    // not exist or is not writable).
    static bool is_new(const std::string& path);

    // Replaces every (payer, billing period) unit present in `result` with its new rollups and
    // records the ingest, all in one transaction: on any failure the database is left exactly
    // as it was; units not in `result` are not touched. Strings no row uses any more are
    // deleted in the same transaction. Returns the new ingest id.
    int64_t replace_periods(ingest::IngestResult& result, const std::string& started_at,
                            bool skip_mode);
    int64_t replace_periods(ingest::IngestResult&& result, const std::string& started_at,
                            bool skip_mode) {
        return replace_periods(result, started_at, skip_mode);
    }

    // The units in the store with their coverage (payer, then period).
    std::vector<UnitCoverage> periods() { return unit_coverage(db()); }
    std::vector<IngestRecord> ingests();
    // The units ingest `id` replaced.
    std::vector<ReplacedUnit> replaced_units(int64_t ingest_id);
    // The database. A store being created (open() above) closes its connection when it takes
    // its name, and the next call opens it there: keep no Database& or Statement across
    // replace_periods().
    Database& db();

    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

  private:
    explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
    static std::unique_ptr<Store> create(const std::string& path);
    int64_t write_units(ingest::IngestResult& result, const std::string& started_at,
                        bool skip_mode);
    // After the first ingest into a store this process created, `id`, committed: the store takes
    // the write-ahead log, like every store (configure_for_writing in store.cpp says why a new
    // one waits), and its name; db() opens it there when next asked. Returns the ingest's id,
    // which is another when the ingest had to be written into a store another process created
    // at that name meanwhile (`only_this_ingest`: the new store held nothing else). Throws when
    // the name cannot be had, keeping the file.
    int64_t publish_first_ingest(ingest::IngestResult& result, const std::string& started_at,
                                 bool skip_mode, int64_t id, bool only_this_ingest);
    // Puts the store in WAL mode, closes the connection and renames the file to final_path_:
    // 0 (building_ then cleared) or the error number, with building_ kept.
    int publish() noexcept;
    std::string naming_failure(int err) const;

    std::unique_ptr<Database> db_;
    // Set while this Store creates a new store: the file it is built in (db_'s path) and the
    // name it takes. `committed` is set by SQLite's commit hook at any commit after the schema.
    std::string building_, final_path_;
    // Held while building_ is built, and its lock file removed with it (building_file.hpp).
    FileDescriptor building_lock_;
    bool committed_ = false;
    // Armed while building_ holds nothing but the schema: a process that ends at once then (a file
    // truncated under the parse, core/mapped_read.hpp) removes it and its lock file. Disarmed at
    // the first commit, whose data is kept.
    RemovedOnAbruptExit building_removal_;
};

std::string now_utc_iso();

}  // namespace curcrunch::store
