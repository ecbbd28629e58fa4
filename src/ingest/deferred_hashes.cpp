#include "deferred_hashes.hpp"

#include "curcrunch/core/sha256.hpp"

namespace curcrunch::ingest {

DeferredHashes::DeferredHashes(StageStats* stats, bool hold)
    : hold_(hold), stats_(stats), thread_([this] { run(); }) {}

// Digests nobody waited for are not needed (the ingest stopped, or stored nothing): the files
// still queued are dropped.
DeferredHashes::~DeferredHashes() {
    {
        std::lock_guard<std::mutex> l(m_);
        queue_.clear();
    }
    close();
    if (thread_.joinable()) thread_.join();
}

void DeferredHashes::hash_file(const std::string& path) {
    {
        std::lock_guard<std::mutex> l(m_);
        queue_.push_back(path);
    }
    cv_.notify_one();
}

void DeferredHashes::close() {
    {
        std::lock_guard<std::mutex> l(m_);
        closed_ = true;
    }
    cv_.notify_one();
}

void DeferredHashes::release() {
    {
        std::lock_guard<std::mutex> l(m_);
        hold_ = false;
    }
    cv_.notify_one();
}

std::map<std::string, std::string> DeferredHashes::wait() {
    close();
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(error_);
    return std::move(digests_);
}

void DeferredHashes::run() {
    for (;;) {
        std::string path;
        {
            std::unique_lock<std::mutex> l(m_);
            cv_.wait(l, [this] { return closed_ || (!hold_ && !queue_.empty()); });
            if (queue_.empty()) return;
            path = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            StageTimer t(stats_, Stage::hash);
            std::string d = Sha256::of_file(path);
            std::lock_guard<std::mutex> l(m_);
            digests_[path] = std::move(d);
        } catch (...) {
            std::lock_guard<std::mutex> l(m_);
            if (!error_) error_ = std::current_exception();
        }
    }
}

}  // namespace curcrunch::ingest
