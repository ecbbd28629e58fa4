#include "curcrunch/core/memory_limit.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>

namespace curcrunch {
namespace {

// A limit file's number; kNoMemoryLimit for "max", anything unreadable or not a number, and
// v1's "unlimited" (PAGE_COUNTER_MAX pages, just under 2^63 bytes: anything from 2^62 up is
// more than any machine has, so it is no limit either).
uint64_t read_limit_file(const std::string& path) {
    std::ifstream in(path);
    std::string text;
    if (!in || !std::getline(in, text)) return kNoMemoryLimit;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    if (text.empty() || text.size() > 20) return kNoMemoryLimit;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return kNoMemoryLimit;  // "max", or not a limit file
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return kNoMemoryLimit;
        v = v * 10 + d;
    }
    return v >= (uint64_t(1) << 62) ? kNoMemoryLimit : v;
}

// The lowest limit in `file` of the group at `path` (absolute within the hierarchy mounted at
// `mount`) and of every group above it: a parent's limit caps all of its children.
uint64_t lowest_on_path(const std::string& mount, std::string path, const char* file) {
    uint64_t lowest = kNoMemoryLimit;
    for (;;) {
        while (path.size() > 1 && path.back() == '/')
            path.pop_back();
        const std::string dir = path == "/" || path.empty() ? mount : mount + path;
        lowest = std::min(lowest, read_limit_file(dir + "/" + file));
        if (path.empty() || path == "/") return lowest;
        const size_t slash = path.rfind('/');
        path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    }
}

// Whether a v1 line's controller list ("cpu,memory") names the memory controller.
bool names_memory(std::string_view controllers) {
    while (!controllers.empty()) {
        const size_t comma = controllers.find(',');
        if (controllers.substr(0, comma) == "memory") return true;
        if (comma == std::string_view::npos) break;
        controllers.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

uint64_t cgroup_memory_limit(const std::string& proc_self_cgroup, const std::string& cgroup_root) {
    uint64_t lowest = kNoMemoryLimit;
    std::istringstream lines(proc_self_cgroup);
    std::string line;
    // Each line is "hierarchy-id:controllers:path"; the path may itself hold ':'.
    while (std::getline(lines, line)) {
        const size_t a = line.find(':');
        if (a == std::string::npos) continue;
        const size_t b = line.find(':', a + 1);
        if (b == std::string::npos) continue;
        const std::string_view id = std::string_view(line).substr(0, a);
        const std::string_view controllers = std::string_view(line).substr(a + 1, b - a - 1);
        const std::string path = line.substr(b + 1);
        if (path.empty() || path[0] != '/') continue;
        if (id == "0" && controllers.empty())  // v2, the unified hierarchy
            lowest = std::min(lowest, lowest_on_path(cgroup_root, path, "memory.max"));
        else if (names_memory(controllers))  // v1
            lowest = std::min(
                lowest, lowest_on_path(cgroup_root + "/memory", path, "memory.limit_in_bytes"));
    }
    return lowest;
}

uint64_t usable_memory_bytes() {
    uint64_t physical = kNoMemoryLimit;
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page > 0 &&
        static_cast<uint64_t>(pages) <= kNoMemoryLimit / static_cast<uint64_t>(page))
        physical = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
    std::ifstream in("/proc/self/cgroup");
    std::stringstream text;
    if (in) text << in.rdbuf();
    return std::min(physical, cgroup_memory_limit(text.str(), "/sys/fs/cgroup"));
}

std::string memory_size_text(uint64_t bytes) {
    constexpr uint64_t kMiB = uint64_t(1) << 20, kGiB = uint64_t(1) << 30;
    if (bytes < kMiB) return std::to_string(bytes / 1024) + " KiB";
    if (bytes < kGiB) return std::to_string(bytes / kMiB) + " MiB";
    const uint64_t tenths = bytes / kGiB * 10 + bytes % kGiB * 10 / kGiB;  // no overflow
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " GiB";
}

}  // namespace curcrunch
