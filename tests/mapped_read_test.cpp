// read_mapped: a read of a mapping whose file was truncated under it returns false instead of
// ending the process with SIGBUS; a SIGBUS outside a guarded read still ends the process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>

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

}  // namespace CURCRUNCH_UNITY_ID
