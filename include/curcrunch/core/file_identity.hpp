#pragma once
// Who a file on disk is: device, inode, size and modification time. A file whose identity equals
// the one seen when its sha256 was computed is taken to hold the same bytes (ingest/engine.hpp
// reuses such digests unless --verify). Written for C++17 too: sources that include qpdf
// compile as C++17 under clang (CMakeLists.txt) and see this header through the report layer.
#include <cstdint>
#include <string>

namespace curcrunch {

struct FileIdentity {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;  // 0: unknown (stat failed, or recorded before schema 10)
    bool known() const { return mtime_ns != 0; }
    // Written out rather than defaulted (C++17, above).
    bool operator==(const FileIdentity& o) const {
        return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns;
    }
    bool operator!=(const FileIdentity& o) const { return !(*this == o); }
};

// stat() of `path`; an unknown identity when it fails.
FileIdentity file_identity(const std::string& path);

}  // namespace curcrunch
