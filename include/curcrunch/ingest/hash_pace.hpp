#pragma once
// How far a plain CSV file's digest may run ahead of the file's parse. The hasher thread that
// re-reads a cached plain file (src/ingest/deferred_hashes.hpp) keeps behind the parse, so that
// what is left of the digest when the parse ends runs beside the store write instead of beside
// the parse. (The engine's own type; here so that its tests can reach it.)
//
// The run's last plain file is now hashed by its own parse up to head_end(), the start of the
// held-back share, and only the rest by the hasher thread, kept behind the parse as below
// (src/ingest/stream_digest.hpp): on the bench's 1 GB file 0.939x and 0.940x the wall time of
// the whole file re-read by the hasher (21 interleaved runs each, both orders), 0.937x the CPU,
// when the kernel's work for the hasher's mapping was dear (0.99x when it was cheap); on the
// 2.8 GB CUR 2.0 file 0.958x (11 runs each, both orders). Extrapolating the rows the whole file
// will make, to leave a larger rest, measured 1.003x.
//
// Why: SHA-256 and the store write are both serial. A hasher that takes its full share of the
// cores while the parse runs finishes about with the parse (on two cores, three threads share
// them, and a hasher placed alone on a core has all of it), and the single-threaded store
// write after that leaves a core idle. The digest's work is the same either way; held back,
// its share goes to the parse and the idle core gets the rest. On the bench's 1 GB plain file
// (two cores; 160,505 rollup rows, store write 0.23 s, digest 0.66-0.73 s), a hasher held to a
// fixed fraction of the bytes parsed measured, against none (21 interleaved whole-process runs
// each, one order): 0.65 -> 0.994x the wall time, 0.75 -> 0.962x, 0.8 -> 0.947x (31 runs in
// the other order: 0.979x), 0.85 -> 0.949x, 0.92 -> 0.993x. Held back too far, the digest
// outlasts the store write (at 0.65 the parse took 0.75-0.78 s instead of 0.82-0.88 s, but the
// write waited for the digest: 0.33-0.36 s instead of 0.25-0.27 s). (These runs polled; see
// below.)
//
// The store write's length follows its rows (the shared rollup's groups, about 1.4 us each on
// that host), not the file's size, so the part of the digest left for it does too: the digest
// may read up to parsed x (1 - held), held = rows x kHashBytesPerStoredRow / file size, the
// rows as of now, at most kMaxHeldBack. So kHashBytesPerStoredRow bytes of digest are left per
// row when the parse ends. With the whole file re-read by the hasher, 1 KiB a row (on that
// file 160,505 x 1 KiB, 16% of it; 15-20% measured best) measured 0.966x and 0.986x the wall
// time of no pacing, polling (below). Since the last file's head is hashed by its own parse
// (stream_digest.hpp), the hasher reads only the rest, once the parse ends, and 1 KiB a row
// left the store write alone on one core for its last 0.08-0.09 s (timelines of samples in
// 20 ms bins). How fast the hasher reads the rest back varies with the page cache's state
// (1.1-1.6 GB/s here), so the best share does too: too little leaves a core idle beside the
// write, too much keeps the write's end waiting on the digest, and either error costs half its
// length in wall time. 1.5 KiB a row is the share whose worst case is smallest. On the bench's
// 1 GB file, against 1 KiB (interleaved runs, 21 each unless said): in one page-cache state,
// 1.5 KiB 0.983x the wall time, 2 KiB 0.967x and 0.969x (31 runs; both orders), 3 KiB 0.982x,
// 4 KiB 1.010x; in the state the bench leaves (the file dropped and read back), 1.5 KiB 0.983x
// and 0.985x (both orders), 2 KiB 1.002x, where 2 KiB's rest outlasted the write by 0.1 s, and
// 2 KiB against 1.5 KiB 1.023x and 1.030x (both orders); the same CPU throughout. The 2.8 GB
// CUR 2.0 file: 1.5 KiB 0.985x, 2 KiB 0.988x (11 runs). Four 256 MB files, whose last one is
// held back by half at either share: 1.016x and 0.988x (2 KiB, both orders, 15 runs each),
// noise. A file with few groups is hashed right behind its parse, as before; one with many (a
// wide daily export: millions) leaves half its digest to a store write that takes seconds. Only
// a run's last file is paced (Engine::process_csv), and the rows are all of the ingest's so
// far, which is what that file's tail must cover.
//
// The bound is checked before each 16 MiB window the hasher maps (core/sha256.cpp). A hasher
// that must wait sleeps until the parse has gone kBurst past the window it needs, then hashes
// that run of windows in one go (so up to kBurst more of the file's end waits for the parse to
// end, and a file smaller than a window is hashed after its parse). Each wake-up takes a core from
// a parse thread, which then finds its caches cold: on the bench's 2.8 GB CUR 2.0 plain file (the
// same rows), polling every 0.5 ms measured 1.024x the wall time of no pacing, and waking for every
// window 1.020x (decode+aggregate 3.14-3.18 CPU s against 2.88-2.91), where runs of four windows
// measured 0.983x and 0.989x (11 runs each, both orders; the 1 GB file: 0.954x and 0.958x, 21 runs
// each), with the same CPU time as no pacing.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace curcrunch::ingest {

class HashPace {
  public:
    // The digest left per stored row is time, not bytes: the store write's length in rows, and
    // the hasher's speed in bytes. SHA-256 runs at 1.6-1.9 GB/s on a core with the SHA
    // instructions and at about 0.45 GB/s on one without (many Intel Xeons before Ice Lake; this
    // host with them masked off, OPENSSL_ia32cap=":~0x20000000"), and SQLite's inserts do not
    // use them. So once the file's own stream has timed its hashing (hashed()), each row
    // leaves kHashNsPerStoredRow of it: 970 ns at the 1.58 bytes/ns the stream times here is the
    // 1.5 KiB measured best above, and without the SHA instructions it is about 410 bytes. On
    // the bench's 1 GB file (interleaved runs, 15 or 21 each): here 0.997x the wall time of a
    // fixed 1.5 KiB and 0.981x of 1 KiB; without the SHA instructions (where the serial digest,
    // 2.3 s, sets the wall time) 0.978x and 0.981x of 1.5 KiB (both orders) and 0.990x of 1 KiB,
    // a fixed 1.5 KiB there being 1.01x of 1 KiB. Until the speed is timed (the first
    // kMinTimedBytes), and for a hasher paced without a stream, kHashBytesPerStoredRow.
    static constexpr uint64_t kHashBytesPerStoredRow = 1536;
    static constexpr double kHashNsPerStoredRow = 970;
    static constexpr uint64_t kMinTimedBytes = uint64_t(8) << 20;
    static constexpr double kMaxHeldBack = 0.5;
    static constexpr uint64_t kBurst = uint64_t(48) << 20;  // three windows past the one needed
    // How often a waiting hasher checks again unwoken: for its `stop` flag, and for a finish()
    // whose wake-up failed (the parse wakes it otherwise).
    static constexpr std::chrono::milliseconds kStopCheck{10};

    // `file_size`: the bytes the digest reads; `stored_rows`: the groups the ingest holds so far
    // (EngineCore::shared_groups), read at each check. Shared: the hasher may outlive the engine.
    HashPace(uint64_t file_size, std::shared_ptr<const std::atomic<uint64_t>> stored_rows)
        : size_(file_size), stored_rows_(std::move(stored_rows)) {}

    // The parse finished `bytes` more of the file (chunks finish in any order; only the sum
    // counts).
    void parsed(uint64_t bytes);
    // The parse of the file ended, well or not: the digest runs freely from now on. Every
    // parse ends with this (Engine::process_csv); DeferredHashes::close() also ends the wait.
    void finish();

    // The file's own stream hashed `bytes` more of it in `ns` nanoseconds (StreamDigest).
    void hashed(uint64_t bytes, uint64_t ns);
    // The digest's bytes left per stored row, at the speed timed so far.
    double bytes_per_row() const;

    // The offset the digest may read up to now.
    uint64_t allowed() const;
    // Where the file's own stream stops hashing it and hands the rest over (StreamDigest): the
    // held-back share, from the rows so far, is left for the hasher thread.
    uint64_t head_end() const;
    // Blocks until the digest may read up to `end`, or `stop` is set.
    void wait_for(uint64_t end, const std::atomic<bool>& stop);

  private:
    // The held-back share of the file, from the rows so far.
    double held() const;
    void wake();

    const uint64_t size_;
    const std::shared_ptr<const std::atomic<uint64_t>> stored_rows_;
    std::atomic<uint64_t> parsed_{0};
    // The stream's hashing so far; read together without a lock, so a reader may pair a sum with
    // the other's previous one: the speed is then off by one chunk's share, for one check.
    std::atomic<uint64_t> timed_bytes_{0}, timed_ns_{0};
    std::atomic<bool> done_{false};
    // The parsed bytes a waiting hasher needs; UINT64_MAX: none waits. Set before the waiter
    // reads parsed_ again, and read by parsed() after it adds (both sequentially consistent),
    // so either the waiter sees the bytes or parsed() sees the waiter and wakes it.
    std::atomic<uint64_t> wake_at_{UINT64_MAX};
    std::mutex m_;
    std::condition_variable cv_;
};

}  // namespace curcrunch::ingest
