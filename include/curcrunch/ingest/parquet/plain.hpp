#pragma once
// PLAIN and BYTE_STREAM_SPLIT values, and the typed run of values every decoder produces.
//   PLAIN: fixed-width values little-endian back to back (INT32, INT64, INT96, FLOAT, DOUBLE,
//   FIXED_LEN_BYTE_ARRAY), BYTE_ARRAY as a 4-byte length then the bytes, BOOLEAN bit-packed
//   LSB first.
//   BYTE_STREAM_SPLIT: the k-th bytes of all N values form stream k; value i is byte i of each
//   of the `width` streams.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "curcrunch/ingest/parquet/metadata.hpp"

namespace curcrunch::ingest::parquet {

// A run of decoded values, valid until the decoder that produced it is called again.
// Fixed-width types come as `fixed` (width bytes per value, little-endian, unaligned;
// BOOLEAN as one byte 0/1); BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY come as views.
struct ValueRun {
    size_t count = 0;
    const uint8_t* fixed = nullptr;
    uint32_t width = 0;
    const std::string_view* bytes = nullptr;
};

// Bytes per value of a fixed-width physical type (0 for BYTE_ARRAY, 1 for BOOLEAN).
uint32_t fixed_width(PhysicalType t, int32_t type_length);

class PlainDecoder {
  public:
    void reset(PhysicalType type, uint32_t width, const uint8_t* data, size_t size);
    // Up to n values; returns their run (fewer than n only at the end of the data, when the
    // caller knows how many it needs and treats a short run as damage).
    ValueRun decode(size_t n);
    // Bytes after the last value decoded (a BOOLEAN's partly used last byte counts as read).
    size_t unread() const {
        return static_cast<size_t>(end_ - p_) - static_cast<size_t>((bit_ + 7) / 8);
    }

  private:
    PhysicalType type_ = PhysicalType::int32;
    uint32_t width_ = 0;
    const uint8_t* p_ = nullptr;
    const uint8_t* end_ = nullptr;
    uint64_t bit_ = 0;  // BOOLEAN: next bit
    std::vector<std::string_view> views_;
    std::vector<uint8_t> bools_;
};

class ByteStreamSplitDecoder {
  public:
    // data holds exactly `count` values of `width` bytes, split into streams.
    void reset(uint32_t width, const uint8_t* data, size_t size, size_t count);
    ValueRun decode(size_t n, bool as_views);
    size_t unread() const { return (count_ - next_) * width_; }

  private:
    uint32_t width_ = 0;
    const uint8_t* data_ = nullptr;
    size_t count_ = 0, next_ = 0;
    std::vector<uint8_t> out_;
    std::vector<std::string_view> views_;
};

}  // namespace curcrunch::ingest::parquet
