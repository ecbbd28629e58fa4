#include "curcrunch/store/shard_store.hpp"

#include <cstdio>
#include <filesystem>

#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/schema.hpp"

namespace curcrunch::store {
namespace fs = std::filesystem;
namespace {

// Opened read-only as it is (Store::open would upgrade an older store in place).
void check_replaceable(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    bool shard = false;
    try {
        Database existing(path, Database::Mode::read_only);
        shard = schema_version(existing) > 0 && is_shard_store(existing);
    } catch (const Error&) {
        shard = false;
    }
    if (!shard)
        throw_usage("--db " + path +
                    " exists and is not a shard store; --shard writes a new shard store "
                    "(give a path of its own, e.g. shard-N.db)");
}

}  // namespace

ShardStoreWriter::ShardStoreWriter(std::string path)
    : path_(std::move(path)), partial_(path_ + ".partial") {
    check_replaceable(path_);
    // A re-run replaces the earlier shard at once: PATH exists only while it holds the last
    // successful run of its unit, so a failed re-run cannot leave an older result behind.
    remove_database_files(path_);
    remove_database_files(partial_);
    store_ = Store::open(partial_);
}

ShardStoreWriter::~ShardStoreWriter() {
    if (finished_) return;
    store_.reset();
    remove_database_files(partial_);
}

void ShardStoreWriter::finish(ShardRecord r) {
    Database& db = store_->db();
    {
        auto ingests = db.prepare("SELECT count(*), coalesce(max(id), 0) FROM ingest");
        ingests.step();
        if (ingests.column_int(0) > 1)
            throw Error(ErrorKind::internal,
                        partial_ + ": a shard store holds more than one ingest");
        r.shard_ingest_id = r.ingest_id = ingests.column_int(1);
    }
    r.schema_version = kSchemaVersion;
    r.tool_version = CURCRUNCH_VERSION;
    r.merged_at.clear();
    r.merged_from.clear();
    put_shard_record(db, r);
    // One self-contained file: the write-ahead log folded in and switched off, so the shard can
    // be copied or read from a read-only file system.
    db.exec("PRAGMA journal_mode=DELETE");
    store_.reset();
    remove_database_files(path_);
    if (std::rename(partial_.c_str(), path_.c_str()) != 0)
        throw_store("cannot rename " + partial_ + " to " + path_);
    finished_ = true;
    // The file was synced by its last commit; its name persists with the folder's sync (the
    // merge trusts a shard store it finds under its name).
    sync_folder_of(path_);
}

}  // namespace curcrunch::store
