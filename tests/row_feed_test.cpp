// The rollups reach SQLite through curcrunch_feed (store/row_feed.hpp): rows in feed order,
// values stored as bound ones were, and every way the insert can stop (a throwing producer, a
// signal, SQL that names the feed without one) ends in an error and no committed rows.
#include <gtest/gtest.h>
#include <signal.h>

#include <stdexcept>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/row_feed.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string one(store::Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    return st.step() ? st.column_text(0) : std::string("(no row)");
}

struct Table {
    TempDir dir;
    store::Database db{dir / "feed.db", store::Database::Mode::read_write_create};
    Table() { db.exec("CREATE TABLE t(a INTEGER NOT NULL, b INTEGER NOT NULL, amount NOT NULL)"); }
};

}  // namespace

TEST(RowFeed, RowsKeepTheFeedsOrderAndAmountsBeyond64BitsBecomeText) {
    Table t;
    const Amount big = static_cast<Amount>(INT64_MAX) * 1000 + 7;
    size_t calls = 0;
    auto fill = [&](size_t i, Amount* row) {
        ++calls;
        row[0] = static_cast<Amount>(1000 - i);  // descending: the order is the feed's
        row[1] = -static_cast<Amount>(i);
        row[2] = i == 500 ? big : static_cast<Amount>(i) * 1'000'000'000;
    };
    store::insert_fed_rows(t.db, "t", 3, 1000, fill);
    EXPECT_EQ(calls, 1000u);  // each row filled once
    EXPECT_EQ(one(t.db, "SELECT count(*) FROM t"), "1000");
    EXPECT_EQ(one(t.db, "SELECT count(*) FROM t WHERE rowid + a <> 1001 OR b <> 1 - rowid"), "0");
    EXPECT_EQ(one(t.db, "SELECT typeof(amount) || ' ' || amount FROM t WHERE rowid = 501"),
              "text " + scaled_integer_string(big));
    EXPECT_EQ(one(t.db, "SELECT count(*) FROM t WHERE typeof(amount) = 'integer'"), "999");
    EXPECT_EQ(one(t.db, "SELECT amount FROM t WHERE rowid = 1000"), "999000000000");
}

TEST(RowFeed, AnEmptyFeedInsertsNothingAndAWrongWidthIsRefused) {
    Table t;
    auto fill = [](size_t, Amount*) { FAIL() << "no row to fill"; };
    store::insert_fed_rows(t.db, "t", 3, 0, fill);
    EXPECT_EQ(one(t.db, "SELECT count(*) FROM t"), "0");
    for (int columns : {0, store::kMaxFeedColumns + 1}) {
        try {
            store::insert_fed_rows(t.db, "t", columns, 1, fill);
            ADD_FAILURE() << columns << " columns were fed";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::store);
            EXPECT_NE(std::string(e.what()).find("a feed of " + std::to_string(columns) +
                                                 " columns (1 to 24 can be fed)"),
                      std::string::npos)
                << e.what();
        }
    }
}

// The producer's exception crosses SQLite's C frames as a stored exception, and the rows fed
// before it go with the transaction.
TEST(RowFeed, WhatTheProducerThrowsIsRethrownAndTheTransactionKeepsNothing) {
    Table t;
    auto fill = [](size_t i, Amount* row) {
        if (i == 700) throw std::runtime_error("row 700 cannot be made");
        row[0] = row[1] = row[2] = static_cast<Amount>(i);
    };
    {
        store::Transaction tx(t.db);
        EXPECT_THROW(
            {
                try {
                    store::insert_fed_rows(t.db, "t", 3, 1000, fill);
                } catch (const std::runtime_error& e) {
                    EXPECT_STREQ(e.what(), "row 700 cannot be made");
                    throw;
                }
            },
            std::runtime_error);
    }
    EXPECT_EQ(one(t.db, "SELECT count(*) FROM t"), "0");
    // The connection is usable after the failed statement.
    auto ok = [](size_t i, Amount* row) { row[0] = row[1] = row[2] = static_cast<Amount>(i); };
    store::insert_fed_rows(t.db, "t", 3, 3, ok);
    EXPECT_EQ(one(t.db, "SELECT group_concat(a) FROM t"), "0,1,2");
}

TEST(RowFeed, ASignalStopsTheInsertWithTheInterruptedError) {
    Table t;
    size_t calls = 0;
    auto fill = [&](size_t i, Amount* row) {
        ++calls;
        row[0] = row[1] = row[2] = static_cast<Amount>(i);
    };
    {
        InterruptScope scope;
        ::raise(SIGINT);
        store::Transaction tx(t.db);
        try {
            store::insert_fed_rows(t.db, "t", 3, 100, fill);
            ADD_FAILURE() << "the insert ran to its end";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::interrupted);
        }
    }
    InterruptScope{};  // clears the recorded signal
    EXPECT_EQ(calls, 0u);
    EXPECT_EQ(one(t.db, "SELECT count(*) FROM t"), "0");
}

// SQL text cannot make a feed: the pointer comes only from sqlite3_bind_pointer.
TEST(RowFeed, SqlThatNamesTheFeedWithoutOneIsAnError) {
    Table t;
    for (const char* sql : {"SELECT * FROM curcrunch_feed", "SELECT * FROM curcrunch_feed(1)",
                            "SELECT * FROM curcrunch_feed('x')",
                            "INSERT INTO t SELECT c0, c1, c2 FROM curcrunch_feed(NULL)"}) {
        try {
            auto st = t.db.prepare(sql);
            st.run();
            ADD_FAILURE() << sql << " ran";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::store) << sql;
        }
    }
    EXPECT_EQ(one(t.db, "SELECT count(*) FROM t"), "0");
    // Readers have no feed at all.
    store::Database reader(t.dir / "feed.db", store::Database::Mode::read_only);
    EXPECT_THROW(reader.prepare("SELECT * FROM curcrunch_feed(1)"), Error);
}

}  // namespace CURCRUNCH_UNITY_ID
