#include "curcrunch/core/open_descriptors.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace curcrunch {

bool OpenDescriptor::unchanged() const {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

std::vector<OpenDescriptor> open_descriptors_of(const std::string& path) {
    std::vector<OpenDescriptor> out;
    struct stat want {};
    if (::stat(path.c_str(), &want) != 0) return out;
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/proc/self/fd"), ::closedir);
    if (!dir) return out;
    while (const dirent* e = ::readdir(dir.get())) {
        char* end = nullptr;
        const long fd = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0' || fd == ::dirfd(dir.get())) continue;
        struct stat st {};
        if (::fstat(static_cast<int>(fd), &st) == 0 && st.st_dev == want.st_dev &&
            st.st_ino == want.st_ino)
            out.push_back(OpenDescriptor{static_cast<int>(fd), st.st_dev, st.st_ino});
    }
    std::sort(out.begin(), out.end(),
              [](const OpenDescriptor& a, const OpenDescriptor& b) { return a.fd < b.fd; });
    return out;
}

}  // namespace curcrunch
