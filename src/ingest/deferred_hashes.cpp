#include "deferred_hashes.hpp"

#include <algorithm>

#include "curcrunch/core/sha256.hpp"

namespace curcrunch::ingest {

DeferredHashes::DeferredHashes(StageStats* stats, bool hold, bool own_thread)
    : hold_(hold), stats_(stats) {
    if (own_thread) thread_ = std::thread([this] { run(); });
}

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

void DeferredHashes::hash_file(const std::string& path, const FileIdentity& read, bool may_wait) {
    {
        std::lock_guard<std::mutex> l(m_);
        queue_.push_back(Queued{path, read, may_wait});
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
    if (thread_.joinable())
        thread_.join();
    else
        run();  // no thread of its own: the caller hashes what is queued
    if (error_) std::rethrow_exception(error_);
    return std::move(digests_);
}

std::deque<DeferredHashes::Queued>::iterator DeferredHashes::next_ready() {
    if (closed_ || !hold_) return queue_.begin();
    return std::find_if(queue_.begin(), queue_.end(), [](const Queued& q) { return !q.may_wait; });
}

void DeferredHashes::run() {
    for (;;) {
        Queued q;
        {
            std::unique_lock<std::mutex> l(m_);
            cv_.wait(l, [this] { return closed_ || next_ready() != queue_.end(); });
            auto it = next_ready();
            if (it == queue_.end()) return;
            q = std::move(*it);
            queue_.erase(it);
        }
        hash_one(q);
    }
}

void DeferredHashes::hash_one(const Queued& q) {
    try {
        StageTimer t(stats_, Stage::hash);
        std::string d =
            q.read.known() ? Sha256::of_unchanged_file(q.path, q.read) : Sha256::of_file(q.path);
        std::lock_guard<std::mutex> l(m_);
        digests_[q.path] = std::move(d);
    } catch (...) {
        std::lock_guard<std::mutex> l(m_);
        if (!error_) error_ = std::current_exception();
    }
}

}  // namespace curcrunch::ingest
