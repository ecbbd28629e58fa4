#include "worker_pool.hpp"

#include "curcrunch/core/log.hpp"

namespace curcrunch::serve {

WorkerPool::WorkerPool(size_t workers, size_t queue, Work work)
    : workers_(workers < 1 ? 1 : workers), capacity_(queue), work_(std::move(work)) {}

WorkerPool::~WorkerPool() {
    stop();
}

void WorkerPool::start() {
    for (size_t i = 0; i < workers_; ++i)
        threads_.emplace_back([this] { run(); });
}

bool WorkerPool::try_push(std::unique_ptr<ClientConnection>& c) {
    {
        std::lock_guard<std::mutex> l(m_);
        if (stopping_ || queue_.size() >= capacity_) return false;
        queue_.push_back(std::move(c));
    }
    ready_.notify_one();
    return true;
}

void WorkerPool::stop() {
    std::deque<std::unique_ptr<ClientConnection>> dropped;
    {
        std::lock_guard<std::mutex> l(m_);
        stopping_ = true;
        dropped.swap(queue_);
    }
    ready_.notify_all();
    for (auto& t : threads_)
        t.join();
    threads_.clear();
}

void WorkerPool::run() {
    for (;;) {
        std::unique_ptr<ClientConnection> c;
        {
            std::unique_lock<std::mutex> l(m_);
            ready_.wait(l, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            c = std::move(queue_.front());
            queue_.pop_front();
        }
        // A worker outlives every request: an escaped exception ends the connection, not it.
        try {
            work_(std::move(c));
        } catch (const std::exception& e) {
            log::error(std::string("serve: ") + e.what());
        } catch (...) {
            log::error("serve: unknown exception in a worker");
        }
    }
}

}  // namespace curcrunch::serve
