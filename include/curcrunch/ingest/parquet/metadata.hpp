#pragma once
// Parquet's file and page metadata (parquet-format's parquet.thrift), as far as a reader of
// flat and map/list columns needs it, decoded from the Thrift compact encoding. Fields this
// reader does not use (statistics, indexes, bloom filters, encryption details) are skipped.
//
// Hostile footers: the decoder never sizes an allocation from a count alone (see
// thrift_compact.hpp), and the footer itself is capped (kMaxFooterBytes) before it is read, so
// the metadata of one file can never take more memory than a small multiple of that cap.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace curcrunch::ingest::parquet {

// A real footer is kilobytes to a few megabytes (wide files with many row groups). 64 MiB is
// far beyond any writer's output and bounds what a damaged length can make us read.
inline constexpr uint64_t kMaxFooterBytes = 64ull << 20;
// More schema elements than this is not a billing export (AWS writes a few hundred columns).
inline constexpr size_t kMaxSchemaElements = 100000;

enum class PhysicalType : int8_t {
    boolean = 0,
    int32 = 1,
    int64 = 2,
    int96 = 3,
    float32 = 4,
    float64 = 5,
    byte_array = 6,
    fixed_len_byte_array = 7,
    none = -1,  // a group
};
const char* physical_type_name(PhysicalType t);

enum class Repetition : int8_t { required = 0, optional = 1, repeated = 2 };

// ConvertedType values (the legacy annotation) that matter here.
enum ConvertedType : int32_t {
    kConvUtf8 = 0,
    kConvMap = 1,
    kConvMapKeyValue = 2,
    kConvList = 3,
    kConvEnum = 4,
    kConvDecimal = 5,
    kConvDate = 6,
    kConvTimeMillis = 7,
    kConvTimeMicros = 8,
    kConvTimestampMillis = 9,
    kConvTimestampMicros = 10,
    kConvJson = 19,
    kConvNone = -1,
};

// The logical type, from LogicalType when present, else from the converted type.
enum class Logical : uint8_t {
    none,
    string,  // STRING, ENUM, JSON, UUID-as-text is not included
    map,
    list,
    decimal,
    date,
    timestamp,
    time,
    integer,
    other,
};
enum class TimeUnit : uint8_t { millis, micros, nanos };

struct SchemaElement {
    std::string name;
    PhysicalType type = PhysicalType::none;
    int32_t type_length = 0;
    Repetition repetition = Repetition::required;
    bool has_repetition = false;
    int32_t num_children = 0;
    int32_t converted = kConvNone;
    Logical logical = Logical::none;
    int32_t scale = 0, precision = 0;
    TimeUnit unit = TimeUnit::millis;
    bool utc_adjusted = true;
};

enum class Codec : int32_t {
    uncompressed = 0,
    snappy = 1,
    gzip = 2,
    lzo = 3,
    brotli = 4,
    lz4 = 5,
    zstd = 6,
    lz4_raw = 7,
};
const char* codec_name(int32_t codec);

enum Encoding : int32_t {
    kPlain = 0,
    kPlainDictionary = 2,
    kRle = 3,
    kBitPacked = 4,
    kDeltaBinaryPacked = 5,
    kDeltaLengthByteArray = 6,
    kDeltaByteArray = 7,
    kRleDictionary = 8,
    kByteStreamSplit = 9,
};
const char* encoding_name(int32_t encoding);

struct ColumnMeta {
    PhysicalType type = PhysicalType::none;
    int32_t codec = 0;
    int64_t num_values = 0;
    int64_t total_uncompressed_size = 0;
    int64_t total_compressed_size = 0;
    int64_t data_page_offset = -1;
    int64_t dictionary_page_offset = -1;  // -1: absent
    bool present = false;                 // false: the column was not asked for
};

struct RowGroupMeta {
    std::vector<ColumnMeta> columns;  // one per leaf column; only the wanted ones are filled
    int64_t num_rows = 0;
};

// The file's metadata without its row groups' column chunks: those are decoded one row group
// at a time, for the wanted columns only (parse_row_group), so the memory the metadata takes
// does not grow with row groups x columns.
struct FileMeta {
    int32_t version = 0;
    std::vector<SchemaElement> schema;
    int64_t num_rows = 0;
    std::string created_by;
    std::vector<uint32_t> row_group_offsets;  // where each RowGroup struct starts in the footer
    std::vector<int64_t> row_group_rows;
};
// Row groups beyond this are damage: even 1 MiB row groups would make a terabyte file.
inline constexpr size_t kMaxRowGroups = 1000000;

// Decodes a FileMetaData struct. Throws FormatError.
FileMeta parse_file_meta(const uint8_t* footer, size_t size);

// Decodes row group `index`; leaf column i is filled when wanted[i] is non-zero. `leaf_paths`
// are the schema's leaf paths ("a.b.c"): each column chunk must name its leaf. Throws
// FormatError.
RowGroupMeta parse_row_group(const uint8_t* footer, size_t size, const FileMeta& meta, size_t index,
                             const std::vector<std::string>& leaf_paths,
                             const std::vector<char>& wanted);

enum class PageType : int32_t { data = 0, index = 1, dictionary = 2, data_v2 = 3 };

struct PageHeader {
    int32_t type = -1;
    int32_t uncompressed_size = 0;
    int32_t compressed_size = 0;
    bool has_crc = false;
    uint32_t crc = 0;
    int32_t num_values = 0;
    int32_t encoding = 0;
    int32_t def_encoding = kRle;  // v1 only
    int32_t rep_encoding = kRle;  // v1 only
    // v2 only
    int32_t num_nulls = 0;
    int32_t num_rows = 0;
    int32_t def_bytes = 0;
    int32_t rep_bytes = 0;
    bool is_compressed = true;
    size_t header_bytes = 0;  // bytes the header itself took
};

// Decodes a PageHeader at the start of [data, data+size). Throws FormatError.
PageHeader parse_page_header(const uint8_t* data, size_t size);

}  // namespace curcrunch::ingest::parquet
