#pragma once
// Writing a shard store (`ingest|fetch --shard N --db PATH`). The work happens in PATH.partial
// (a leftover of a killed run is removed first), and only the finished store — data, shard
// record, journal folded in — is renamed to PATH: a shard store at PATH is always complete, and
// a re-run of the same index replaces it whole. An existing PATH that is not a shard store is
// never replaced (it might be the main store given by mistake).
#include <memory>
#include <string>

#include "curcrunch/store/shard_record.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::store {

class ShardStoreWriter {
  public:
    // Throws Error(usage) when PATH exists and is not a shard store, Error(store) when the
    // partial store cannot be created.
    explicit ShardStoreWriter(std::string path);
    ~ShardStoreWriter();  // removes the partial store unless finish() succeeded
    ShardStoreWriter(const ShardStoreWriter&) = delete;
    ShardStoreWriter& operator=(const ShardStoreWriter&) = delete;

    Store& store() { return *store_; }
    // Fills in the ingest ids (the store's only ingest, 0 without one) and the schema and tool
    // versions, writes the record, folds the journal into the file and renames it to PATH.
    void finish(ShardRecord record);
    const std::string& path() const { return path_; }

  private:
    std::string path_, partial_;
    std::unique_ptr<Store> store_;
    bool finished_ = false;
};

}  // namespace curcrunch::store
