#pragma once
// The descriptors this process already has open on a file, such as the ones SQLite keeps to
// itself: advice (posix_fadvise) belongs to an open file, and a sync through one of these needs
// no descriptor of one's own, whose close would drop every POSIX lock this process holds on the
// file (fcntl(2)), SQLite's locks among them.
#include <sys/types.h>

#include <string>
#include <vector>

namespace curcrunch {

struct OpenDescriptor {
    int fd;
    dev_t dev;  // the file it was open on when found
    ino_t ino;

    // Still open on that file: a descriptor closed by its owner may since name another.
    bool unchanged() const;
};

// Those of /proc/self/fd open on `path`'s file (same device and inode), lowest first; none when
// the file or /proc cannot be read.
std::vector<OpenDescriptor> open_descriptors_of(const std::string& path);

}  // namespace curcrunch
