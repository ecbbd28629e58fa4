#pragma once
// RAII wrappers for SQLite handles. Every failure throws Error(store) with SQLite's message and
// the database path.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "curcrunch/core/money.hpp"

namespace curcrunch::store {

class Statement;

class Database {
  public:
    enum class Mode { read_write_create, read_only };
    Database(const std::string& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const std::string& sql);
    Statement prepare(std::string_view sql);
    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }
    int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
    // Rows the last INSERT, UPDATE or DELETE on this connection changed.
    int64_t changes() const { return sqlite3_changes64(db_); }
    [[noreturn]] void fail(const std::string& what) const;
    // Tells the kernel this file is read at random (no read-ahead): a reader that visits rows
    // through an index (a report) then reads the pages it needs from disk, not megabytes of the
    // other tables' pages in between. Only an optimisation; failures are ignored.
    void advise_random_reads();

  private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

class Statement {
  public:
    Statement(Database& db, sqlite3_stmt* st) : db_(&db), st_(st) {}
    ~Statement() { sqlite3_finalize(st_); }
    Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, std::string_view v);
    Statement& bind(int i, int64_t v);
    // The text must outlive the statement's next reset (no copy is made).
    Statement& bind_static(int i, std::string_view v);
    Statement& bind_null(int i);
    Statement& bind_blob(int i, std::string_view bytes);  // copied
    Statement& bind_double(int i, double v);              // durations and ratios only, never money
    // Amounts are stored as integers in 10^-kScale units; values beyond 64 bits as the same
    // integer in text (see store/schema.cpp).
    Statement& bind_amount(int i, Amount v);
    bool step();  // true while a row is available
    sqlite3_stmt* handle() const { return st_; }
    void run() {
        while (step()) {
        }
    }
    void reset();

    int column_count() const { return sqlite3_column_count(st_); }
    int64_t column_int(int i) const { return sqlite3_column_int64(st_, i); }
    double column_double(int i) const { return sqlite3_column_double(st_, i); }
    std::string column_text(int i) const;
    std::string column_blob(int i) const;  // the bytes as stored (a BLOB; '' for NULL)
    Amount column_amount(int i) const;
    bool column_is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
    int column_type(int i) const { return sqlite3_column_type(st_, i); }  // SQLITE_INTEGER, ...

  private:
    Database* db_;
    sqlite3_stmt* st_;
};

// Removes the file at `path` and the files SQLite keeps beside it (-wal, -shm, -journal), for a
// database nobody else may have open (one this process created under a name of its own).
// Failures are ignored: what could not be removed was not there or is not ours to force.
void remove_database_files(const std::string& path) noexcept;

// One transaction; rolls back unless commit() was called.
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace curcrunch::store
