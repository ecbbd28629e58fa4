#pragma once
// A small Parquet writer for the generator: flat OPTIONAL columns of strings (BYTE_ARRAY UTF8),
// doubles (DOUBLE) and UTC timestamps (INT64 TIMESTAMP millis), and OPTIONAL maps of string keys
// to string or double values (MAP<STRING,STRING>, MAP<STRING,DOUBLE>) - what AWS writes for
// CUR 2.0. Rows are buffered a row group at a time; each column chunk gets a dictionary page
// when its strings are few enough (else PLAIN), data pages v1 of about kPageRows rows with
// RLE / bit-packed levels, and SNAPPY or no compression.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace curcrunch::gen {

enum class ParquetKind : uint8_t { string, float64, timestamp_millis, string_map, double_map };
enum class ParquetCodec : uint8_t { uncompressed, snappy };

struct ParquetColumn {
    std::string name;
    ParquetKind kind;
};

// A field of one row: null, or its text / number / timestamp, or for a map column its entries
// (a value of nullopt is a null value).
struct ParquetField {
    bool null = true;
    std::string_view text;
    double number = 0;
    int64_t millis = 0;
    std::vector<std::pair<std::string, std::optional<std::string>>> entries;
};

class ParquetWriter {
  public:
    static constexpr size_t kRowGroupRows = 65536;
    static constexpr size_t kPageRows = 16384;

    // Creates `path` (throws Error(usage) when it cannot).
    ParquetWriter(const std::string& path, std::vector<ParquetColumn> columns, ParquetCodec codec,
                  size_t row_group_rows = kRowGroupRows);
    ~ParquetWriter();
    ParquetWriter(const ParquetWriter&) = delete;
    ParquetWriter& operator=(const ParquetWriter&) = delete;

    // One row: a field per column, in order. Map fields of a double_map column hold their
    // values as text (parsed here); other kinds as documented on ParquetField.
    void add_row(const std::vector<ParquetField>& fields);
    // Writes the last row group and the footer; the file is complete after this.
    void close();
    uint64_t rows() const { return rows_; }

  private:
    struct Leaf;
    struct Chunk;  // what the footer says of one written column chunk
    void flush_row_group();
    void write_chunk(Leaf& leaf);
    void write(std::string_view bytes);
    std::string footer() const;

    std::FILE* f_ = nullptr;
    std::string path_;
    std::vector<ParquetColumn> columns_;
    ParquetCodec codec_;
    size_t group_rows_;
    std::vector<std::unique_ptr<Leaf>> leaves_;  // a flat column has one, a map two
    size_t buffered_ = 0;
    uint64_t rows_ = 0, offset_ = 0;
    std::vector<Chunk> chunks_;                 // of every row group written, leaf after leaf
    std::vector<uint64_t> group_rows_written_;  // per row group written
};

}  // namespace curcrunch::gen
