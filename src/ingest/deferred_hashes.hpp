#pragma once
// File digests that finish after the parse (engine-internal): a Parquet file is hashed by a
// thread of its own that re-reads it, alongside the scan and then the merge and store write,
// instead of in the serial read stage (SHA-256 runs at ~1.9 GB/s, slower than the scan). When
// the scan has every core, the thread waits for the scan's end and hashes during the merge and
// the store write, which leave a core idle, instead of taking CPU from the scan; or from the
// moment the scan's last file leaves a thread idle (release()).
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {

class DeferredHashes {
  public:
    // `hold`: queued files are hashed only once close() says no more will come.
    DeferredHashes(StageStats* stats, bool hold);
    ~DeferredHashes();
    DeferredHashes(const DeferredHashes&) = delete;
    DeferredHashes& operator=(const DeferredHashes&) = delete;

    // Queues the file at `path` for hashing.
    void hash_file(const std::string& path);
    // No more files will be queued.
    void close();
    // Queued files may be hashed now, before close(): the scan has a thread to spare.
    void release();
    // Waits for every digest; rethrows the first failure. Returns path -> hex digest.
    std::map<std::string, std::string> wait();

  private:
    void run();

    std::mutex m_;
    std::condition_variable cv_;
    std::deque<std::string> queue_;
    bool closed_ = false;
    bool hold_;
    std::map<std::string, std::string> digests_;
    std::exception_ptr error_;
    StageStats* stats_;
    std::thread thread_;  // last: starts after the members above exist
};

}  // namespace curcrunch::ingest
