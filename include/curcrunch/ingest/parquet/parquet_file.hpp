#pragma once
// One Parquet file opened for reading: mapped read-only, its magic bytes checked at both ends,
// its footer length checked against the file and kMaxFooterBytes, and the footer decoded into
// the schema tree. Column chunks are read through the mapping (zero copy); the readers release
// the pages they are done with, so resident memory does not grow with the file.
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/ingest/parquet/metadata.hpp"
#include "curcrunch/ingest/parquet/schema_tree.hpp"

namespace curcrunch::ingest::parquet {

// True when the file starts with the Parquet magic "PAR1" (content decides, not the name).
bool has_parquet_magic(const std::string& path);
bool has_parquet_magic(const unsigned char* head, size_t n);

class ParquetFile {
  public:
    // Throws Error(input) naming the file: not Parquet, truncated, footer damaged, encrypted.
    explicit ParquetFile(const std::string& path);
    ~ParquetFile();
    ParquetFile(const ParquetFile&) = delete;
    ParquetFile& operator=(const ParquetFile&) = delete;

    const std::string& path() const { return path_; }
    uint64_t size() const { return size_; }
    const uint8_t* data() const { return data_; }
    // Column chunks must end before this offset (where the footer starts).
    uint64_t data_end() const { return data_end_; }
    const FileMeta& meta() const { return meta_; }
    const SchemaTree& tree() const { return tree_; }
    size_t row_groups() const { return meta_.row_group_offsets.size(); }
    // The wanted leaves' column chunks of row group i. Throws FormatError.
    RowGroupMeta row_group(size_t i, const std::vector<char>& wanted) const;

  private:
    std::string path_;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
    uint64_t data_end_ = 0;
    const uint8_t* footer_ = nullptr;
    uint32_t footer_size_ = 0;
    FileMeta meta_;
    SchemaTree tree_;
    std::vector<std::string> leaf_paths_;
};

}  // namespace curcrunch::ingest::parquet
