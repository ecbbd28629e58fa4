#pragma once
// Rows of integers handed to SQLite through a virtual table, for one INSERT ... SELECT per
// table: `INSERT OR FAIL INTO t SELECT c0, c1, ... FROM curcrunch_feed(?1)`, the feed bound to
// ?1 with sqlite3_bind_pointer. Each value goes straight into the statement's register; a bound
// parameter is first set, then released and copied per row, and a batch of bound rows is
// stepped, reset and cleared. For the rollup tables' 160,505 rows of the bench's 1 GB file that
// was about a sixth of an ingest's serial store write (measured in src/store/row_feed.cpp).
#include <cstddef>
#include <exception>

#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

// The widest row a feed carries: cost_daily's 23 columns, and room for one more.
constexpr int kMaxFeedColumns = 24;

// Registers the table-valued function curcrunch_feed on a writable connection (Database does).
void register_row_feed(sqlite3* db);

// `count` rows; fill(i, row) writes row i's values into row[0 .. columns). Every value is an
// integer, stored as Statement::bind_amount stores it: an SQLite integer when it fits 64 bits,
// else its decimal text (only an amount can be that large). Rows are read once, in order.
struct RowFeed {
    size_t count = 0;
    int columns = 0;
    void* context = nullptr;
    void (*fill)(void* context, size_t i, Amount* row) = nullptr;
    // What fill() threw, kept to be rethrown after SQLite has unwound (an exception must not
    // cross SQLite's C frames).
    std::exception_ptr failure;
};

// Inserts the feed's rows into `table`, whose first `columns` columns they fill, in one
// statement. The rows get rowids in feed order, as one INSERT per row would give them. Throws
// what fill() threw, Error(interrupted) when a signal arrived during the insert
// (interrupt.hpp), or the store's error.
//
// OR FAIL: a statement that inserts many rows with SQLite's default ABORT keeps a statement
// journal (a copy of every page it changes, to undo itself alone); for the rollups' batches of
// bound rows that was about 0.8 GB of temporary-file writes for 160,000 rows, more than the
// inserts cost. FAIL needs none; a failing statement throws, and the caller's transaction
// rolls back whole.
void insert_rows_from(Database& db, const char* table, RowFeed& feed);

// A RowFeed over a callable `fill(size_t i, Amount* row)` that outlives the call.
template <class Fill>
void insert_fed_rows(Database& db, const char* table, int columns, size_t count, Fill& fill) {
    RowFeed feed;
    feed.count = count;
    feed.columns = columns;
    feed.context = &fill;
    feed.fill = [](void* context, size_t i, Amount* row) {
        (*static_cast<Fill*>(context))(i, row);
    };
    insert_rows_from(db, table, feed);
}

}  // namespace curcrunch::store
