#pragma once
// Walks the pages of one column chunk: parses each page header, checks that the page lies
// inside the chunk, verifies its CRC when the writer stored one, and decompresses it into a
// reused buffer (uncompressed pages are used in place, zero copy). The chunk's bytes are a view
// of the file mapping; nothing is read outside [chunk begin, chunk end).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "curcrunch/ingest/parquet/codec.hpp"
#include "curcrunch/ingest/parquet/metadata.hpp"

namespace curcrunch::ingest::parquet {

// A page larger than this (uncompressed) is refused: writers cut pages at about 1 MiB (and
// dictionaries at a few MiB), and the cap bounds what one damaged header can make us allocate.
inline constexpr uint64_t kMaxPageBytes = 128ull << 20;

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
    PageReader(const uint8_t* file, uint64_t file_size, const ColumnMeta& meta,
               Decompressor& codec);
    ~PageReader() { release_consumed(); }
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

    const uint8_t* file_;
    uint64_t chunk_begin_, chunk_end_, pos_;
    uint64_t released_ = 0;
    int32_t codec_;
    Decompressor& decompressor_;
    uint32_t index_ = 0;
    uint64_t decompressed_ = 0;
    std::vector<uint8_t> buf_, dict_buf_;
};

}  // namespace curcrunch::ingest::parquet
