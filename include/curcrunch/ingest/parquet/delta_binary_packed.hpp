#pragma once
// DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value count, first value),
// then blocks of deltas, each with a minimum delta and one bit width per miniblock, the
// miniblocks bit-packed LSB first. Arithmetic wraps in 64 bits as the spec says, so INT32
// columns are the low 32 bits of the result. Resumable: decode() can be called repeatedly.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace curcrunch::ingest::parquet {

class DeltaBinaryPackedDecoder {
  public:
    // Real writers use 128-value blocks (DuckDB up to 2048); anything past this is damage and
    // would size the miniblock buffer.
    static constexpr uint64_t kMaxBlockSize = 1u << 16;

    // Reads the header at data. Throws FormatError.
    void reset(const uint8_t* data, size_t size);
    uint64_t total() const { return total_; }
    uint64_t left() const { return total_ - produced_; }
    // Decodes up to n values; returns how many (fewer only at the end of the values).
    size_t decode(int64_t* out, size_t n);
    // The first byte after the encoded values, found without unpacking (for the byte-array
    // encodings whose bytes follow their lengths). Only valid right after reset().
    const uint8_t* end_of_values() const;

  private:
    bool next_block();
    void load_miniblock();

    const uint8_t* begin_ = nullptr;
    const uint8_t* p_ = nullptr;
    const uint8_t* end_ = nullptr;
    uint64_t block_size_ = 0, miniblocks_ = 0, per_mini_ = 0;
    uint64_t total_ = 0, produced_ = 0;
    uint64_t last_ = 0;
    bool first_pending_ = false;
    uint64_t min_delta_ = 0;
    const uint8_t* widths_ = nullptr;
    uint64_t mini_index_ = 0;  // next miniblock of the current block
    std::vector<uint64_t> mini_;
    size_t mini_pos_ = 0, mini_len_ = 0;
};

}  // namespace curcrunch::ingest::parquet
