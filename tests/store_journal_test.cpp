// A new store is built under a name of its own and takes its name at its first commit; its first
// ingest is written with a rollback journal, every later write through the write-ahead log
// (Store::open and configure_for_writing in src/store/store.cpp say why). These tests hold both
// to their promises: the first commit publishes the store and ends on WAL, a first ingest that
// fails leaves no file at all, a store another process created meanwhile is never replaced, a
// writer other than ingest publishes when it is done, and a store left on its rollback journal
// is on WAL again at its next writable open.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <set>
#include <string>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/billing_records.hpp"
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

// A write that is not an ingest: the record of a fetch run, committed at once.
void record_a_fetch_run(store::Store& s) {
    store::FetchRunRecord rec;
    rec.started_at = "2026-12-06T00:00:00Z";
    rec.outcome = "ok";
    store::record_fetch_run(s.db(), rec);
}

// Where Store::open builds a new store at `db` in this process.
std::string building_name(const std::string& db) {
    return db + ".new-" + std::to_string(::getpid());
}

std::set<std::string> files_in(const TempDir& t) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(t.path()))
        names.insert(e.path().filename().string());
    return names;
}

ingest::IngestResult two_rows(const TempDir& t) {
    write_file(t / "a.csv", std::string(kLegacyHeader) + legacy_row("1", "2026-09-02", "1.25") +
                                legacy_row("2", "2026-09-03", "2.50"));
    return ingest::run_ingest(ingest::plan_inputs({t / "a.csv"}), {});
}

}  // namespace

TEST(StoreJournal, ANewStoreTakesItsNameAndTheWriteAheadLogAtItsFirstCommit) {
    TempDir t;
    const std::string db = t / "new.db";
    {
        auto s = store::Store::open(db);
        // Built beside its name, under this process's id, until the first commit.
        EXPECT_FALSE(fs::exists(db));
        EXPECT_EQ(s->db().path(), building_name(db));
        EXPECT_TRUE(fs::exists(building_name(db)));
        EXPECT_EQ(journal_mode(*s), "delete");
        s->replace_periods(two_rows(t), "x", false);
        EXPECT_TRUE(fs::exists(db));
        EXPECT_FALSE(fs::exists(building_name(db)));
        EXPECT_EQ(s->db().path(), db);
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
    EXPECT_EQ(files_in(t), (std::set<std::string>{"a.csv", "new.db", "new.db-shm", "new.db-wal"}));
}

TEST(StoreJournal, AFailedFirstIngestLeavesNoStore) {
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
        EXPECT_FALSE(fs::exists(building_name(db) + "-journal"));
        EXPECT_FALSE(fs::exists(db));
    }
    EXPECT_EQ(files_in(t), std::set<std::string>{"a.csv"});
    auto again = store::Store::open(db);
    again->replace_periods(two_rows(t), "x", false);
    EXPECT_EQ(journal_mode(*again), "wal");
    EXPECT_EQ(ingests(*again), 1);
}

// Two processes creating one store at once: the second to commit finds the name taken. A file
// there is never replaced: when it is a store, the ingest is written into it (as when both
// opened one file); when it is not, what this run wrote is kept under its building name and the
// error says where. (One process stands in for two: its second new store is built beside the
// first, in PATH.new-PID.2.)
TEST(StoreJournal, AStoreCreatedMeanwhileIsNeverReplaced) {
    TempDir t;
    const std::string db = t / "new.db";
    {
        auto s = store::Store::open(db);
        {
            auto other = store::Store::open(db);
            EXPECT_EQ(other->db().path(), building_name(db) + ".2");
            EXPECT_EQ(other->replace_periods(two_rows(t), "other", false), 1);
        }
        EXPECT_EQ(s->replace_periods(two_rows(t), "x", false), 2);
        EXPECT_EQ(s->db().path(), db);
        EXPECT_EQ(ingests(*s), 2);
    }
    EXPECT_EQ(files_in(t), (std::set<std::string>{"a.csv", "new.db"}));
    EXPECT_EQ(query_one(db, "SELECT group_concat(started_at) FROM ingest"), "other,x");

    const std::string taken = t / "taken.db";
    const std::string building = building_name(taken);
    {
        auto s = store::Store::open(taken);
        write_file(taken, "another program's file");
        try {
            s->replace_periods(two_rows(t), "x", false);
            ADD_FAILURE() << "the file at " << taken << " was replaced";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::store);
            EXPECT_EQ(std::string(e.what()),
                      "cannot give the new store its name " + taken +
                          " (another process created a file there meanwhile); what this run "
                          "wrote is kept in " +
                          building + " (" + taken +
                          " is not a curcrunch store (not an SQLite database))");
        }
        EXPECT_EQ(s->db().path(), building);  // the run's later writes go where its first went
    }
    EXPECT_EQ(read_file(taken), "another program's file");
    EXPECT_EQ(query_one(building, "SELECT count(*) FROM ingest"), "1");
    EXPECT_EQ(query_one(building, "SELECT money_sum(unblended) FROM billing_period"),
              "37500000000");

    // A new store that held more than the ingest (a fetch's run record, accounts) is kept
    // whole, not written into the other store in part.
    const std::string fetched = t / "fetched.db";
    {
        auto s = store::Store::open(fetched);
        record_a_fetch_run(*s);
        store::Store::open(fetched)->replace_periods(two_rows(t), "other", false);
        try {
            s->replace_periods(two_rows(t), "x", false);
            ADD_FAILURE() << "the fetch's store was split";
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()),
                      "cannot give the new store its name " + fetched +
                          " (another process created a file there meanwhile); what this run "
                          "wrote is kept in " +
                          building_name(fetched));
        }
    }
    EXPECT_EQ(query_one(building_name(fetched), "SELECT count(*) FROM fetch_run"), "1");
    EXPECT_EQ(query_one(building_name(fetched), "SELECT count(*) FROM ingest"), "1");
    EXPECT_EQ(query_one(fetched, "SELECT group_concat(started_at) FROM ingest"), "other");
}

// fetch, import-pdf, meters and merge write through db(): their first commit publishes the
// store when the Store is done with it; a Store that committed nothing leaves no file.
TEST(StoreJournal, OtherWritersPublishWhenDoneAndNothingCommittedLeavesNothing) {
    TempDir t;
    const std::string db = t / "new.db";
    {
        auto s = store::Store::open(db);
        record_a_fetch_run(*s);
        EXPECT_FALSE(fs::exists(db));
    }
    EXPECT_EQ(files_in(t), std::set<std::string>{"new.db"});  // in WAL mode, its log folded in
    EXPECT_EQ(query_one(db, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM fetch_run"), "1");

    TempDir u;
    {
        auto s = store::Store::open(u / "empty.db");
        EXPECT_EQ(ingests(*s), 0);  // reads commit nothing
    }
    EXPECT_EQ(files_in(u), std::set<std::string>{});
}

}  // namespace CURCRUNCH_UNITY_ID
