#include "row_pipe.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace curcrunch::report {
namespace {

using Batch = std::vector<CostRow>;

// Batches from the reader to the adder, at most kQueued waiting, their buffers reused.
class RowPipe {
  public:
    static constexpr size_t kBatch = 2048, kQueued = 4;
    struct Stopped {};  // unwinds the reader out of the scan when the adder has failed

    // The reader's next empty buffer; waits while kQueued full ones wait.
    Batch put(Batch full) {
        std::unique_lock lock(m_);
        changed_.wait(lock, [&] { return stopped_ || full_.size() < kQueued; });
        if (stopped_) throw Stopped{};
        full_.push_back(std::move(full));
        changed_.notify_all();
        return spare(lock);
    }
    Batch first_buffer() {
        std::unique_lock lock(m_);
        return spare(lock);
    }
    // The reader is done (`error` set when it failed).
    void close(std::exception_ptr error) {
        std::lock_guard lock(m_);
        closed_ = true;
        error_ = error;
        changed_.notify_all();
    }
    // Swaps the next full batch into `b` (its old buffer goes back for reuse); false at the
    // end, after rethrowing the reader's error.
    bool take(Batch& b) {
        std::unique_lock lock(m_);
        b.clear();
        if (b.capacity()) empty_.push_back(std::move(b));
        changed_.wait(lock, [&] { return !full_.empty() || closed_; });
        if (full_.empty()) {
            if (error_) std::rethrow_exception(error_);
            return false;
        }
        b = std::move(full_.front());
        full_.pop_front();
        changed_.notify_all();
        return true;
    }
    void stop() {
        std::lock_guard lock(m_);
        stopped_ = true;
        changed_.notify_all();
    }

  private:
    Batch spare(std::unique_lock<std::mutex>&) {
        Batch b;
        if (!empty_.empty()) {
            b = std::move(empty_.back());
            empty_.pop_back();
        }
        b.clear();
        b.reserve(kBatch);
        return b;
    }

    std::mutex m_;
    std::condition_variable changed_;
    std::deque<Batch> full_;
    std::vector<Batch> empty_;
    bool closed_ = false, stopped_ = false;
    std::exception_ptr error_;
};

// Stops and joins the reader on every way out of scan_alongside.
struct Reader {
    RowPipe& pipe;
    std::thread thread;
    ~Reader() {
        pipe.stop();
        thread.join();
    }
};

}  // namespace

void scan_alongside(const RowSource& src, Day from, Day to, bool filtered,
                    const std::function<void(const CostRow&)>& fn) {
    if (src.cube) {
        src.scan(from, to, filtered, fn);
        return;
    }
    RowPipe pipe;
    Reader reader{pipe, std::thread([&] {
                      std::exception_ptr error;
                      try {
                          Batch b = pipe.first_buffer();
                          src.scan(from, to, filtered, [&](const CostRow& r) {
                              b.push_back(r);
                              if (b.size() == RowPipe::kBatch) b = pipe.put(std::move(b));
                          });
                          if (!b.empty()) pipe.put(std::move(b));
                      } catch (const RowPipe::Stopped&) {
                      } catch (...) {
                          error = std::current_exception();
                      }
                      pipe.close(error);
                  })};
    Batch b;
    while (pipe.take(b))
        for (const CostRow& r : b)
            fn(r);
}

}  // namespace curcrunch::report
