#pragma once
// A reader of the Thrift compact protocol, as much as Parquet's footer and page headers need.
//
// Why our own reader and not Apache Thrift (libthrift + generated code): the generated C++
// reads a list by resizing a std::vector to the count the file claims before reading one
// element, so a 30-byte hostile footer can ask for gigabytes unless every TConfiguration limit
// is tuned, and it recurses without a depth bound on unknown nested fields. Parquet needs six
// structs and the compact encoding is a page of spec; a reader that checks each length against
// the bytes that remain (every element of a list takes at least one byte, so a count larger
// than the remaining bytes is damage) and bounds nesting is smaller than the glue around the
// library, and it keeps a code generator and a runtime library out of the build.
//
// The reader works on a byte span and never allocates; strings come back as views of the span.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace curcrunch::ingest::parquet {

enum class TType : uint8_t {
    stop = 0,
    bool_true = 1,
    bool_false = 2,
    i8 = 3,
    i16 = 4,
    i32 = 5,
    i64 = 6,
    dbl = 7,
    binary = 8,
    list = 9,
    set = 10,
    map = 11,
    structure = 12,
};

struct FieldHeader {
    int16_t id = 0;
    TType type = TType::stop;
};

struct ListHeader {
    uint32_t size = 0;  // already checked against the remaining bytes
    TType elem = TType::stop;
};

class CompactReader {
  public:
    // Nested structs, lists and maps deeper than this are damage: Parquet's own structures
    // nest five levels, and a bound keeps skip() from exhausting the stack.
    static constexpr int kMaxDepth = 32;

    CompactReader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}

    // Struct framing. begin_struct/end_struct save and restore the last field id that the
    // compact encoding's field deltas are relative to.
    void begin_struct();
    void end_struct();
    // Reads the next field header; false at the struct's STOP byte.
    bool next_field(FieldHeader& f);

    bool read_bool(const FieldHeader& f);  // a bool field's value lives in its header
    int32_t read_i32();
    int64_t read_i64();
    int8_t read_i8();
    double read_double();
    std::string_view read_binary();
    ListHeader read_list();
    void end_list() { --depth_; }
    // A list element of type bool is one byte.
    bool read_list_bool();

    // Skips one value of type t, including nested containers (bounded by kMaxDepth).
    void skip(TType t);

    size_t position() const { return static_cast<size_t>(p_ - begin_); }
    size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  private:
    uint64_t read_varint();
    uint8_t read_byte();
    void enter();

    const uint8_t* p_;
    const uint8_t* end_;
    const uint8_t* begin_;
    int16_t last_id_ = 0;
    int depth_ = 0;
    int16_t saved_ids_[kMaxDepth + 1] = {};
};

}  // namespace curcrunch::ingest::parquet
