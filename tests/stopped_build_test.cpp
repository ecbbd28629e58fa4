// A new store is built in PATH.new-PID beside a lock file the building process holds
// (store/building_file.hpp). A build that is running, one whose process was killed, one that
// holds data and one without a lock file are each told apart: readers are told which, and the
// next writer removes only a killed build that holds nothing but the schema.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>

#include <chrono>
#include <thread>

#include "hostile_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

// An ingest stopped (SIGSTOP) while it reads its input into a new store: its building file
// exists and its lock is held. kill() ends it as a crash would.
class StoppedIngest {
  public:
    StoppedIngest(const std::string& db, const std::string& input) {
        runner_ = std::thread([&, db, input] {
            result_ =
                run_cli({"ingest", "--quiet", "--threads", "1", "--db", db, input}, {}, &pid_);
        });
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            const int p = pid_.load();
            if (p > 0 && process_has_open(p, input) &&
                fs::exists(db + ".new-" + std::to_string(p))) {
                stopped_ = ::kill(p, SIGSTOP) == 0;
                return;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
    ~StoppedIngest() {
        if (runner_.joinable()) kill();
    }
    bool stopped() const { return stopped_; }
    std::string building(const std::string& db) const {
        return db + ".new-" + std::to_string(pid_.load());
    }
    // SIGKILL, as the OOM killer or a scheduler's timeout would end it.
    RunResult kill() {
        ::kill(pid_.load(), SIGKILL);
        ::kill(pid_.load(), SIGCONT);
        runner_.join();
        return result_;
    }

  private:
    std::atomic<int> pid_{0};
    RunResult result_{};
    std::thread runner_;
    bool stopped_ = false;
};

}  // namespace

TEST(NewStore, AKilledBuildIsToldApartFromARunningOneAndRemovedByTheNextWriter) {
    TempDir t;
    const std::string db = t / "s.db";
    const std::string input = big_legacy_input(t);
    write_file(t / "small.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-01-03", "1.5"));
    StoppedIngest a(db, input);
    ASSERT_TRUE(a.stopped()) << "the ingest ended before it could be stopped";
    const std::string building = a.building(db);
    EXPECT_TRUE(fs::exists(building + ".lock"));

    RunResult reader = run_cli({"periods", "--db", db});
    EXPECT_EQ(reader.exit_code, 4);
    EXPECT_NE(reader.err.find("no store at " + db + " yet: a curcrunch is building it in " +
                              building + "; it takes the name " + db + " at its first commit"),
              std::string::npos)
        << reader.err;

    const RunResult killed = a.kill();
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
    ASSERT_TRUE(fs::exists(building));
    ASSERT_TRUE(fs::exists(building + ".lock"));
    reader = run_cli({"periods", "--db", db});
    EXPECT_EQ(reader.exit_code, 4);
    EXPECT_NE(reader.err.find("no store at " + db + ": " + building +
                              " was left by a curcrunch that stopped while it built the store; "
                              "the next command that creates the store removes it if nothing in "
                              "it was committed, or it may be deleted"),
              std::string::npos)
        << reader.err;

    RunResult next = run_cli({"ingest", "--db", db, "--no-progress", t / "small.csv"});
    EXPECT_EQ(next.exit_code, 0) << next.err;
    EXPECT_NE(next.err.find("removed " + building +
                            ", the new store a stopped curcrunch was building (nothing in it "
                            "was committed)"),
              std::string::npos)
        << next.err;
    for (const auto& e : fs::directory_iterator(t.path()))
        EXPECT_EQ(e.path().filename().string().find(".new-"), std::string::npos) << e.path();
    EXPECT_EQ(query_one(db, "SELECT rows FROM ingest"), "1");
}

// A writer of the store while another process builds a new one at its name leaves that build
// alone; it is removed once its process is gone, by the next writer of the (existing) store.
TEST(NewStore, ARunningBuildIsLeftAloneAndRemovedOnceItsProcessIsGone) {
    TempDir t;
    const std::string db = t / "s.db";
    const std::string input = big_legacy_input(t);
    write_file(t / "jan.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-01-03", "1.5"));
    write_file(t / "feb.csv", std::string(kLegacyHeader) + legacy_row("2", "2024-02-03", "2.5"));
    StoppedIngest a(db, input);
    ASSERT_TRUE(a.stopped()) << "the ingest ended before it could be stopped";
    const std::string building = a.building(db);
    RunResult first = run_cli({"ingest", "--quiet", "--db", db, t / "jan.csv"});
    EXPECT_EQ(first.exit_code, 0) << first.err;
    EXPECT_TRUE(fs::exists(building));
    EXPECT_TRUE(fs::exists(building + ".lock"));
    a.kill();
    RunResult second = run_cli({"ingest", "--db", db, "--no-progress", t / "feb.csv"});
    EXPECT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.err.find("removed " + building), std::string::npos) << second.err;
    EXPECT_FALSE(fs::exists(building));
    EXPECT_FALSE(fs::exists(building + ".lock"));
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM ingest"), "2");
}

// What a stopped build committed is kept (a fetch's records, say), and so is a building file
// without a lock file: a build by an older curcrunch, or the file a run kept when it could not
// take its name.
TEST(NewStore, AStoppedBuildThatHoldsDataAndABuildWithoutALockFileAreKept) {
    TempDir t;
    const std::string db = t / "s.db";
    write_file(t / "jan.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-01-03", "1.5"));
    write_file(t / "feb.csv", std::string(kLegacyHeader) + legacy_row("2", "2024-02-03", "2.5"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", t / "data.db", t / "jan.csv"}).exit_code, 0);
    fs::copy_file(t / "data.db", t / "s.db.new-4242");
    write_file(t / "s.db.new-4242.lock", "");
    write_file(t / "s.db.new-4243", "");  // no lock file
    RunResult r = run_cli({"ingest", "--db", db, "--no-progress", t / "feb.csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("removed"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(t / "s.db.new-4242"));
    EXPECT_TRUE(fs::exists(t / "s.db.new-4242.lock"));
    EXPECT_TRUE(fs::exists(t / "s.db.new-4243"));
    EXPECT_EQ(query_one(t / "s.db.new-4242", "SELECT rows FROM ingest"), "1");
    EXPECT_EQ(query_one(db, "SELECT group_concat(period) FROM billing_period"), "202402");
}

// A lock file held by a process that is not curcrunch (flock(1) here) means running all the same.
TEST(NewStore, AHeldLockFileMeansTheBuildIsRunning) {
    TempDir t;
    write_file(t / "s.db.new-4242", "");
    write_file(t / "s.db.new-4242.lock", "");
    const int fd = ::open((t / "s.db.new-4242.lock").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);
    write_file(t / "jan.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-01-03", "1.5"));
    RunResult r = run_cli({"ingest", "--quiet", "--db", t / "s.db", t / "jan.csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(t / "s.db.new-4242"));
    ::close(fd);
    r = run_cli({"ingest", "--db", t / "s.db", "--no-progress", t / "jan.csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(t / "s.db.new-4242"));
    EXPECT_FALSE(fs::exists(t / "s.db.new-4242.lock"));
}

}  // namespace CURCRUNCH_UNITY_ID
