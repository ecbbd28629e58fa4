#include "curcrunch/ingest/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace curcrunch::ingest {

Progress::Progress(uint64_t total, bool enabled)
    : total_(total),
      enabled_(enabled && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {
    if (enabled_) t_ = std::thread([this] { run(); });
}

Progress::~Progress() {
    finish();
}

void Progress::finish() {
    if (!t_.joinable()) return;
    {
        std::lock_guard<std::mutex> l(m_);
        stop_ = true;
    }
    cv_.notify_all();
    t_.join();
    draw(true);
}

void Progress::run() {
    std::unique_lock<std::mutex> l(m_);
    while (!cv_.wait_for(l, std::chrono::milliseconds(250), [this] { return stop_; }))
        draw(false);
}

void Progress::draw(bool final) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    uint64_t done = raw_.load(), rows = rows_.load();
    double mbs = secs > 0 ? static_cast<double>(done) / 1e6 / secs : 0;
    double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 0;
    if (frac > 1) frac = 1;
    int width = 30, filled = static_cast<int>(frac * width);
    char bar[64];
    for (int i = 0; i < width; ++i)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = 0;
    double eta = (mbs > 0 && total_ > done) ? static_cast<double>(total_ - done) / 1e6 / mbs : 0;
    std::fprintf(stderr, "\r[%s] %5.1f%%  %8.1f MB  %11llu rows  %7.1f MB/s  ETA %4.0fs%s", bar,
                 frac * 100, static_cast<double>(done) / 1e6, static_cast<unsigned long long>(rows),
                 mbs, eta, final ? "\n" : "");
    std::fflush(stderr);
}

}  // namespace curcrunch::ingest
