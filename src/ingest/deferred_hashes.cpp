#include "deferred_hashes.hpp"

#include <algorithm>
#include <system_error>

#include "curcrunch/core/sha256.hpp"

namespace curcrunch::ingest {

// The first thread starts here, before the parse's threads do, as the one hasher thread always
// did, so that a single-file ingest runs as it did before there were more. (Started by a lane
// when the first file is queued, it measured 1.012x-1.028x slower in three sets of 21
// interleaved runs, within the 0.96x that two copies of one binary measured against each other.)
DeferredHashes::DeferredHashes(StageStats* stats, bool hold, size_t max_threads)
    : hold_(hold), stats_(stats), max_threads_(std::min(max_threads, kMaxHasherThreads)) {
    std::lock_guard<std::mutex> l(m_);
    start_thread();
}

// Digests nobody waited for are not needed (the ingest stopped, or stored nothing): the files
// still queued are dropped.
DeferredHashes::~DeferredHashes() {
    {
        std::lock_guard<std::mutex> l(m_);
        queue_.clear();
    }
    close();
    for (std::thread& t : threads_)
        if (t.joinable()) t.join();
}

void DeferredHashes::hash_file(const std::string& path, const FileIdentity& read, bool may_wait) {
    queue(Queued{path, read, may_wait, nullptr, std::nullopt, 0});
}

void DeferredHashes::hash_file_rest(const std::string& path, const FileIdentity& read, Sha256 head,
                                    uint64_t from, std::shared_ptr<HashPace> pace) {
    queue(Queued{path, read, false, std::move(pace), std::move(head), from});
}

void DeferredHashes::queue(Queued q) {
    {
        std::lock_guard<std::mutex> l(m_);
        queue_.push_back(std::move(q));
        ++files_;
        start_thread();
    }
    cv_.notify_one();
}

// A thread that cannot start (the process is out of threads) leaves its files to the threads
// already running, or to wait() when there are none: digests are late, never lost.
void DeferredHashes::start_thread() {
    if (threads_.size() >= max_threads_ || threads_.size() >= std::max<size_t>(1, files_)) return;
    try {
        threads_.emplace_back([this] { run(); });
    } catch (const std::system_error&) {
    }
    if (stats_) stats_->note_hash_threads(threads_.size());
}

void DeferredHashes::close() {
    unpaced_.store(true, std::memory_order_release);
    {
        std::lock_guard<std::mutex> l(m_);
        closed_ = true;
    }
    cv_.notify_all();
}

void DeferredHashes::release() {
    {
        std::lock_guard<std::mutex> l(m_);
        hold_ = false;
    }
    cv_.notify_all();
}

std::map<std::string, std::string> DeferredHashes::wait() {
    close();
    for (std::thread& t : threads_)
        t.join();
    threads_.clear();
    run();  // what no thread took (none started): the caller hashes it
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

void DeferredHashes::hash_one(Queued& q) {
    try {
        StageTimer t(stats_, Stage::hash);
        HashPace* pace = q.pace.get();
        const Sha256::Pace keep_behind = [this, pace](uint64_t end) {
            pace->wait_for(end, unpaced_);
        };
        const Sha256::Pace paced = pace ? keep_behind : Sha256::Pace();
        // A file's rest always comes with the identity it was parsed with (StreamDigest).
        std::string d = q.head ? Sha256::of_unchanged_file_rest(q.path, q.read, std::move(*q.head),
                                                                q.from, paced)
                        : q.read.known() ? Sha256::of_unchanged_file(q.path, q.read, paced)
                                         : Sha256::of_file(q.path);
        std::lock_guard<std::mutex> l(m_);
        digests_[q.path] = std::move(d);
    } catch (...) {
        std::lock_guard<std::mutex> l(m_);
        if (!error_) error_ = std::current_exception();
    }
}

}  // namespace curcrunch::ingest
