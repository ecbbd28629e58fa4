#include "curcrunch/store/early_flush.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

namespace curcrunch::store {
namespace early_flush {

// A descriptor of this process open on a file, with the file it was open on when found.
struct OpenFile {
    int fd;
    dev_t dev;
    ino_t ino;

    // Still open on that file: a descriptor closed by its owner and reused for another file
    // is left alone (a sync of another file would only cost time).
    bool unchanged() const {
        struct stat st {};
        return ::fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
    }
};

// A descriptor this process already has open on `path`'s file (SQLite's), looked up in
// /proc/self/fd. Not one of its own: closing any descriptor of a file drops every POSIX lock
// the process holds on that file (fcntl(2)), SQLite's locks on the store among them, so this
// thread never opens, and so never closes, a descriptor of the store.
bool descriptor_of(const std::string& path, OpenFile& out) {
    struct stat want {};
    if (::stat(path.c_str(), &want) != 0) return false;
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/proc/self/fd"), ::closedir);
    if (!dir) return false;
    while (const dirent* e = ::readdir(dir.get())) {
        char* end = nullptr;
        const long fd = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0' || fd == ::dirfd(dir.get())) continue;
        struct stat st {};
        if (::fstat(static_cast<int>(fd), &st) == 0 && st.st_dev == want.st_dev &&
            st.st_ino == want.st_ino) {
            out = OpenFile{static_cast<int>(fd), st.st_dev, st.st_ino};
            return true;
        }
    }
    return false;
}

}  // namespace early_flush

EarlyFlush::EarlyFlush(std::vector<std::string> paths, std::chrono::milliseconds interval,
                       SyncFile sync) noexcept {
    try {
        thread_ = std::thread(
            [this, paths = std::move(paths), interval, sync] { run(paths, interval, sync); });
    } catch (const std::exception&) {
        // No thread (or no memory for its paths): the commit syncs everything itself.
    }
}

EarlyFlush::~EarlyFlush() {
    {
        std::lock_guard<std::mutex> l(m_);
        stop_ = true;
    }
    wake_.notify_all();
    // join() throws only for a thread that is not joinable or is this one, neither of which
    // can be the case here; caught all the same, since a destructor must not throw.
    try {
        if (thread_.joinable()) thread_.join();
    } catch (...) {
    }
}

void EarlyFlush::run(const std::vector<std::string>& paths, std::chrono::milliseconds interval,
                     SyncFile sync) noexcept {
    early_flush::OpenFile files[2];
    size_t n = 0;
    for (const std::string& p : paths)
        if (n < std::size(files) && early_flush::descriptor_of(p, files[n])) ++n;
    std::unique_lock<std::mutex> l(m_);
    while (!wake_.wait_for(l, interval, [this] { return stop_; })) {
        l.unlock();
        // A failed sync is not this thread's to report: the commit's own sync meets the same
        // disk and fails the transaction if it must.
        for (size_t i = 0; i < n; ++i)
            if (files[i].unchanged()) sync(files[i].fd);
        l.lock();
    }
}

}  // namespace curcrunch::store
