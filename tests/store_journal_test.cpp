// A new store's first ingest is written with a rollback journal, every later write through the
// write-ahead log (configure_for_writing in src/store/store.cpp says why). These tests hold the
// switch to its promises: the first commit ends on WAL, a first ingest that fails inside its
// transaction leaves the new store empty, and a store left on its rollback journal is on WAL
// again at its next writable open.
#include <gtest/gtest.h>
#include <signal.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string journal_mode(store::Store& s) {
    auto st = s.db().prepare("PRAGMA journal_mode");
    return st.step() ? st.column_text(0) : std::string();
}

int64_t ingests(store::Store& s) {
    auto st = s.db().prepare("SELECT count(*) FROM ingest");
    return st.step() ? st.column_int(0) : -1;
}

ingest::IngestResult two_rows(const TempDir& t) {
    write_file(t / "a.csv", std::string(kLegacyHeader) + legacy_row("1", "2026-09-02", "1.25") +
                                legacy_row("2", "2026-09-03", "2.50"));
    return ingest::run_ingest(ingest::plan_inputs({t / "a.csv"}), {});
}

}  // namespace

TEST(StoreJournal, ANewStoreTakesTheWriteAheadLogAtItsFirstCommit) {
    TempDir t;
    const std::string db = t / "new.db";
    {
        auto s = store::Store::open(db);
        EXPECT_EQ(journal_mode(*s), "delete");
        s->replace_periods(two_rows(t), "x", false);
        EXPECT_EQ(journal_mode(*s), "wal");
        EXPECT_EQ(ingests(*s), 1);
    }
    auto again = store::Store::open(db);
    EXPECT_EQ(journal_mode(*again), "wal");
    again->replace_periods(two_rows(t), "x", false);
    EXPECT_EQ(journal_mode(*again), "wal");
    EXPECT_EQ(ingests(*again), 2);
    // 1.25 + 2.50, in the store's 10^-10 units
    EXPECT_EQ(query_one(db, "SELECT money_sum(unblended) FROM billing_period"), "37500000000");
}

TEST(StoreJournal, AFailedFirstIngestLeavesTheNewStoreEmpty) {
    TempDir t;
    const std::string db = t / "new.db";
    {
        auto s = store::Store::open(db);
        ingest::IngestResult r = two_rows(t);
        {
            // A signal recorded before the write: the transaction is rolled back at its first
            // check, as the rollups' rows are fed to SQLite (store/row_feed.hpp).
            InterruptScope scope;
            ::raise(SIGTERM);
            try {
                s->replace_periods(r, "x", false);
                ADD_FAILURE() << "the interrupted ingest committed";
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::interrupted);
            }
        }
        InterruptScope{};  // clears the recorded signal, which outlives its scope
        EXPECT_EQ(ingests(*s), 0);
        EXPECT_EQ(journal_mode(*s), "delete");
        EXPECT_FALSE(fs::exists(db + "-journal"));
    }
    auto again = store::Store::open(db);
    EXPECT_EQ(journal_mode(*again), "wal");
    EXPECT_EQ(ingests(*again), 0);
    again->replace_periods(two_rows(t), "x", false);
    EXPECT_EQ(ingests(*again), 1);
}

}  // namespace CURCRUNCH_UNITY_ID
