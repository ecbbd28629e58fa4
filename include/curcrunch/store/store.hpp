#pragma once
// The store: one SQLite file (WAL) holding the rollups and the record of every ingest.
#include <memory>
#include <string>
#include <vector>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

struct PeriodInfo {
    std::string period;
    int64_t ingest_id = 0;
    std::string replaced_at;
    std::string manifest, assembly_id;
    int64_t rows = 0;
    Amount unblended = 0;
};

struct IngestRecord {
    int64_t id = 0;
    std::string started_at, finished_at, on_error, periods;
    int64_t rows = 0, skipped_rows = 0, bytes = 0;
    double seconds = 0;
};

class Store {
  public:
    // Opens (creating and migrating when writable) the store at `path`.
    static std::unique_ptr<Store> open(const std::string& path, bool read_only = false);

    // Replaces every billing period present in `result` with its new rollups and records the
    // ingest, all in one transaction: on any failure the database is left exactly as it was.
    // Returns the new ingest id.
    int64_t replace_periods(ingest::IngestResult& result, const std::string& started_at,
                            bool skip_mode);
    int64_t replace_periods(ingest::IngestResult&& result, const std::string& started_at,
                            bool skip_mode) {
        return replace_periods(result, started_at, skip_mode);
    }

    std::vector<PeriodInfo> periods();
    std::vector<IngestRecord> ingests();
    Database& db() { return *db_; }

  private:
    explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
    std::unique_ptr<Database> db_;
};

std::string now_utc_iso();

}  // namespace curcrunch::store
