#include "building_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "curcrunch/core/error.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {
namespace {

constexpr const char* kLockSuffix = ".lock";

int flock_retrying(int fd, int op) noexcept {
    int r;
    do {
        r = ::flock(fd, op);
    } while (r != 0 && errno == EINTR);
    return r;
}

BuildState state_of(const std::string& building) {
    FileDescriptor lock(::open((building + kLockSuffix).c_str(), O_RDONLY | O_CLOEXEC));
    if (lock.fd < 0) return BuildState::unknown;
    if (flock_retrying(lock.fd, LOCK_SH | LOCK_NB) != 0) return BuildState::running;
    return BuildState::stopped;
}

// Whether the file holds nothing but what a new store's schema puts there. Opened for writing,
// so that what a stopped process left half-committed is rolled back first; a file SQLite cannot
// read is not known to be empty.
bool holds_only_schema(const std::string& building) {
    try {
        Database db(building, Database::Mode::read_write_create);
        std::vector<std::string> tables;
        auto list = db.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'");
        while (list.step())
            tables.push_back(list.column_text(0));
        for (const std::string& t : tables) {
            // The migration's only row: the schema version.
            auto rows = db.prepare("SELECT EXISTS (SELECT 1 FROM \"" + t + "\"" +
                                   (t == "meta" ? " WHERE key <> 'schema_version'" : "") + ")");
            if (rows.step() && rows.column_int(0) != 0) return false;
        }
        return true;
    } catch (const Error&) {
        return false;
    }
}

}  // namespace

// Lock file first: a building file is never without its lock file while the lock is free, so
// no other process takes a build being claimed for a stopped one. The name is this process's own
// (its id), or the next free .N when a stopped process with this id (or this process, building
// another store at the same path) left it.
std::string claim_building_file(const std::string& path, FileDescriptor& lock) {
    const std::string base = path + ".new-" + std::to_string(::getpid());
    for (int n = 1;; ++n) {
        const std::string name = n == 1 ? base : base + "." + std::to_string(n);
        auto fail = [&](const std::string& what) {
            throw_store("cannot create the store " + path + ": cannot create " + what + " (" +
                        std::strerror(errno) + ")");
        };
        FileDescriptor held(
            ::open((name + kLockSuffix).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (held.fd < 0) {
            if (errno != EEXIST || n == 1000) fail(name + kLockSuffix);
            continue;
        }
        // Only a process removing a stopped build at this name holds it: try the next.
        if (flock_retrying(held.fd, LOCK_EX | LOCK_NB) != 0) continue;
        const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::close(fd);
            lock.fd = held.fd;
            held.fd = -1;
            return name;
        }
        const int err = errno;
        ::unlink((name + kLockSuffix).c_str());
        errno = err;
        if (errno != EEXIST || n == 1000) fail(name);
    }
}

void release_building_lock(const std::string& building, FileDescriptor& lock) noexcept {
    if (lock.fd < 0) return;
    try {
        ::unlink((building + kLockSuffix).c_str());
    } catch (...) {  // the name's allocation: the lock file stays, released
    }
    ::close(lock.fd);
    lock.fd = -1;
}

std::vector<FoundBuild> builds_of(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    const std::string prefix = p.filename().string() + ".new-";
    std::vector<FoundBuild> out;
    std::error_code ec;
    for (fs::directory_iterator it(p.has_parent_path() ? p.parent_path() : fs::path("."), ec), end;
         !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        // Not the journal, log or lock files beside a building file.
        if (name.compare(0, prefix.size(), prefix) != 0 ||
            name.find('-', prefix.size()) != name.npos || name.ends_with(kLockSuffix))
            continue;
        std::string full = p.has_parent_path() ? it->path().string() : name;
        const BuildState state = state_of(full);
        out.push_back({std::move(full), state});
    }
    return out;
}

// Removed with its lock held, the file before its lock file: while that lock file is there, no
// process claims the name (claim_building_file), so nothing new is removed by mistake.
std::vector<std::string> remove_stopped_builds(const std::string& path) {
    std::vector<std::string> removed;
    for (const FoundBuild& b : builds_of(path)) {
        if (b.state != BuildState::stopped) continue;
        FileDescriptor lock(::open((b.name + kLockSuffix).c_str(), O_RDWR | O_CLOEXEC));
        if (lock.fd < 0 || flock_retrying(lock.fd, LOCK_EX | LOCK_NB) != 0) continue;
        if (!holds_only_schema(b.name)) continue;
        remove_database_files(b.name);
        ::unlink((b.name + kLockSuffix).c_str());
        removed.push_back(b.name);
    }
    return removed;
}

}  // namespace curcrunch::store
