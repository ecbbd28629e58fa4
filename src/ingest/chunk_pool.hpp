#pragma once
// The buffers a CSV stream's pipeline moves between its stages (engine-internal). A chunk holds
// whole records: its own bytes, or a view into the file's mapping.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <vector>

#include "curcrunch/ingest/byte_source.hpp"
#include "curcrunch/ingest/chunk_scanner.hpp"

namespace curcrunch::ingest {

// A record longer than this is treated as damage (an unterminated quote swallowing the file),
// not as data: it bounds the memory one stream can take. Chunks therefore stay below 2^27
// bytes (see kRowsPerFlush in core/money.hpp and row_key_index.hpp).
constexpr size_t kMaxRecordBytes = 64u << 20;

struct Chunk {
    std::unique_ptr<char[]> data;
    size_t cap = 0;  // usable bytes; kScanPadding more are allocated
    size_t len = 0;
    uint64_t first_line = 1;
    const char* view = nullptr;  // set: the bytes live in a file mapping, not in data
    bool ascii = false;          // the split found no byte >= 0x80 in it: valid UTF-8
    // A read stream whose CRC checks were deferred to it: the gzip member ends within the
    // chunk's bytes (csv_stream.cpp, MemberCrc). Empty otherwise, and for most chunks.
    std::vector<MemberEnd> member_ends;
    // Bad input found in the chunk (or, for an empty chunk, by the split), rethrown when the
    // in-order last stage reaches it: the error a run reports is the first in the file, not the
    // first a thread happened to find (after a bad quote, later chunks may be cut in the wrong
    // places and fail in ways that say nothing about the file).
    std::exception_ptr error;
    const char* ptr() const { return view ? view : data.get(); }
    // Invariant: the kScanPadding bytes past cap are zero; the bytes past len before them are
    // whatever the buffer held (a recycled buffer holds an earlier chunk's): the kernels mask
    // every byte past len out. Not zeroed: a stream's first block was zeroed whole (1,024 page
    // faults) before a small file's few KiB were read into it.
    void allocate(size_t n) {
        data = padded_buffer(n);
        cap = n;
    }
    // A buffer of `new_cap` bytes that keeps the first `keep` bytes.
    void grow(size_t keep, size_t new_cap) {
        auto bigger = padded_buffer(new_cap);
        std::memcpy(bigger.get(), data.get(), keep);
        data = std::move(bigger);
        cap = new_cap;
    }
    static std::unique_ptr<char[]> padded_buffer(size_t n) {
        auto b = std::make_unique_for_overwrite<char[]>(n + kScanPadding);
        std::memset(b.get() + n, 0, kScanPadding);
        return b;
    }
};

// Owns every chunk buffer of one stream. Buffers are recycled through the free list; the pool
// also owns chunks that were in flight when a pipeline was cancelled by an error.
class ChunkPool {
  public:
    explicit ChunkPool(size_t block) : block_(block) {}
    // A chunk with a buffer of at least `min_cap` bytes (0: no buffer needed, a view follows);
    // a buffer allocated here holds a whole block at least, to be reused for the next ones.
    Chunk* get(size_t min_cap) { return take(min_cap, std::max(min_cap, block_)); }
    Chunk* get() { return get(block_); }
    // A chunk with a buffer of at least `n` bytes, allocated to `n` when it must be: for a
    // mapped file's last chunk, the one copied. A whole block there (4 MiB, then zeroed) cost a
    // small file's ingest about 1,000 page faults for the few KiB it holds.
    Chunk* get_exact(size_t n) { return take(n, n); }
    void put(Chunk* c) {
        std::lock_guard<std::mutex> l(m_);
        free_.push_back(c);
    }

  private:
    Chunk* take(size_t min_cap, size_t alloc) {
        Chunk* c = nullptr;
        {
            std::lock_guard<std::mutex> l(m_);
            if (!free_.empty()) {
                c = free_.back();
                free_.pop_back();
            } else {
                all_.push_back(std::make_unique<Chunk>());
                c = all_.back().get();
            }
        }
        c->view = nullptr;
        c->ascii = false;
        c->member_ends.clear();
        c->error = nullptr;
        if (c->cap < min_cap) c->allocate(alloc);
        return c;
    }

    size_t block_;
    std::mutex m_;
    std::vector<std::unique_ptr<Chunk>> all_;
    std::vector<Chunk*> free_;
};

}  // namespace curcrunch::ingest
