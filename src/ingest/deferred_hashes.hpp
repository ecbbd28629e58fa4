#pragma once
// File digests that finish after the parse (engine-internal): a Parquet file, and a CSV file
// likely in the page cache (compressed or not), are hashed by hasher threads that re-read it,
// beside the scan and then the merge and store write, instead of in a serial stage of the
// scan. SHA-256 is serial per file and runs on one core at about 1.85 GB/s with SHA-NI, about
// as fast as the whole parse of a CSV file on one core: done in the scan's serial stage it
// finishes with the scan, and the merge and the single-threaded store write that follow leave a
// core idle.
//
// One file is hashed by one thread, but different files by different threads: each queued file
// starts a thread of its own until there are `max_threads` (half the parse's threads, at most
// kMaxHasherThreads), and a thread that finishes a file takes the next one queued. With one
// hasher thread for every file, a big machine ingesting many cached files would wait on that
// one core: twelve 1 GB files take 12 x 0.54 s of serial hashing while 16 cores parse them in
// under a second. A plain CSV file's digest costs about as much CPU as its parse; with half as
// many hashers as parse threads, the hashers have a third of the cores while the parse runs and
// every core it leaves after. Two cores keep one hasher: a second one, on four files of 256 MB,
// was 1.016x slower (15 interleaved runs), as the two cores are already busy. A single file's
// digest stays one serial chain: that bound is SHA-256's, and `--stats` shows it.
//
// A file whose hash costs much less than its parse (Parquet: compressed columns) may wait
// (`may_wait`): when the scan has every core, it is hashed after the scan, in the idle core of
// the merge and store write, or from the moment the scan's last file leaves a thread idle
// (release()). A file whose hash costs about as much as its parse (plain CSV) cannot fit in that
// tail: it is hashed from the start, by threads sharing the cores with the scan, but kept behind
// the parse (`pace`, hash_pace.hpp) so that the part of it the store write's rows call for is
// still to do when the write starts, and fills the core the write leaves idle. The run's last
// plain file comes here only for that part (hash_file_rest): its parse hashed the rest, its
// head, as it went (stream_digest.hpp).
//
// An ingest limited to one thread (--threads 1, or a machine with one core) starts no hasher
// thread (`max_threads` 0): it computes the digests queued here itself, in wait(), which the
// store write calls once the rollups are written, before its commit. (Engine::process_csv queues
// no CSV file then: that one thread hashes it as it is read.)
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/hash_pace.hpp"
#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {

// Hasher threads that one ingest may start: each maps a 16 MiB window of its file at a time
// (core/sha256.cpp), so this bounds their resident pages at 256 MiB; sixteen SHA-NI streams
// read about 30 GB/s, more than a machine's page cache usually serves.
constexpr size_t kMaxHasherThreads = 16;

class DeferredHashes {
  public:
    // `hold`: queued files that may wait are hashed only once close() or release() says so.
    // `max_threads`: at most this many hasher threads (capped at kMaxHasherThreads), one started
    // per queued file; 0: none, and wait() hashes every queued file on the caller's thread.
    DeferredHashes(StageStats* stats, bool hold, size_t max_threads);
    ~DeferredHashes();
    DeferredHashes(const DeferredHashes&) = delete;
    DeferredHashes& operator=(const DeferredHashes&) = delete;

    // Queues the file at `path` for hashing; `may_wait`: see above. `read`: the file's identity
    // when it was parsed; when known, the digest is refused if the file changed since
    // (Sha256::of_unchanged_file), since it would not be of the bytes parsed.
    void hash_file(const std::string& path, const FileIdentity& read, bool may_wait);
    // Queues the rest of a file whose first `from` bytes `head` hashed (from: a multiple of
    // Sha256::kRestAlign), kept behind its parse by `pace` (hash_pace.hpp) until close(): the
    // digest is the whole file's.
    void hash_file_rest(const std::string& path, const FileIdentity& read, Sha256 head,
                        uint64_t from, std::shared_ptr<HashPace> pace);
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
        std::shared_ptr<HashPace> pace;
        std::optional<Sha256> head;  // the first `from` bytes' digest, when not from the start
        uint64_t from = 0;
    };
    void queue(Queued q);
    void run();
    void hash_one(Queued& q);
    // The first queued file that may be hashed now, or queue_.end(). Called under m_.
    std::deque<Queued>::iterator next_ready();

    // Starts one more thread while files outnumber threads and the cap allows. Called under m_.
    void start_thread();

    std::mutex m_;
    std::condition_variable cv_;
    std::deque<Queued> queue_;
    bool closed_ = false;
    // Set by close(): no parse is left to keep behind (all ended, or the ingest stopped), so
    // no digest waits on one any more. Read without the mutex, by a pacing hasher.
    std::atomic<bool> unpaced_{false};
    bool hold_;
    std::map<std::string, std::string> digests_;
    std::exception_ptr error_;
    StageStats* stats_;
    const size_t max_threads_;
    size_t files_ = 0;                  // queued since the start, hashed or not
    std::vector<std::thread> threads_;  // last: they start after the members above exist
};

}  // namespace curcrunch::ingest
