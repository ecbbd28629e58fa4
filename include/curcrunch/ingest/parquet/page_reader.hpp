#pragma once
// Walks the pages of one column chunk: parses each page header, checks that the page lies
// inside the chunk, verifies its CRC when the writer stored one, and decompresses it into a
// reused buffer (uncompressed pages are used in place, zero copy). The chunk's bytes are a view
// of the file mapping; nothing is read outside [chunk begin, chunk end).
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "curcrunch/ingest/parquet/codec.hpp"
#include "curcrunch/ingest/parquet/metadata.hpp"

namespace curcrunch::ingest::parquet {

// A page larger than this (uncompressed) is refused: writers cut pages at about 1 MiB (and
// dictionaries at a few MiB), and the cap bounds what one damaged header can make us allocate.
inline constexpr uint64_t kMaxPageBytes = 128ull << 20;

// What the page buffers of one row group's column readers may hold at once. Each reader keeps
// its current page (and its dictionary) decompressed while the row group is read in lockstep,
// so a file whose pages each claim just under kMaxPageBytes, and compress to nothing (zeros
// behind a few values), could make a reader of forty columns hold gigabytes: a few MB of file
// taking 3 GB. parquet-mr and Arrow cut pages at about 1 MiB, but DuckDB cuts a new page only
// near 100 MB, so a column chunk of its 122,880-row row groups is often one page: forty text
// columns of such a row group can hold a few hundred MiB (twelve tag columns of 320-byte values
// held 417). 1 GiB leaves room for those.
inline constexpr uint64_t kMaxRowGroupPageBytes = 8 * kMaxPageBytes;

// What the page buffers of every row group being read hold at once, all threads and files of an
// ingest together: one per ingest, so a small hostile file cannot take kMaxRowGroupPageBytes
// once per core. A row group whose pages do not fit waits for others to finish theirs rather
// than failing: DuckDB's real row groups may each hold hundreds of MiB.
//
// Invariant: held() <= limit, except for one row group at a time (the overdraft holder),
// allowed past the limit when every row group holding pages is waiting, else none could go on.
// Its own pages stay under kMaxRowGroupPageBytes, so held() < limit + kMaxRowGroupPageBytes.
class PagePool {
  public:
    explicit PagePool(uint64_t limit = kMaxRowGroupPageBytes) : limit_(limit) {}
    // Adds `bytes` for `who`, which holds `mine` already; may wait.
    void take(const void* who, uint64_t mine, uint64_t bytes);
    // Returns `bytes` for `who`, which then holds `left`.
    void give(const void* who, uint64_t bytes, uint64_t left);
    uint64_t held() const;
    uint64_t peak() const;

  private:
    const uint64_t limit_;
    mutable std::mutex mutex_;
    std::condition_variable room_;
    uint64_t held_ = 0, peak_ = 0;
    size_t holders_ = 0, waiting_holders_ = 0;
    const void* overdraft_ = nullptr;
};

// The bytes a row group's page buffers hold, against kMaxRowGroupPageBytes and the ingest's
// PagePool (when given); one per row group reader (a single thread). grow() throws a
// FormatError past the row group's limit, and may wait for the pool.
class PageBudget {
  public:
    explicit PageBudget(PagePool* pool = nullptr) : pool_(pool) {}
    ~PageBudget() {
        if (pool_ && held_) pool_->give(this, held_, 0);
    }
    PageBudget(const PageBudget&) = delete;
    PageBudget& operator=(const PageBudget&) = delete;
    void grow(uint64_t bytes);
    void shrink(uint64_t bytes) noexcept;
    uint64_t held() const { return held_; }

  private:
    PagePool* pool_;
    uint64_t held_ = 0;
};

struct Page {
    PageHeader header;
    uint32_t index = 0;   // 1-based position of the page in its chunk
    uint64_t offset = 0;  // file offset of the page header
    // Decompressed sections. v1: levels and values share `values` (levels first); v2: the
    // level sections are separate and never compressed.
    const uint8_t* rep = nullptr;
    size_t rep_size = 0;
    const uint8_t* def = nullptr;
    size_t def_size = 0;
    const uint8_t* values = nullptr;
    size_t values_size = 0;
};

class PageReader {
  public:
    // `file` is the whole file mapping; the chunk must lie inside it (checked here).
    // `budget` (may be null) is charged with what the reader's page buffers grow to.
    PageReader(const uint8_t* file, uint64_t file_size, const ColumnMeta& meta, Decompressor& codec,
               PageBudget* budget = nullptr);
    ~PageReader() {
        release_consumed();
        if (budget_) budget_->shrink(buf_.size() + dict_buf_.size());
    }
    PageReader(const PageReader&) = delete;
    PageReader& operator=(const PageReader&) = delete;
    // The next page; false at the end of the chunk. The page's bytes stay valid until the next
    // call for data pages; dictionary pages are decompressed into their own buffer, valid for
    // the reader's lifetime.
    bool next(Page& page);
    uint32_t pages_read() const { return index_; }
    uint64_t bytes_decompressed() const { return decompressed_; }
    // Drops the chunk's pages read so far from this process's memory (see engine.cpp's
    // release_pages): they are in the page cache, not needed again.
    void release_consumed() noexcept;

  private:
    bool read_one(Page& page);
    // Makes `b` hold at least n bytes, charging the budget with its growth.
    void reserve(std::vector<uint8_t>& b, size_t n);

    const uint8_t* file_;
    uint64_t chunk_begin_, chunk_end_, pos_;
    uint64_t released_ = 0;
    int32_t codec_;
    Decompressor& decompressor_;
    PageBudget* budget_;
    uint32_t index_ = 0;
    uint64_t decompressed_ = 0;
    std::vector<uint8_t> buf_, dict_buf_;
};

}  // namespace curcrunch::ingest::parquet
