#include "curcrunch/store/early_flush.hpp"

#include <unistd.h>

#include <iterator>

#include "curcrunch/core/open_descriptors.hpp"

namespace curcrunch::store {

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
    // Found once, before the first wait (open_descriptors.hpp says why not one of its own).
    OpenDescriptor files[2];
    size_t n = 0;
    for (const std::string& p : paths) {
        if (n == std::size(files)) break;
        std::vector<OpenDescriptor> found;
        try {
            found = open_descriptors_of(p);
        } catch (const std::exception&) {
            return;  // no memory for the list: the commit syncs everything itself
        }
        if (!found.empty()) files[n++] = found.front();
    }
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
