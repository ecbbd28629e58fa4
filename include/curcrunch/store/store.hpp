#pragma once
// The store: one SQLite file (WAL) holding the rollups and the record of every ingest. Its unit
// of replacement is (payer, billing period); see store/schema.cpp for the invariants and
// store/coverage.hpp for what is known about each unit.
#include <memory>
#include <string>
#include <vector>

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
    // Opens (creating and migrating when writable) the store at `path`.
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
    std::vector<UnitCoverage> periods() { return unit_coverage(*db_); }
    std::vector<IngestRecord> ingests();
    // The units ingest `id` replaced.
    std::vector<ReplacedUnit> replaced_units(int64_t ingest_id);
    Database& db() { return *db_; }

  private:
    explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
    // After the first commit to a store this process created: from then on it is written
    // through a write-ahead log, like every store (configure_for_writing in store.cpp says why
    // a new one waits).
    void use_write_ahead_log();

    std::unique_ptr<Database> db_;
    bool rollback_journal_ = false;  // created by open() and not yet switched to WAL
};

std::string now_utc_iso();

}  // namespace curcrunch::store
