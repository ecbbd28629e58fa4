#pragma once
// The RLE / bit-packed hybrid encoding (definition and repetition levels, dictionary indices,
// RLE booleans): a sequence of runs, each a ULEB128 header whose low bit says bit-packed
// (header >> 1 groups of 8 values, `width` bits each, LSB first) or repeated (header >> 1
// copies of one value stored in ceil(width / 8) bytes). The decoder is resumable: decode()
// hands out values across runs and calls, so a page is never expanded whole.
#include <cstddef>
#include <cstdint>

namespace curcrunch::ingest::parquet {

class RleHybridDecoder {
  public:
    RleHybridDecoder() = default;
    // width: 0..32 bits per value.
    void reset(const uint8_t* data, size_t size, unsigned width);
    // Decodes up to n values; returns how many (fewer only when the data ends).
    size_t decode(uint32_t* out, size_t n) { return decode_into(out, n); }
    size_t decode(uint8_t* out, size_t n) { return decode_into(out, n); }
    // Decodes exactly n values or throws FormatError("`what`: ...").
    template <class T>
    void decode_exact(T* out, size_t n, const char* what);
    // When the next n values are one repeated value (an RLE run covers them), consumes them and
    // sets `value`; else consumes nothing and returns false.
    bool take_repeat(size_t n, uint32_t& value);
    // Bytes after the current run and up to 8 bytes of empty runs behind it (a writer may end
    // an all-null page's indices with a run of no values). Values left in the current run are not
    // counted: a bit-packed run holds groups of 8, so its last group is legitimately part padding.
    size_t unread() const;

  private:
    template <class T>
    size_t decode_into(T* out, size_t n);
    bool next_run();

    const uint8_t* p_ = nullptr;
    const uint8_t* end_ = nullptr;
    unsigned width_ = 0;
    uint64_t repeat_left_ = 0;  // values left in the current RLE run
    uint32_t repeat_value_ = 0;
    const uint8_t* packed_ = nullptr;  // current bit-packed run
    const uint8_t* packed_end_ = nullptr;
    uint64_t packed_next_ = 0;  // index of the next value in the packed run
    uint64_t packed_left_ = 0;
};

// The deprecated BIT_PACKED level encoding (old parquet-mr): values packed MSB first, no runs.
void decode_bit_packed_msb(const uint8_t* data, size_t size, unsigned width, uint8_t* out,
                           size_t n);

}  // namespace curcrunch::ingest::parquet
