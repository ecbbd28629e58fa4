#include "curcrunch/store/store.hpp"

#include <unistd.h>

#include <filesystem>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/store/schema.hpp"

namespace curcrunch::store {

std::string now_utc_iso() {
    return utc_now("%Y-%m-%dT%H:%M:%SZ");
}

namespace {

// The schema version, with SQLite's "file is not a database" said in curcrunch's words.
int checked_schema_version(Database& db) {
    try {
        return schema_version(db);
    } catch (const Error&) {
        if ((sqlite3_errcode(db.handle()) & 0xff) == SQLITE_NOTADB)
            throw_store(db.path() + " is not a curcrunch store (not an SQLite database)");
        throw;
    }
}

bool has_tables(Database& db) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master");
    return st.step() && st.column_int(0) > 0;
}

// A store is written through a write-ahead log, so that readers (serve, report) never wait
// for a writer. A store being created is the exception until its first ingest commits
// (`rollback_journal`): nobody reads it yet, and with a rollback journal its pages are written
// once, into the file, where the log would write them twice (the log, then the checkpoint at
// close), which was 4-6% of a first Parquet ingest's wall time. Its journal is small: pages
// beyond the file's size when the transaction began are not journaled. synchronous=FULL keeps
// the rollback journal's promise that a power loss cannot corrupt the file, which NORMAL only
// keeps in WAL mode. Store::use_write_ahead_log() switches to WAL after that commit, and any
// later writable open switches anyway.
void switch_to_wal(Database& db) {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
}

void configure_for_writing(Database& db, bool rollback_journal) {
    // Big pages: rollup inserts write many pages and each write is a syscall here. Only takes
    // effect on a new database (before its first write).
    db.exec("PRAGMA page_size=65536");
    if (rollback_journal) {
        db.exec("PRAGMA journal_mode=DELETE");
        db.exec("PRAGMA synchronous=FULL");
    } else {
        switch_to_wal(db);
    }
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA cache_size=-65536");  // 64 MiB: keeps index pages of a big ingest hot
}

}  // namespace

bool Store::is_new(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status)) throw_store(path + " is a folder, not a store");
    if (std::filesystem::exists(status)) return false;
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
        throw_store("cannot create the store " + path + ": the folder " + dir.string() +
                    " does not exist");
    if (::access(dir.empty() ? "." : dir.c_str(), W_OK) != 0)
        throw_store("cannot create the store " + path + ": the folder " +
                    (dir.empty() ? std::string(".") : dir.string()) + " is not writable");
    return true;
}

std::unique_ptr<Store> Store::open(const std::string& path, bool read_only) {
    // Checked before SQLite sees the path: a read must never create a file, and SQLite's
    // "unable to open database file" does not tell a user what to do.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status)) throw_store(path + " is a folder, not a store");
    if (read_only && !std::filesystem::exists(status))
        throw_store("no store at " + path +
                    ": run `curcrunch ingest` or `curcrunch fetch` first, or give the store "
                    "with --db");
    if (!read_only) is_new(path);
    auto db = std::make_unique<Database>(
        path, read_only ? Database::Mode::read_only : Database::Mode::read_write_create);
    const int version = checked_schema_version(*db);
    if (version > kSchemaVersion)
        throw_store(path + " was written by a newer curcrunch (store schema " +
                    std::to_string(version) + "; this curcrunch reads up to " +
                    std::to_string(kSchemaVersion) + "): upgrade curcrunch");
    // Only an empty database becomes a store: curcrunch never adds its tables to another
    // program's database.
    if (version == 0 && has_tables(*db))
        throw_store(path + " is not a curcrunch store (an SQLite database of something else)");
    if (version == 0 && read_only)
        throw_store(path +
                    " is an empty database, not a curcrunch store: run `curcrunch ingest` "
                    "or `curcrunch fetch` first");
    if (!read_only) {
        // version 0 and no tables: an empty database, which only curcrunch writes (above).
        const bool created = version == 0;
        configure_for_writing(*db, created);
        migrate(*db);
        auto store = std::unique_ptr<Store>(new Store(std::move(db)));
        store->rollback_journal_ = created;
        return store;
    } else if (version < kSchemaVersion) {
        // A store written by an older curcrunch is upgraded once (in place, one transaction),
        // then read as asked.
        db.reset();
        log::info(path + ": upgrading the store from schema " + std::to_string(version) + " to " +
                  std::to_string(kSchemaVersion));
        {
            Database rw(path, Database::Mode::read_write_create);
            configure_for_writing(rw, false);
            migrate(rw);
        }
        db = std::make_unique<Database>(path, Database::Mode::read_only);
    }
    return std::unique_ptr<Store>(new Store(std::move(db)));
}

void Store::use_write_ahead_log() {
    if (!rollback_journal_) return;
    rollback_journal_ = false;
    // The commit before this is what matters, and it is done: a reader that keeps the switch
    // from taking its lock now only delays it to the next writable open, which switches too.
    try {
        switch_to_wal(*db_);
    } catch (const Error& e) {
        log::debug(db_->path() +
                   ": staying on a rollback journal until the next write: " + e.what());
    }
}

std::vector<IngestRecord> Store::ingests() {
    std::vector<IngestRecord> out;
    auto st = db_->prepare(
        "SELECT id, started_at, finished_at, on_error, periods, rows, skipped_rows, bytes, seconds "
        "FROM ingest ORDER BY id");
    while (st.step()) {
        IngestRecord r;
        r.id = st.column_int(0);
        r.started_at = st.column_text(1);
        r.finished_at = st.column_text(2);
        r.on_error = st.column_text(3);
        r.periods = st.column_text(4);
        r.rows = st.column_int(5);
        r.skipped_rows = st.column_int(6);
        r.bytes = st.column_int(7);
        r.seconds = st.column_double(8);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<ReplacedUnit> Store::replaced_units(int64_t ingest_id) {
    std::vector<ReplacedUnit> out;
    auto st = db_->prepare(
        "SELECT payer, period, rows, unblended FROM ingest_unit WHERE ingest_id = ? ORDER BY "
        "payer, period");
    st.bind(1, ingest_id);
    while (st.step())
        out.push_back(ReplacedUnit{st.column_text(0), static_cast<Period>(st.column_int(1)),
                                   st.column_int(2), st.column_amount(3)});
    return out;
}

}  // namespace curcrunch::store
