// SIGTERM and SIGINT in the middle of an ingest, sent to the real binary: it says
// "interrupted, nothing written", finishes the progress line on a terminal, exits 128 + the
// signal, and the store is exactly as it was.
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "hostile_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

// Waits until `pid` reads `path`, then sends `sig`. False when the ingest ended first.
bool signal_mid_ingest(const std::atomic<int>& pid, const std::string& path, int sig) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        const int p = pid.load();
        if (p > 0 && process_has_open(p, path)) return ::kill(p, sig) == 0;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return false;
}

}  // namespace

TEST(Interrupt, SigtermAndSigintMidIngestLeaveTheStoreUnchanged) {
    GuardedStore s;
    const std::string input = big_legacy_input(s.dir);
    for (int sig : {SIGTERM, SIGINT}) {
        std::atomic<int> pid{0};
        RunResult r;
        std::thread run([&] {
            r = run_cli({"ingest", "--db", s.db, "--threads", "1", input}, {}, &pid);
        });
        const bool sent = signal_mid_ingest(pid, input, sig);
        run.join();
        ASSERT_TRUE(sent) << "the ingest ended before the signal: " << r.err;
        EXPECT_EQ(r.exit_code, 128 + sig) << r.err;
        EXPECT_NE(r.err.find("curcrunch: interrupted, nothing written (" +
                             std::string(sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                             "; the store is unchanged)"),
                  std::string::npos)
            << r.err;
        EXPECT_EQ(dump_store(s.db), s.before);
    }
    s.expect_readable();
}

TEST(Interrupt, TheProgressLineIsFinishedOnATerminal) {
    GuardedStore s;
    const std::string input = big_legacy_input(s.dir);
    int master = -1, slave = -1;
    ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    std::string bin = CURCRUNCH_BINARY, cmd = "ingest", dbopt = "--db", db = s.db,
                threads = "--threads", one = "1", in = input;
    char* argv[] = {bin.data(),     cmd.data(), dbopt.data(), db.data(),
                    threads.data(), one.data(), in.data(),    nullptr};
    std::atomic<int> pid{0};
    const pid_t child = ::fork();
    if (child == 0) {
        ::dup2(slave, STDERR_FILENO);
        ::close(master);
        ::execv(bin.c_str(), argv);
        _exit(127);
    }
    ::close(slave);
    pid = child;
    std::string screen;
    std::thread reader([&] {
        char buf[4096];
        for (ssize_t n; (n = ::read(master, buf, sizeof buf)) > 0;)
            screen.append(buf, static_cast<size_t>(n));
    });
    const bool sent = signal_mid_ingest(pid, input, SIGINT);
    int status = 0;
    ::waitpid(child, &status, 0);
    reader.join();  // read() fails with EIO once the child and its terminal are gone
    ::close(master);
    ASSERT_TRUE(sent) << screen;
    ASSERT_TRUE(WIFEXITED(status)) << screen;
    EXPECT_EQ(WEXITSTATUS(status), 130);
    // The progress bar was drawn, and the message starts on a line of its own.
    EXPECT_NE(screen.find("\r["), std::string::npos) << screen;
    const size_t msg = screen.find("curcrunch: interrupted, nothing written (SIGINT");
    ASSERT_NE(msg, std::string::npos) << screen;
    ASSERT_GT(msg, 0u);
    EXPECT_EQ(screen[msg - 1], '\n') << screen;
    EXPECT_EQ(dump_store(s.db), s.before);
}

}  // namespace CURCRUNCH_UNITY_ID
