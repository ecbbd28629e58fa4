#pragma once
// The schema-specific half of merge (store/merge.hpp): copying a shard's ingest record and one
// unit of replacement from the shard (attached as schema "shard") into the main database,
// inside the caller's transaction. Strings are remapped by value: the shard's dim ids mean
// nothing here.
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/store/database.hpp"
#include "curcrunch/store/shard_check.hpp"

namespace curcrunch::store::merge_detail {

// Copies ingest `shard_ingest_id` of the shard with its sources, problems and fetched files;
// returns the new ingest id in main.
int64_t copy_ingest_record(Database& db, int64_t shard_ingest_id);

// Copies units of the attached shard. Registers the SQL function merge_dim(shard id) -> main id
// on the connection for its lifetime.
class UnitCopier {
  public:
    explicit UnitCopier(Database& db);
    ~UnitCopier();
    UnitCopier(const UnitCopier&) = delete;
    UnitCopier& operator=(const UnitCopier&) = delete;

    // Replaces unit `u` of main with the shard's: deletes main's rows and billing period of
    // `u`, inserts the shard's with remapped strings and `ingest_id` / `replaced_at`. Returns
    // the number of cost rollup rows copied.
    int64_t replace_unit(const StoreUnit& u, int64_t ingest_id, const std::string& replaced_at);

  private:
    void map_strings();
    Database& db_;
    std::vector<int64_t> main_id_;  // by shard dim id; 0: not mapped
    bool mapped_ = false;
};

// The ingest main's copy of unit `u` came from (0: main does not hold `u`).
int64_t unit_ingest(Database& db, const StoreUnit& u);

}  // namespace curcrunch::store::merge_detail
