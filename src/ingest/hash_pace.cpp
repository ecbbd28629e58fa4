#include "curcrunch/ingest/hash_pace.hpp"

#include <algorithm>
#include <cmath>

namespace curcrunch::ingest {

void HashPace::parsed(uint64_t bytes) {
    const uint64_t now = parsed_.fetch_add(bytes) + bytes;
    if (now >= wake_at_.load()) wake();
}

void HashPace::finish() {
    done_.store(true);
    wake();
}

void HashPace::wake() {
    // Under the mutex: a waiter between its last check and its wait holds it, so the
    // notification cannot fall between the two.
    const std::lock_guard<std::mutex> l(m_);
    cv_.notify_all();
}

void HashPace::hashed(uint64_t bytes, uint64_t ns) {
    timed_ns_.fetch_add(ns, std::memory_order_relaxed);
    timed_bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

double HashPace::bytes_per_row() const {
    const uint64_t bytes = timed_bytes_.load(std::memory_order_relaxed);
    const uint64_t ns = timed_ns_.load(std::memory_order_relaxed);
    if (bytes < kMinTimedBytes || ns == 0) return static_cast<double>(kHashBytesPerStoredRow);
    return kHashNsPerStoredRow * static_cast<double>(bytes) / static_cast<double>(ns);
}

// In floating point: this is a schedule, not data, and rounding moves the bound by a few bytes
// at most.
double HashPace::held() const {
    if (size_ == 0) return 0;
    return std::min(kMaxHeldBack, static_cast<double>(stored_rows_->load()) * bytes_per_row() /
                                      static_cast<double>(size_));
}

uint64_t HashPace::allowed() const {
    if (done_.load()) return UINT64_MAX;
    return static_cast<uint64_t>(static_cast<double>(parsed_.load()) * (1.0 - held()));
}

uint64_t HashPace::head_end() const {
    return size_ - static_cast<uint64_t>(static_cast<double>(size_) * held());
}

void HashPace::wait_for(uint64_t end, const std::atomic<bool>& stop) {
    if (end <= allowed()) return;
    end += kBurst;  // a hasher that has to wait, waits for a run of windows (hash_pace.hpp)
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
        // The bytes the parse must reach for `end` at today's share (rows only grow, so the
        // share may grow meanwhile: a waiter woken too early checks again).
        wake_at_.store(static_cast<uint64_t>(std::ceil(static_cast<double>(end) / (1.0 - held()))));
        if (end <= allowed() || stop.load()) break;
        cv_.wait_for(l, kStopCheck);
    }
    wake_at_.store(UINT64_MAX);
}

}  // namespace curcrunch::ingest
