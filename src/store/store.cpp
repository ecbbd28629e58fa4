#include "curcrunch/store/store.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <filesystem>
#include <iterator>

#include "building_file.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/durable_file.hpp"
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
// keeps in WAL mode. Store::publish() switches it to WAL as it gives it its name after that
// commit; a store that could not switch then switches at its next writable open.
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

// A reader finds no store at `path`: a build there, running or stopped, is what it is told of.
void throw_if_being_built(const std::string& path) {
    const std::vector<FoundBuild> builds = builds_of(path);
    if (builds.empty()) return;
    auto running = std::find_if(builds.begin(), builds.end(),
                                [](const FoundBuild& b) { return b.state == BuildState::running; });
    const FoundBuild& b = running != builds.end() ? *running : builds.front();
    const std::string takes = "; it takes the name " + path + " at its first commit";
    switch (b.state) {
        case BuildState::running:
            throw_store("no store at " + path + " yet: a curcrunch is building it in " + b.name +
                        takes);
        case BuildState::stopped:
            throw_store("no store at " + path + ": " + b.name +
                        " was left by a curcrunch that stopped while it built the store; the next "
                        "command that creates the store removes it if nothing in it was "
                        "committed, or it may be deleted");
        case BuildState::unknown:
            break;
    }
    throw_store("no store at " + path + " yet: a curcrunch is building it in " + b.name +
                " (or was, and was killed: then that file may be deleted)" + takes);
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
    if (read_only && !std::filesystem::exists(status)) {
        throw_if_being_built(path);
        throw_store("no store at " + path +
                    ": run `curcrunch ingest` or `curcrunch fetch` first, or give the store "
                    "with --db");
    }
    if (!read_only && path != ":memory:") {
        // What a killed first ingest or fetch left beside the store is cleaned up by the next
        // writer (building_file.hpp).
        for (const std::string& gone : remove_stopped_builds(path))
            log::info("removed " + gone +
                      ", the new store a stopped curcrunch was building (nothing in it was "
                      "committed)");
        if (is_new(path)) return create(path);
    }
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
        // version 0 and no tables: an empty database (another program's, or what an older
        // curcrunch left after a failed first ingest), which only curcrunch writes (above).
        configure_for_writing(*db, false);
        migrate(*db);
        return std::unique_ptr<Store>(new Store(std::move(db)));
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

// The new store is built under a name of this process's own, so that nothing is at PATH until
// it holds its first commit: a failed first ingest used to leave an empty store behind (it
// could not be deleted then, as another process may have opened it meanwhile). Its file is
// ours alone, so whatever stops the creation removes it (the destructor).
std::unique_ptr<Store> Store::create(const std::string& path) {
    FileDescriptor lock;
    const std::string building = claim_building_file(path, lock);
    // Armed from the claim on: an ingest creates its new store beside the parse, so a file
    // truncated under the parse may end the process while the schema is being written. (A fault
    // in the moment between the claim and this leaves the files to the next writer.)
    // The file, its journal and log, then its lock file (building_file.hpp says why last).
    static const char* const kBuildingFiles[] = {"", "-journal", "-wal", "-shm", ".lock"};
    RemovedOnAbruptExit removal;
    removal.arm(building, kBuildingFiles, std::size(kBuildingFiles));
    std::unique_ptr<Database> db;
    try {
        db = std::make_unique<Database>(building, Database::Mode::read_write_create);
    } catch (...) {
        remove_database_files(building);
        release_building_lock(building, lock);
        throw;
    }
    auto store = std::unique_ptr<Store>(new Store(std::move(db)));
    store->building_ = building;  // from here on the destructor removes it, or publishes it
    std::swap(store->building_lock_.fd, lock.fd);
    store->final_path_ = path;
    configure_for_writing(*store->db_, true);
    migrate(*store->db_);
    // Any commit from here on is a writer's data: the store is then published, at the latest
    // by the destructor, and kept by a process that ends at once.
    sqlite3_commit_hook(
        store->db_->handle(),
        [](void* self) {
            auto* s = static_cast<Store*>(self);
            s->committed_ = true;
            s->building_removal_.disarm();
            return 0;
        },
        store.get());
    store->building_removal_ = std::move(removal);
    return store;
}

namespace {

// Errors that say a file system cannot do the operation at all, rather than that it failed.
bool unsupported(int err) {
    return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP || err == ENOTSUP || err == EPERM;
}

// Moves `from` to `to` unless something is at `to`: the kernel checks and renames in one step,
// so a store another process created at `to` meanwhile is never replaced. A file system without
// RENAME_NOREPLACE gets a hard link, which refuses an existing name just as atomically; one
// without hard links either (FAT, some FUSE file systems) a check, then a rename, which leaves
// a moment in which a store created there by another process would be replaced.
int rename_no_replace(const std::string& from, const std::string& to) noexcept {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (!unsupported(errno)) return errno;
    if (::link(from.c_str(), to.c_str()) == 0) {
        ::unlink(from.c_str());
        return 0;
    }
    if (!unsupported(errno)) return errno;
    struct stat st;
    if (::lstat(to.c_str(), &st) == 0) return EEXIST;
    if (errno != ENOENT) return errno;
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

}  // namespace

int Store::publish() noexcept {
    // Switched before the rename, on the file nobody else has open, so no reader can hold the
    // switch up (a store published on its rollback journal switches at its next writable open).
    try {
        if (db_) switch_to_wal(*db_);
    } catch (const std::exception& e) {
        try {
            log::debug(building_ +
                       ": staying on a rollback journal until the next write: " + e.what());
        } catch (...) {
        }
    }
    // Closed after a commit, the file is the whole store: the last connection's close folds the
    // log back (empty here) and removes it. A statement still open keeps the connection
    // (sqlite3_close_v2), holds no write, and reaches the renamed file through its descriptor.
    db_.reset();
    const int err = rename_no_replace(building_, final_path_);
    if (err != 0) return err;
    release_building_lock(building_, building_lock_);
    building_.clear();
    // The file was synced by its commit (synchronous=FULL); the name persists with the folder.
    // A folder that cannot be synced leaves the store in place, and says so.
    if (const int sync_err = sync_folder_of_noexcept(final_path_); sync_err != 0) {
        try {
            log::warn(final_path_ + ": the folder holding the new store could not be synced (" +
                      std::strerror(sync_err) + "); a crash in the next seconds may lose its name");
        } catch (...) {
        }
    }
    return 0;
}

std::string Store::naming_failure(int err) const {
    return "cannot give the new store its name " + final_path_ + " (" +
           (err == EEXIST ? std::string("another process created a file there meanwhile")
                          : std::string(std::strerror(err))) +
           "); what this run wrote is kept in " + building_;
}

int64_t Store::publish_first_ingest(ingest::IngestResult& result, const std::string& started_at,
                                    bool skip_mode, int64_t id, bool only_this_ingest) {
    const int err = publish();
    if (err == 0) return id;
    std::string why = naming_failure(err);
    // Another process created the store meanwhile: two first ingests into one new store at once.
    // They were written one after the other into one store before new stores were built apart,
    // and still are: this one again, into that store, as into any existing one. The file built
    // here is removed once the other store is known to be one; the inputs hold all it held,
    // unless something else was written to it before (fetch's accounts, say): then it is kept.
    std::unique_ptr<Store> existing;
    if (err == EEXIST && only_this_ingest) {
        try {
            existing = Store::open(final_path_);
        } catch (const Error& e) {
            why += " (" + std::string(e.what()) + ")";
        }
    }
    if (!existing) {
        // Kept, never removed; what the run writes after this goes there too. Without its lock
        // file, no later run takes it for a stopped build (building_file.hpp).
        release_building_lock(building_, building_lock_);
        final_path_ = std::move(building_);
        building_.clear();
        throw_store(why);
    }
    log::info(final_path_ +
              " was created by another process while this ingest built it; "
              "writing this ingest into that store");
    db_ = std::move(existing->db_);
    remove_database_files(building_);
    release_building_lock(building_, building_lock_);
    building_.clear();
    return write_units(result, started_at, skip_mode);
}

Database& Store::db() {
    if (!db_) {
        // Only after publish(): the store under its name (or the file that could not take it,
        // publish_first_ingest), set up as every writable open sets a store up; one publish()
        // could not switch to WAL switches here.
        db_ = std::make_unique<Database>(final_path_, Database::Mode::read_write_create);
        configure_for_writing(*db_, false);
    }
    return *db_;
}

Store::~Store() {
    if (building_.empty()) return;
    if (!committed_) {  // nothing but the schema: the run that created it wrote nothing
        building_removal_.disarm();
        db_.reset();
        remove_database_files(building_);
        release_building_lock(building_, building_lock_);
        return;
    }
    if (const int err = publish(); err != 0) {
        release_building_lock(building_, building_lock_);  // kept, as above
        try {
            log::error(naming_failure(err));
        } catch (...) {
        }
    }
}

int64_t Store::replace_periods(ingest::IngestResult& result, const std::string& started_at,
                               bool skip_mode) {
    db();  // open again after an earlier call published a new store
    const bool only_this_ingest = !committed_;  // a new store nothing else was written to yet
    const int64_t id = write_units(result, started_at, skip_mode);
    // Published after write_units() returned, with its statements finalized.
    return building_.empty()
               ? id
               : publish_first_ingest(result, started_at, skip_mode, id, only_this_ingest);
}

std::vector<IngestRecord> Store::ingests() {
    std::vector<IngestRecord> out;
    auto st = db().prepare(
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
    auto st = db().prepare(
        "SELECT payer, period, rows, unblended FROM ingest_unit WHERE ingest_id = ? ORDER BY "
        "payer, period");
    st.bind(1, ingest_id);
    while (st.step())
        out.push_back(ReplacedUnit{st.column_text(0), static_cast<Period>(st.column_int(1)),
                                   st.column_int(2), st.column_amount(3)});
    return out;
}

}  // namespace curcrunch::store
