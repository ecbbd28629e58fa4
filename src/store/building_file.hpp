#pragma once
// The file a new store is built in (Store::create): PATH.new-PID, or PATH.new-PID.N when that is
// taken, beside PATH. Next to it, for as long as the build runs, is its lock file, the same name
// and ".lock", which the building process holds (flock) and removes with it.
//
// A process killed while it builds leaves both behind. The lock is what tells such a file from
// a build still running: the kernel releases it with the process, whichever way it ends. The
// next process that creates the store removes a stopped build's files when the file holds
// nothing but the schema (the ingest or fetch that made it stopped before anything was
// committed, the usual case); one that holds data is kept, as is a file without a lock file (a
// build by a curcrunch from before the lock files, or the file a run kept when it could not take
// its name: it says so, and removes its lock).
//
// The lock is a file of its own rather than a lock on the store's file: closing any descriptor of
// a file drops every POSIX lock the process holds on it, SQLite's among them, and on a network
// file system flock(2) is emulated with such locks.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/file_descriptor.hpp"

namespace curcrunch::store {

// Creates a building file's lock file and then the file (empty: an empty SQLite database), each
// exclusively, and holds the lock in `lock`. Returns the file's name.
std::string claim_building_file(const std::string& path, FileDescriptor& lock);
// Removes the lock file of `building` and releases the lock.
void release_building_lock(const std::string& building, FileDescriptor& lock) noexcept;

enum class BuildState {
    running,  // its lock is held
    stopped,  // its lock file is there and free: the process that held it ended
    unknown,  // no lock file
};
struct FoundBuild {
    std::string name;
    BuildState state;
};
// The building files beside `path`, in directory order.
std::vector<FoundBuild> builds_of(const std::string& path);
// Removes the stopped builds of `path` that hold nothing but the schema; returns their names.
std::vector<std::string> remove_stopped_builds(const std::string& path);

}  // namespace curcrunch::store
