#pragma once
// The workers that answer complete requests, fed through a bounded queue: when every worker is
// busy and the queue is full, a new request is refused at once (the gate answers 503) instead
// of waiting behind an unbounded backlog.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "client_connection.hpp"

namespace curcrunch::serve {

class WorkerPool {
  public:
    using Work = std::function<void(std::unique_ptr<ClientConnection>)>;

    WorkerPool(size_t workers, size_t queue, Work work);
    ~WorkerPool();  // stop()
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void start();
    // Takes `c` unless the queue is full (then `c` is left with the caller).
    bool try_push(std::unique_ptr<ClientConnection>& c);
    // Lets the running requests finish, closes the queued ones unanswered, joins the workers.
    void stop();

  private:
    void run();

    const size_t workers_, capacity_;
    const Work work_;
    std::mutex m_;
    std::condition_variable ready_;
    std::deque<std::unique_ptr<ClientConnection>> queue_;  // size() <= capacity_
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace curcrunch::serve
