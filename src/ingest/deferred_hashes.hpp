#pragma once
// File digests that finish after the parse (engine-internal): a Parquet file, and a CSV file
// likely in the page cache (compressed or not), are hashed by a thread of its own that re-reads
// it, beside the scan and then the merge and store write, instead of in a serial stage of the
// scan. SHA-256 is serial per file and runs on one core at about 1.4 GB/s with SHA-NI, about
// as slow as the whole parse of a CSV file on one core: done in the scan's serial stage it
// finishes with the scan, and the merge and the single-threaded store write that follow leave a
// core idle.
//
// A file whose hash costs much less than its parse (Parquet: compressed columns) may wait
// (`may_wait`): when the scan has every core, it is hashed after the scan, in the idle core of
// the merge and store write, or from the moment the scan's last file leaves a thread idle
// (release()). A file whose hash costs about as much as its parse (plain CSV) cannot fit in that
// tail: it is hashed at once, a third thread sharing the cores with the scan, so that it is
// still running when the store write starts and fills the core the write leaves idle.
//
// An ingest limited to one thread (--threads 1, or a machine with one core) starts no hasher
// thread: it computes the digests queued here itself, in wait(), which the store write calls
// once the rollups are written, before its commit. (Engine::process_csv queues no CSV file
// then: that one thread hashes it as it is read.)
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {

class DeferredHashes {
  public:
    // `hold`: queued files that may wait are hashed only once close() or release() says so.
    // `own_thread` false: no thread is started, and wait() hashes every queued file.
    DeferredHashes(StageStats* stats, bool hold, bool own_thread);
    ~DeferredHashes();
    DeferredHashes(const DeferredHashes&) = delete;
    DeferredHashes& operator=(const DeferredHashes&) = delete;

    // Queues the file at `path` for hashing; `may_wait`: see above. `read`: the file's identity
    // when it was parsed; when known, the digest is refused if the file changed since
    // (Sha256::of_unchanged_file), since it would not be of the bytes parsed.
    void hash_file(const std::string& path, const FileIdentity& read, bool may_wait);
    // No more files will be queued.
    void close();
    // Queued files may be hashed now, before close(): the scan has a thread to spare.
    void release();
    // Waits for every digest; rethrows the first failure. Returns path -> hex digest.
    std::map<std::string, std::string> wait();

  private:
    struct Queued {
        std::string path;
        FileIdentity read;
        bool may_wait = false;
    };
    void run();
    void hash_one(const Queued& q);
    // The first queued file that may be hashed now, or queue_.end(). Called under m_.
    std::deque<Queued>::iterator next_ready();

    std::mutex m_;
    std::condition_variable cv_;
    std::deque<Queued> queue_;
    bool closed_ = false;
    bool hold_;
    std::map<std::string, std::string> digests_;
    std::exception_ptr error_;
    StageStats* stats_;
    std::thread thread_;  // last: starts after the members above exist
};

}  // namespace curcrunch::ingest
