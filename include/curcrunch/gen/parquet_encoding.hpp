#pragma once
// The writer side of the two encodings a Parquet file is made of, written from the format
// specification (parquet.thrift, Encodings.md): the Thrift compact protocol of page headers and
// the footer, and the RLE / bit-packed hybrid of levels and dictionary indices. The readers are
// in ingest/parquet (thrift_compact, rle_hybrid); tests round-trip one through the other.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace curcrunch::gen {

// Thrift compact protocol: structs as (field-id delta, type) headers ending in a stop byte,
// integers as zigzag varints, lists as (size, element type) headers.
class CompactWriter {
  public:
    enum Type : uint8_t {
        kTrue = 1,
        kFalse = 2,
        kI32 = 5,
        kI64 = 6,
        kBinary = 8,
        kList = 9,
        kStruct = 12,
    };
    void i32(int16_t id, int32_t v) { i64_as(id, kI32, v); }
    void i64(int16_t id, int64_t v) { i64_as(id, kI64, v); }
    void boolean(int16_t id, bool v) { header(id, v ? kTrue : kFalse); }
    void binary(int16_t id, std::string_view s);
    // A struct field: its fields follow, then end().
    void begin(int16_t id) {
        header(id, kStruct);
        last_.push_back(0);
    }
    void end() {
        out_ += '\0';
        last_.pop_back();
    }
    // A list field of n elements of `elem` type; struct elements go between begin_element() and
    // end(), scalar ones through element_*().
    void list(int16_t id, Type elem, size_t n);
    void begin_element() { last_.push_back(0); }
    void element_i32(int32_t v) { varint(zigzag(v)); }
    void element_binary(std::string_view s) {
        varint(s.size());
        out_.append(s);
    }
    // Ends the outermost struct and hands over the bytes.
    std::string finish() {
        out_ += '\0';
        return std::move(out_);
    }

  private:
    static uint64_t zigzag(int64_t v) {
        return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    }
    void varint(uint64_t v);
    void header(int16_t id, uint8_t type);
    void i64_as(int16_t id, uint8_t type, int64_t v) {
        header(id, type);
        varint(zigzag(v));
    }
    std::string out_;
    std::vector<int16_t> last_ = {0};  // per open struct: the id of its last field
};

// Appends values[0, n) (each below 2^width, width 0..32) in the hybrid encoding: runs of 8 or
// more equal values as RLE runs, the rest bit-packed in groups of 8 (the last group padded with
// zeros; readers stop at the page's value count).
void encode_rle_hybrid(const uint32_t* values, size_t n, unsigned width, std::string& out);

// Bits needed for values up to max (0 for 0).
unsigned bit_width_of(uint32_t max);

}  // namespace curcrunch::gen
