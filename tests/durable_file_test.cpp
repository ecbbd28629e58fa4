// Files curcrunch says exist must survive a crash (core/durable_file.hpp): each is synced under
// its temporary name before it is renamed, and its folder after. A crash cannot be staged here,
// so the order is read from the system calls the real binary makes (strace -y names each
// descriptor's file), for a new store, a PDF report and a billing run's invoices.
#include <gtest/gtest.h>

#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"
#include "syscall_trace.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

struct KnownStore {
    TempDir tmp;
    std::string dir = fs::canonical(tmp.path()).string();
    std::string db = dir + "/s.db";
    KnownStore() { write_file(dir + "/oct.csv", known_month_csv("2026-10", "12.00")); }
};

}  // namespace

TEST(DurableFile, SyncAndRenameNameTheFileTheyCouldNotReach) {
    TempDir t;
    const std::string missing = t / "missing.pdf";
    EXPECT_EQ(error_text([&] { curcrunch::sync_file(missing); }),
              missing + ": cannot make sure it is on the disk (No such file or directory)");
    EXPECT_EQ(error_text([&] { curcrunch::rename_durably(missing, t / "b"); }),
              "cannot rename " + missing + " to " + (t / "b") + " (No such file or directory)");
    write_file(t / "a.tmp", "bytes");
    curcrunch::sync_file(t / "a.tmp");
    curcrunch::rename_durably(t / "a.tmp", t / "a");
    EXPECT_EQ(read_file(t / "a"), "bytes");
    EXPECT_FALSE(fs::exists(t / "a.tmp"));
    EXPECT_EQ(curcrunch::sync_folder_of_noexcept(t / "no-folder/x"), ENOENT);
    // Many at once: the one that failed is named, whichever thread met it.
    std::vector<std::string> many;
    for (int i = 0; i < 20; ++i) {
        many.push_back(t / ("f" + std::to_string(i)));
        write_file(many.back(), "x");
    }
    curcrunch::sync_files(many);
    many.insert(many.begin() + 13, missing);
    EXPECT_EQ(error_text([&] { curcrunch::sync_files(many); }),
              missing + ": cannot make sure it is on the disk (No such file or directory)");
}

TEST(DurableFile, ANewStoreIsSyncedBeforeItTakesItsNameAndTheNameWithItsFolder) {
    KnownStore k;
    const SyscallTrace calls =
        trace_syscalls(k.dir, {"ingest", "--quiet", "--db", k.db, k.dir + "/oct.csv"});
    // SQLite syncs the file at its commit (synchronous=FULL while it is built), under the name
    // it is built in; the rename to s.db follows, and the folder's sync after it.
    const long renamed = calls.find({"rename", "\"" + k.db + "\""});
    ASSERT_GE(renamed, 0) << calls.dump();
    const long file_synced = calls.find({"sync(", "<" + k.dir + "/s.db.new-"});
    EXPECT_GE(file_synced, 0) << calls.dump();
    EXPECT_LT(file_synced, renamed) << calls.dump();
    EXPECT_GT(calls.find({"fsync(", "<" + k.dir + ">"}, renamed), renamed) << calls.dump();
}

TEST(DurableFile, AReportIsSyncedBeforeItsRenameAndItsFolderAfter) {
    KnownStore k;
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", k.db, k.dir + "/oct.csv"}).exit_code, 0);
    const std::string pdf = k.dir + "/r.pdf";
    const SyscallTrace calls =
        trace_syscalls(k.dir, {"report", "--quiet", "--db", k.db, "--from", "2026-10-01", "--to",
                               "2026-10-31", "--out", pdf});
    expect_synced_then_named(calls, pdf + ".tmp", pdf);
    EXPECT_EQ(read_file(pdf).compare(0, 5, "%PDF-"), 0);
}

TEST(DurableFile, ABillingRunSyncsEveryInvoiceFileBeforeTheStoreRecordsItAndTheFolderOnce) {
    KnownStore k;
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", k.db, k.dir + "/oct.csv"}).exit_code, 0);
    write_file(k.dir + "/billing.json", R"({
  "customers": [{"id": "acme", "name": "Acme", "currency": "USD", "tax_rate": "0"}],
  "pricing_rules": [{"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "rules": ["m10"]}],
  "billing_groups": [{"id": "g", "customer": "acme", "primary_account": "111111111111",
    "accounts": ["222222222222"], "from": "2026-10", "plans": [{"plan": "p", "from": "2026-10"}]}]
})");
    const std::string out = k.dir + "/out";
    const SyscallTrace calls =
        trace_syscalls(k.dir, {"billing", "run", "--db", k.db, "--config", k.dir + "/billing.json",
                               "--period", "2026-10", "--out", out});
    // The store's record of the run: its commit's first write to the write-ahead log.
    const long recorded = calls.find({"pwrite64(", "<" + k.db + "-wal>"});
    ASSERT_GE(recorded, 0) << calls.dump();
    for (const char* name : {"acme-2026-10.pdf", "acme-2026-10.json", "acme-2026-10.csv",
                             "margin-2026-10.csv", "margin-2026-10.json"}) {
        const std::string file = out + "/" + name;
        SCOPED_TRACE(file);
        EXPECT_TRUE(fs::exists(file));
        const long synced = calls.find({"fsync(", "<" + file + ".tmp"});
        EXPECT_GE(synced, 0) << calls.dump();
        EXPECT_LT(synced, recorded) << calls.dump();
        expect_synced_then_named(calls, file + ".tmp", file);
    }
    // One sync of the folder for all its names, after the last rename.
    EXPECT_EQ(calls.count({"fsync(", "<" + out + ">"}), 1) << calls.dump();
}

}  // namespace CURCRUNCH_UNITY_ID
