#pragma once
// The two delta encodings of byte arrays.
//   DELTA_LENGTH_BYTE_ARRAY: all lengths (DELTA_BINARY_PACKED), then all bytes back to back.
//   DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED), then the suffixes as
//   DELTA_LENGTH_BYTE_ARRAY; value i is the first prefix[i] bytes of value i-1, then suffix[i].
// DELTA_LENGTH_BYTE_ARRAY values are views of the page. DELTA_BYTE_ARRAY values must be
// rebuilt, into a buffer the decoder owns; a page may not rebuild more than kMaxExpandedBytes
// (a tiny page of long shared prefixes could otherwise expand without bound).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "curcrunch/ingest/parquet/delta_binary_packed.hpp"

namespace curcrunch::ingest::parquet {

class DeltaLengthByteArrayDecoder {
  public:
    void reset(const uint8_t* data, size_t size);
    uint64_t total() const { return lengths_.total(); }
    // Views of the page's bytes; returns how many (fewer only at the end).
    size_t decode(std::string_view* out, size_t n);
    // The first byte after the last value's bytes (only meaningful once all were decoded).
    const uint8_t* position() const { return bytes_; }

  private:
    DeltaBinaryPackedDecoder lengths_;
    const uint8_t* bytes_ = nullptr;
    const uint8_t* end_ = nullptr;
    int64_t len_buf_[256];
};

class DeltaByteArrayDecoder {
  public:
    static constexpr uint64_t kMaxExpandedBytes = 256ull << 20;

    void reset(const uint8_t* data, size_t size);
    // Views valid until the next decode() or reset().
    size_t decode(std::string_view* out, size_t n);

  private:
    DeltaBinaryPackedDecoder prefixes_;
    DeltaLengthByteArrayDecoder suffixes_;
    std::string last_;
    std::vector<char> arena_;
    std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) in arena_, per value
    uint64_t expanded_ = 0;
    int64_t prefix_buf_[256];
    std::string_view suffix_buf_[256];
};

}  // namespace curcrunch::ingest::parquet
