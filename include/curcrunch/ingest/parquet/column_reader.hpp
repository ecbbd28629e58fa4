#pragma once
// Reads one column chunk as runs of level entries and values, never crossing a page: each run
// has up to `max_entries` definition/repetition levels and the values of the entries that are
// present (definition level == max). A dictionary-encoded run hands out dictionary indices
// (checked against the dictionary's size) instead of values; the dictionary itself is decoded
// once per chunk and stays valid while the reader lives.
//
// Errors are FormatErrors; the caller adds the file, row group, column and page (page_index()).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/ingest/parquet/delta_byte_array.hpp"
#include "curcrunch/ingest/parquet/page_reader.hpp"
#include "curcrunch/ingest/parquet/plain.hpp"
#include "curcrunch/ingest/parquet/rle_hybrid.hpp"
#include "curcrunch/ingest/parquet/schema_tree.hpp"

namespace curcrunch::ingest::parquet {

struct ColumnRun {
    size_t entries = 0;
    const uint8_t* def = nullptr;  // null when the column has no definition levels
    const uint8_t* rep = nullptr;  // null when the column is not repeated
    size_t values = 0;             // entries with def == max_def (== entries: no nulls)
    bool dictionary = false;
    const uint32_t* indices = nullptr;  // dictionary == true
    ValueRun plain;                     // dictionary == false
};

class ColumnChunkReader {
  public:
    ColumnChunkReader(const uint8_t* file, uint64_t data_end, const ColumnMeta& meta,
                      const LeafColumn& leaf, Decompressor& codec, PageBudget* budget = nullptr);

    // Next run of at most max_entries level entries; false at the end of the chunk.
    bool next(size_t max_entries, ColumnRun& run);

    // The dictionary (valid after a run with dictionary == true). Its version changes when a
    // chunk brings a new dictionary, so callers can cache conversions of its entries.
    const ValueRun& dictionary() const { return dict_; }
    uint32_t dictionary_version() const { return dict_version_; }
    uint32_t page_index() const { return pages_.pages_read(); }
    uint64_t bytes_decompressed() const { return pages_.bytes_decompressed(); }
    uint64_t values_read() const { return entries_read_; }
    const LeafColumn& leaf() const { return leaf_; }

  private:
    bool load_page();
    void load_dictionary(const Page& p);
    void start_levels(const Page& p, const uint8_t*& values, size_t& values_size);
    void start_values(const uint8_t* data, size_t size);
    // Decodes the next n entries' levels; returns how many have a value (def == max).
    size_t decode_levels(size_t n);
    ValueRun decode_values(size_t n);
    void check_page_end() const;

    const LeafColumn& leaf_;
    PhysicalType type_;
    uint32_t width_;
    uint64_t chunk_values_;
    PageReader pages_;
    Page page_;
    uint64_t page_left_ = 0;  // level entries left in the current page
    uint64_t entries_read_ = 0;
    int32_t encoding_ = 0;

    RleHybridDecoder def_dec_, rep_dec_;
    bool def_msb_ = false, rep_msb_ = false;  // deprecated BIT_PACKED levels
    bool all_defined_ = false;  // the last decode_levels: every entry at max_def, def_ not filled
    const uint8_t* def_msb_data_ = nullptr;
    size_t def_msb_size_ = 0, def_msb_pos_ = 0;
    const uint8_t* rep_msb_data_ = nullptr;
    size_t rep_msb_size_ = 0, rep_msb_pos_ = 0;
    std::vector<uint8_t> def_, rep_, msb_tmp_;

    RleHybridDecoder index_dec_;
    std::vector<uint32_t> indices_;
    PlainDecoder plain_;
    ByteStreamSplitDecoder split_;
    DeltaBinaryPackedDecoder delta_;
    DeltaLengthByteArrayDecoder delta_length_;
    DeltaByteArrayDecoder delta_bytes_;
    std::vector<int64_t> delta_tmp_;
    std::vector<uint8_t> delta_out_;
    std::vector<std::string_view> views_;

    ValueRun dict_;
    PlainDecoder dict_plain_;
    std::vector<std::string_view> dict_views_;
    uint32_t dict_version_ = 0;
    bool has_dict_ = false;
};

}  // namespace curcrunch::ingest::parquet
