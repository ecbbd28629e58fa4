#pragma once
// Makes what a long write puts in a store's files durable while the write goes on, so that the
// commit's own sync finds little left to do.
//
// A sync costs about as much as the data written since the last one: this disk took 32 ms to
// fdatasync 21 MB written in one go, and 0.5 ms when a thread had synced every 20 ms while
// they were written (sync_file_range, which only starts the writeback, left 26 ms). The store
// write of the bench's 1 GB file wrote its 21 MB at the commit and then waited 26 ms on
// fdatasync with both cores idle. The writer lets its pages reach the file as it goes (a small
// page cache, unit_replace.cpp), and this thread syncs them behind it.
//
// Extra syncs never weaken SQLite's promises: they make durable, earlier, bytes SQLite already
// wrote, and SQLite still makes its own syncs, in its own order. The thread waits on the disk,
// not on a core (its CPU time is the kernel's page submission), but it is a thread: an ingest
// with `--threads 1` runs without one (unit_replace.cpp).
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace curcrunch::store {

class EarlyFlush {
  public:
    using SyncFile = int (*)(int fd);  // fdatasync(2), or a test's stand-in

    // Syncs each of `paths` (at most two: a store's file and its -wal) that this process has
    // open when the thread starts, every `interval`, until destroyed, through the descriptor
    // SQLite opened (core/open_descriptors.hpp says why not one of its own). Without a thread or a
    // descriptor it does nothing: the commit then syncs everything, as it does anyway.
    EarlyFlush(std::vector<std::string> paths, std::chrono::milliseconds interval,
               SyncFile sync = ::fdatasync) noexcept;
    ~EarlyFlush();
    EarlyFlush(const EarlyFlush&) = delete;
    EarlyFlush& operator=(const EarlyFlush&) = delete;

  private:
    void run(const std::vector<std::string>& paths, std::chrono::milliseconds interval,
             SyncFile sync) noexcept;

    std::mutex m_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace curcrunch::store
