// EarlyFlush syncs a file this process has open, through the descriptor it already has, until
// it is destroyed; it opens no descriptor of its own (closing one would drop the process's
// POSIX locks on the file, SQLite's among them), and leaves alone a file the process has not
// open. The sync is a stand-in that records what it is given.
#include "curcrunch/store/early_flush.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "curcrunch/core/file_descriptor.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using std::chrono::milliseconds;

namespace {

std::atomic<int> g_syncs{0};
std::atomic<int> g_last_fd{-1};

int counting_sync(int fd) {
    g_last_fd = fd;
    ++g_syncs;
    return 0;
}

// The descriptors this process has open.
int open_descriptors() {
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (::readdir(d))
            ++n;
        ::closedir(d);
    }
    return n;
}

// Waits up to 10 s for at least `n` syncs; the thread syncs every millisecond.
bool synced_at_least(int n) {
    for (int i = 0; i < 10000 && g_syncs.load() < n; ++i)
        std::this_thread::sleep_for(milliseconds(1));
    return g_syncs.load() >= n;
}

}  // namespace

TEST(EarlyFlush, SyncsTheFileThroughTheProcesssOwnDescriptorUntilDestroyed) {
    TempDir d;
    const std::string path = d / "store.db";
    write_file(path, "pages");
    const FileDescriptor own(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    ASSERT_GE(own.fd, 0);
    g_syncs = 0;
    g_last_fd = -1;
    const int before = open_descriptors();
    {
        const store::EarlyFlush flush({path, path + "-wal"}, milliseconds(1), counting_sync);
        ASSERT_TRUE(synced_at_least(3));
        EXPECT_EQ(g_last_fd.load(), own.fd);  // the -wal does not exist: only the file's
    }
    const int after_stop = g_syncs.load();
    std::this_thread::sleep_for(milliseconds(20));
    EXPECT_EQ(g_syncs.load(), after_stop);  // stopped with its destructor
    EXPECT_EQ(open_descriptors(), before);
}

TEST(EarlyFlush, LeavesAFileTheProcessHasNotOpenAlone) {
    TempDir d;
    const std::string path = d / "elsewhere.db";
    write_file(path, "pages");
    g_syncs = 0;
    {
        const store::EarlyFlush flush({path}, milliseconds(1), counting_sync);
        std::this_thread::sleep_for(milliseconds(30));
    }
    EXPECT_EQ(g_syncs.load(), 0);
}

// A descriptor closed and reused for another file while the thread runs is not synced.
TEST(EarlyFlush, SkipsADescriptorNowOpenOnAnotherFile) {
    TempDir d;
    const std::string path = d / "store.db", other = d / "other";
    write_file(path, "pages");
    write_file(other, "x");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    g_syncs = 0;
    {
        const store::EarlyFlush flush({path}, milliseconds(1), counting_sync);
        ASSERT_TRUE(synced_at_least(1));
        // The same number, now another file's.
        const int other_fd = ::open(other.c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(other_fd, 0);
        ASSERT_EQ(::dup2(other_fd, fd), fd);
        ::close(other_fd);
        std::this_thread::sleep_for(milliseconds(5));  // a sync begun before the dup2 ends
        const int then = g_syncs.load();
        std::this_thread::sleep_for(milliseconds(30));
        EXPECT_EQ(g_syncs.load(), then);
    }
    ::close(fd);
}

}  // namespace CURCRUNCH_UNITY_ID
