#pragma once
// Progress on stderr for interactive runs: bytes, rows, MB/s and ETA, redrawn in place. Silent
// when stderr is not a terminal (batch jobs, CI) or when disabled.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace curcrunch::ingest {

class Progress {
  public:
    Progress(uint64_t total_raw_bytes, bool enabled);
    ~Progress();
    void add_raw(uint64_t n) { raw_.fetch_add(n, std::memory_order_relaxed); }
    void add_rows(uint64_t n) { rows_.fetch_add(n, std::memory_order_relaxed); }
    void finish();

  private:
    void run();
    void draw(bool final);
    uint64_t total_;
    std::atomic<uint64_t> raw_{0}, rows_{0};
    bool enabled_;
    std::chrono::steady_clock::time_point start_;
    std::mutex m_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread t_;
};

}  // namespace curcrunch::ingest
