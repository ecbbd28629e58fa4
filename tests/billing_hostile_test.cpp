// Hostile input to billing: values beyond the 10^14 bound, control and invisible characters
// echoed in messages, SIGTERM in the middle of `meters ingest`, and a meter file truncated under
// it — each leaves the store exactly as it was and exits with its documented code.
#include <gtest/gtest.h>
#include <signal.h>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "billing_world.hpp"
#include "hostile_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kConfig = R"({
  "customers": [{"id": "c", "name": "C", "currency": "USD"}],
  "products": [{"id": "p"}],
  "meters": [{"id": "api", "product": "p", "unit": "calls",
    "fields": {"ms": "decimal", "user": "string"},
    "aggregations": [{"id": "ms", "type": "sum", "field": "ms"},
                     {"id": "users", "type": "unique_count", "field": "user"}]}],
  "usage_plans": [{"id": "u", "currency": "USD"}],
  "subscriptions": [{"account": "acct-1", "customer": "c", "plan": "u", "start": "2026-01-01"}]
})";

std::string line(const std::string& uid, const std::string& ts, const std::string& ms,
                 const std::string& user = "u1") {
    return R"({"uid":")" + uid + R"(","account":"acct-1","timestamp":")" + ts +
           R"(","meter":"api","values":{"ms":)" + ms + R"(,"user":")" + user + "\"}}\n";
}

// A store that already holds measurements, and its dump.
struct Stocked {
    World w;
    std::string before;
    Stocked() {
        w.write_config(kConfig);
        write_file(w.tmp / "first.jsonl", line("a", "2026-02-01T00:00:00Z", "1.5"));
        auto r = w.meters({w.tmp / "first.jsonl"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        before = dump_store(w.db);
    }
};

}  // namespace

TEST(BillingHostile, ADaySumBeyondTheAmountBoundIsRefusedAndNothingIsStored) {
    Stocked s;
    // Each value is within 10^14; their sum on one day is not.
    write_file(s.w.tmp / "big.jsonl", line("b1", "2026-02-03T01:00:00Z", "99999999999999") +
                                          line("b2", "2026-02-03T02:00:00Z", "99999999999999"));
    auto r = s.w.meters({s.w.tmp / "big.jsonl"}, {"--on-error=skip"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("meter api, aggregation ms, account acct-1, day 20260203: the day's "
                         "value would be beyond 10^14; nothing was stored"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(dump_store(s.w.db), s.before);
    // A single value beyond the bound is a bad record, named with its line.
    write_file(s.w.tmp / "huge.jsonl", line("b3", "2026-02-03T01:00:00Z", "1e15"));
    r = s.w.meters({s.w.tmp / "huge.jsonl"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("huge.jsonl:1: field 'ms':"), std::string::npos) << r.err;
    EXPECT_EQ(dump_store(s.w.db), s.before);
}

TEST(BillingHostile, InputEchoedInMessagesShowsNoControlOrInvisibleCharacters) {
    Stocked s;
    // A uid with a right-to-left override conflicts with an earlier one: the message quotes it
    // escaped.
    write_file(s.w.tmp / "bidi.jsonl", line("x\u202Ey", "2026-02-01T00:00:00Z", "1") +
                                           line("x\u202Ey", "2026-02-01T00:00:00Z", "2"));
    auto r = s.w.meters({s.w.tmp / "bidi.jsonl"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("'x\\u{202E}y' is also at"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("\u202E"), std::string::npos) << r.err;
    EXPECT_EQ(dump_store(s.w.db), s.before);
    // A configuration: a currency with an escape character and a key with a bell.
    write_file(s.w.tmp / "c1.json",
               R"({"customers": [{"id": "c", "name": "C", "currency": "U\u001bSD"}]})");
    r = run_cli({"billing", "check", "--config", s.w.tmp / "c1.json"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("$.customers[0].currency: contains a control character"),
              std::string::npos)
        << r.err;
    write_file(s.w.tmp / "c2.json", R"({"customers": [{"id": "c", "name": "C", "currency":
               "USD", "x\u0007": 1}]})");
    r = run_cli({"billing", "check", "--config", s.w.tmp / "c2.json"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("$.customers[0].x\\x07: unknown field"), std::string::npos) << r.err;
    write_file(s.w.tmp / "c3.json", R"({"customers": [{"id": "c", "name": "C", "currency":
               "U\u202eSD"}]})");
    r = run_cli({"billing", "check", "--config", s.w.tmp / "c3.json"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("unknown currency 'U\\u{202E}SD'"), std::string::npos) << r.err;
}

// About `mb` MB of JSON lines over nine days of February 2026.
void write_many_measurements(const std::string& path, size_t mb) {
    // Formatted into one reused buffer: the line() helper's strings, a million and more of them,
    // took about 12 s of this test in the sanitizer build.
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr) << path;
    char buf[256];
    for (size_t i = 0, written = 0; written < (mb << 20); ++i) {
        const int n = std::snprintf(buf, sizeof buf,
                                    R"({"uid":"m%zu","account":"acct-1","timestamp":")"
                                    R"(2026-02-0%zuT00:00:00Z","meter":"api","values":{"ms":%zu,)"
                                    R"("user":"u%zu"}})"
                                    "\n",
                                    i, 1 + i % 9, i % 1000, i % 97);
        written += std::fwrite(buf, 1, static_cast<size_t>(n), f);
    }
    ASSERT_EQ(std::fclose(f), 0) << path;
}

// Runs `meters ingest` of `input` into the stocked store, calling `act(pid)` every 100 us while
// it runs until `act` returns true (or 60 s pass). Returns whether it did; `r` gets the result.
template <class Act>
bool meters_ingest_until(const Stocked& s, const std::string& input, Act act, RunResult& r) {
    std::atomic<int> pid{0};
    std::thread run([&] {
        r = run_cli({"meters", "ingest", "--db", s.w.db, "--config", s.w.config, input}, {}, &pid);
    });
    bool done = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done && std::chrono::steady_clock::now() < deadline) {
        const int p = pid.load();
        if (p > 0) done = act(p);
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    run.join();
    return done;
}

TEST(BillingHostile, SigtermMidMetersIngestLeavesTheStoreUnchanged) {
    Stocked s;
    const std::string input = s.w.tmp / "many.jsonl";
    write_many_measurements(input, 120);
    RunResult r;
    const bool sent = meters_ingest_until(
        s, input, [&](int p) { return process_has_open(p, input) && ::kill(p, SIGTERM) == 0; }, r);
    ASSERT_TRUE(sent) << "the ingest ended before the signal: " << r.out << r.err;
    EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
    EXPECT_NE(r.err.find("curcrunch: interrupted, nothing written (SIGTERM; the store is "
                         "unchanged)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(dump_store(s.w.db), s.before);
}

// The meter file is mapped; truncated once the command has mapped it (its /proc/PID/maps names
// the file), it ends the command with exit code 3 and the file's name, not with SIGBUS.
TEST(BillingHostile, AMeterFileTruncatedMidIngestEndsWithExitCode3) {
    Stocked s;
    const std::string input = s.w.tmp / "many.jsonl";
    write_many_measurements(input, 60);
    RunResult r;
    const bool cut = meters_ingest_until(
        s, input,
        [&](int p) {
            return read_file("/proc/" + std::to_string(p) + "/maps").find(input) !=
                       std::string::npos &&
                   ::truncate(input.c_str(), 0) == 0;
        },
        r);
    ASSERT_TRUE(cut) << "the ingest ended before the file was mapped: " << r.out << r.err;
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("curcrunch: error: " + input +
                         ": the file became shorter while it was being read"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(dump_store(s.w.db), s.before);
}

}  // namespace CURCRUNCH_UNITY_ID
