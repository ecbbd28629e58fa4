// read_mapped: a read of a mapping whose file was truncated under it returns false instead of
// ending the process with SIGBUS; MappedFileScope ends it with exit code 3 and a message naming
// the file, which `curcrunch ingest` shows for a file truncated while it is parsed; a SIGBUS
// outside every guard still ends the process as before.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <thread>
#include <vector>

#include "curcrunch/core/abrupt_exit.hpp"
#include "curcrunch/core/file_descriptor.hpp"
#include "curcrunch/core/mapped_read.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

constexpr size_t kPage = 4096;

// Sums every byte it is given: the reader touches each page.
void sum_bytes(void* total, const void* bytes, size_t n) {
    const auto* p = static_cast<const volatile unsigned char*>(bytes);
    uint64_t s = 0;
    for (size_t i = 0; i < n; ++i)
        s += p[i];
    *static_cast<uint64_t*>(total) += s;
}

// A file of `pages` pages of the byte 1, mapped whole; truncate_to() shortens the file.
class MappedFile {
  public:
    MappedFile(const std::string& path, size_t pages) : n_(pages * kPage) {
        write_file(path, std::string(n_, '\1'));
        f_.fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        p_ = ::mmap(nullptr, n_, PROT_READ, MAP_PRIVATE, f_.fd, 0);
    }
    ~MappedFile() {
        if (p_ != MAP_FAILED) ::munmap(p_, n_);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    bool ok() const { return f_.fd >= 0 && p_ != MAP_FAILED; }
    void truncate_to(size_t bytes) { ASSERT_EQ(::ftruncate(f_.fd, static_cast<off_t>(bytes)), 0); }
    const char* data() const { return static_cast<const char*>(p_); }
    size_t size() const { return n_; }

  private:
    FileDescriptor f_;
    size_t n_;
    void* p_ = MAP_FAILED;
};

}  // namespace

TEST(MappedRead, ReadsAWholeMapping) {
    TempDir d;
    MappedFile m(d / "f", 3);
    ASSERT_TRUE(m.ok());
    uint64_t total = 0;
    EXPECT_TRUE(read_mapped(m.data(), m.size(), sum_bytes, &total));
    EXPECT_EQ(total, 3 * kPage);
}

TEST(MappedRead, AFileTruncatedUnderTheMappingStopsTheReadInsteadOfTheProcess) {
    TempDir d;
    MappedFile m(d / "f", 3);
    ASSERT_TRUE(m.ok());
    m.truncate_to(kPage);
    uint64_t total = 0;
    EXPECT_FALSE(read_mapped(m.data(), m.size(), sum_bytes, &total));
    // Again on the same thread (the guard was cleared and the handler stays), and the page
    // still inside the file reads as before.
    EXPECT_FALSE(read_mapped(m.data() + kPage, kPage, sum_bytes, &total));
    total = 0;
    EXPECT_TRUE(read_mapped(m.data(), kPage, sum_bytes, &total));
    EXPECT_EQ(total, kPage);
}

// The handler only answers for the guarded range: a fault past a guard's range, or with no
// guard, meets SIGBUS's default action. Checked in a child process, which it ends.
TEST(MappedRead, ASigbusOutsideAGuardStillEndsTheProcess) {
    TempDir d;
    MappedFile m(d / "f", 3);
    ASSERT_TRUE(m.ok());
    uint64_t total = 0;
    ASSERT_TRUE(read_mapped(m.data(), kPage, sum_bytes, &total));  // installs the handler
    m.truncate_to(kPage);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        volatile char c = m.data()[2 * kPage];  // no guard: SIGBUS
        (void)c;
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
    EXPECT_EQ(WTERMSIG(status), SIGBUS);
}

// What a child process did: its exit code (or 128 + signal) and what it wrote to stderr.
struct ChildEnd {
    int code;
    std::string err;
};

// Runs `body` in a child process with stderr captured; the child exits 0 if `body` returns.
template <class Body>
ChildEnd in_child(Body body) {
    int fds[2];
    if (::pipe(fds) != 0) return ChildEnd{-1, "pipe"};
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        ::dup2(fds[1], STDERR_FILENO);
        body();
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string err;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
        err.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return ChildEnd{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), err};
}

// What a MappedFileScope's process writes when its file shrinks under the mapping.
std::string shrunk_message(const std::string& path) {
    return "curcrunch: error: " + path +
           ": the file became shorter while it was being read (another program truncated or "
           "rewrote it); the store was not changed\n";
}

TEST(MappedRead, AFileScopeEndsTheProcessWithExitCode3AndNamesTheFile) {
    TempDir d;
    const std::string path = d / "export.csv";
    MappedFile m(path, 3);
    ASSERT_TRUE(m.ok());
    m.truncate_to(kPage);
    const ChildEnd end = in_child([&] {
        const MappedFileScope outer(m.data(), kPage, "/elsewhere");  // not the faulting range
        const MappedFileScope scope(m.data(), m.size(), path);
        uint64_t total = 0;
        sum_bytes(&total, m.data(), m.size());  // SIGBUS at the second page
    });
    EXPECT_EQ(end.code, 3);
    EXPECT_EQ(end.err, shrunk_message(path));
}

// Threads that read one truncated mapping fault together: the message comes once, whole (the
// first thread's), and the process ends with exit code 3. Each thread writing its own once gave
// "curcrunch: error: curcrunch: error: PATHPATH: ..." in the CI's sanitizer build.
TEST(MappedRead, ThreadsFaultingTogetherEndTheProcessWithOneWholeMessage) {
    TempDir d;
    const std::string path = d / "shared.csv";
    MappedFile m(path, 64);
    ASSERT_TRUE(m.ok());
    m.truncate_to(kPage);
    for (int round = 0; round < 20; ++round) {
        const ChildEnd end = in_child([&] {
            std::atomic<int> ready{0};
            std::vector<std::thread> threads;
            for (int t = 0; t < 4; ++t)
                threads.emplace_back([&, t] {
                    const MappedFileScope scope(m.data(), m.size(), path);
                    ready.fetch_add(1);
                    while (ready.load() < 4) {
                    }
                    uint64_t total = 0;
                    // Each thread starts on a lost page of its own: all four fault at once.
                    sum_bytes(&total, m.data() + (1 + 8 * t) * kPage, 8 * kPage);
                });
            for (std::thread& th : threads)
                th.join();
        });
        ASSERT_EQ(end.code, 3) << end.err;
        ASSERT_EQ(end.err, shrunk_message(path)) << "round " << round;
    }
}

// Inside a scope, read_mapped still gets its fault back: the jump is looked at first.
TEST(MappedRead, AGuardedReadInsideAFileScopeReturnsFalse) {
    TempDir d;
    MappedFile m(d / "f", 3);
    ASSERT_TRUE(m.ok());
    m.truncate_to(kPage);
    const ChildEnd end = in_child([&] {
        const MappedFileScope scope(m.data(), m.size(), "f");
        uint64_t total = 0;
        if (read_mapped(m.data(), m.size(), sum_bytes, &total)) ::_exit(10);
    });
    EXPECT_EQ(end.code, 0) << end.err;
}

// Files armed for removal go when a scope ends the process (a new store being built, which
// holds nothing yet); a disarmed entry's file stays, and so does everything else.
TEST(MappedRead, AFileScopeEndRemovesTheFilesArmedForIt) {
    TempDir d;
    const std::string path = d / "export.csv", building = d / "s.db.new-7", kept = d / "kept.db";
    for (const std::string& f : {building, building + ".lock", kept, kept + ".lock"})
        write_file(f, "x");
    MappedFile m(path, 3);
    ASSERT_TRUE(m.ok());
    m.truncate_to(kPage);
    const ChildEnd end = in_child([&] {
        static const char* const kFiles[] = {"", "-journal", ".lock"};
        RemovedOnAbruptExit gone, disarmed;
        if (!gone.arm(building, kFiles, 3) || !disarmed.arm(kept, kFiles, 3)) ::_exit(10);
        disarmed.disarm();
        const MappedFileScope scope(m.data(), m.size(), path);
        uint64_t total = 0;
        sum_bytes(&total, m.data(), m.size());
    });
    EXPECT_EQ(end.code, 3) << end.err;
    EXPECT_EQ(end.err, shrunk_message(path));
    EXPECT_FALSE(fs::exists(building));
    EXPECT_FALSE(fs::exists(building + ".lock"));
    EXPECT_TRUE(fs::exists(kept));
    EXPECT_TRUE(fs::exists(kept + ".lock"));
    EXPECT_TRUE(fs::exists(path));
}

// Every file in `dir` whose name holds ".new-" (a store build and its journal or lock file).
std::vector<std::string> building_files_in(const std::string& dir) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".new-") != std::string::npos)
            found.push_back(e.path().filename().string());
    return found;
}

// Runs `curcrunch ingest` of `file` into `db` and truncates `file` to nothing `delay_us` after
// the ingest has mapped it (its /proc/PID/maps names the file). `truncated` says whether it did.
RunResult ingest_while_truncating(const std::string& db, const std::string& file, int delay_us,
                                  bool& truncated) {
    std::atomic<int> pid{0};
    std::atomic<bool> cut{false};
    std::thread cutter([&] {
        while (pid.load() == 0)
            std::this_thread::yield();
        const std::string maps = "/proc/" + std::to_string(pid.load()) + "/maps";
        for (int i = 0; i < 20000; ++i) {
            if (read_file(maps).find(file) != std::string::npos) {
                if (delay_us > 0) ::usleep(static_cast<useconds_t>(delay_us));
                cut = ::truncate(file.c_str(), 0) == 0;
                return;
            }
            ::usleep(200);
        }
    });
    RunResult r = run_cli({"ingest", "--no-progress", "--db", db, file}, {}, &pid);
    cutter.join();
    truncated = cut.load();
    return r;
}

// About 60 MB of legacy rows, whose parse takes far longer than the truncation takes to come.
void write_big_csv(const std::string& path) {
    std::string block;
    for (int i = 0; i < 1000; ++i)
        block +=
            legacy_row("r" + std::to_string(i), "2025-03-" + std::to_string(10 + i % 18),
                       std::to_string(i % 97) + ".25", "Usage", "team" + std::to_string(i % 7));
    std::ofstream f(path, std::ios::binary);
    f << kLegacyHeader;
    for (size_t written = 0; written < (size_t(60) << 20); written += block.size())
        f << block;
}

// A store that holds one small ingest; then, for each delay, `file` written anew by `write()`
// and ingested while it is truncated that long after the ingest mapped it. Each ingest ends with
// exit code 3 and a message naming the file (truncated at once: that it became shorter; later:
// that, or that it changed, when the digest met it), and the store keeps what it held.
template <class Write>
void expect_truncations_to_end_the_ingest(const TempDir& d, const std::string& file, Write write,
                                          std::initializer_list<int> delays_us) {
    const std::string db = d / "store.db", small = d / "small.csv";
    write_file(small, std::string(kLegacyHeader) + legacy_row("a1", "2025-02-01", "1.25"));
    ASSERT_EQ(run_cli({"ingest", "--no-progress", "--db", db, small}).exit_code, 0);
    const std::string before = dump_store(db);
    for (int delay_us : delays_us) {
        SCOPED_TRACE("truncated " + std::to_string(delay_us) + " us after the mapping");
        write();
        bool truncated = false;
        const RunResult r = ingest_while_truncating(db, file, delay_us, truncated);
        ASSERT_TRUE(truncated) << "the ingest never mapped the file: " << r.err;
        EXPECT_EQ(r.exit_code, 3) << r.err;
        const bool shorter =
            r.err.find(file + ": the file became shorter while it was being read") !=
            std::string::npos;
        const bool changed = r.err.find(file + ": the file changed while it was being ingested") !=
                             std::string::npos;
        EXPECT_TRUE(delay_us == 0 ? shorter : shorter || changed) << r.err;
        EXPECT_EQ(dump_store(db), before);
    }
}

// End to end: an export truncated while `curcrunch ingest` reads it, at once (the header and
// the split meet it) and a little later (the parse's threads, or the digest). The ingest ends
// with exit code 3 and a message naming the file, never with SIGBUS, and the store keeps what
// it held.
TEST(MappedRead, AnExportTruncatedDuringTheIngestEndsItWithExitCode3) {
    TempDir d;
    const std::string big = d / "big.csv";
    expect_truncations_to_end_the_ingest(d, big, [&] { write_big_csv(big); }, {0, 5000, 20000});
}

// A first ingest, which builds the store in STORE.new-PID beside its lock file: truncated under
// the parse, it ends with exit code 3 and leaves neither behind (they were left, to the next
// writer's clean-up, until the process removed them from its SIGBUS handler), nor a store.
TEST(MappedRead, AnExportTruncatedDuringAFirstIngestLeavesNoStoreBehind) {
    TempDir d;
    const std::string big = d / "big.csv", db = d / "new.db";
    write_big_csv(big);
    bool truncated = false;
    const RunResult r = ingest_while_truncating(db, big, 0, truncated);
    ASSERT_TRUE(truncated) << "the ingest never mapped the file: " << r.err;
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(big + ": the file became shorter while it was being read"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(db));
    EXPECT_EQ(building_files_in(d.path()), std::vector<std::string>{});
}

// A gzip export is inflated from its mapping in place (byte_source.cpp): truncated while it is
// inflated, the ingest ends as for an uncompressed one. The rows carry pseudo-random ids, so
// the file stays about an eighth of its 60 MB when compressed (7 MB), which takes a while to
// inflate and parse.
TEST(MappedRead, AGzipExportTruncatedDuringTheIngestEndsItWithExitCode3) {
    TempDir d;
    const std::string gz = d / "big.csv.gz";
    std::string csv = kLegacyHeader;
    uint64_t x = 88172645463325252ull;
    char id[17], day[16], cost[16], team[8];
    while (csv.size() < (size_t(60) << 20)) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(x));
        std::snprintf(day, sizeof day, "2025-03-%d", static_cast<int>(10 + x % 18));
        std::snprintf(cost, sizeof cost, "%d.25", static_cast<int>(x % 9973));
        std::snprintf(team, sizeof team, "team%d", static_cast<int>(x % 7));
        append_legacy_row(csv, id, day, cost, "Usage", team);
    }
    const std::string bytes = gzip_bytes(csv, 1);
    ASSERT_GT(bytes.size(), size_t(4) << 20);
    expect_truncations_to_end_the_ingest(d, gz, [&] { write_file(gz, bytes); }, {0, 5000});
}

TEST(MappedRead, AParquetFileTruncatedDuringTheIngestEndsItWithExitCode3) {
    TempDir d;
    const std::string db = d / "store.db", file = d / "export.parquet";
    ASSERT_EQ(run_cli({"gen", "--out", file, "--dialect", "cur2", "--format", "parquet",
                       "--parquet-codec", "none", "--months", "1", "--target-size", "60M"})
                  .exit_code,
              0);
    bool truncated = false;
    const RunResult r = ingest_while_truncating(db, file, 0, truncated);
    ASSERT_TRUE(truncated) << "the ingest never mapped the file: " << r.err;
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(file + ": the file became shorter while it was being read"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(db));
    EXPECT_EQ(building_files_in(d.path()), std::vector<std::string>{});
}

}  // namespace CURCRUNCH_UNITY_ID
