#pragma once
// An open file descriptor, closed when it goes out of scope (a read-only helper's lifetime:
// nothing written through it needs its close() checked).
#include <unistd.h>

namespace curcrunch {

struct FileDescriptor {
    int fd = -1;

    FileDescriptor() = default;
    explicit FileDescriptor(int f) : fd(f) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace curcrunch
