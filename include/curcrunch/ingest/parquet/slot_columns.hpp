#pragma once
// The top-level fields a row group reads, each turned into what the row decoder needs, a batch
// of rows at a time and in lockstep with the other fields:
//   TextColumn    a flat field -> a text code per row (dictionary entries are rendered once
//                 per chunk, so repeated strings are never touched per row)
//   AmountColumn  a flat field -> an exact Amount per row (dictionary entries converted once)
//   JsonColumn    a MAP or LIST field (repeated leaves) -> a code of its JSON text per row
//                 (CUR 2.0 resource_tags / product / cost_category, FOCUS Tags), the same text
//                 a CSV export carries, interned by the row's entry codes
// A value that cannot be converted (text in a cost column, invalid UTF-8) marks its row as bad
// rather than throwing, so --on-error=skip can drop just that row.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "curcrunch/core/money.hpp"
#include "curcrunch/ingest/parquet/column_reader.hpp"
#include "curcrunch/ingest/parquet/leaf_values.hpp"
#include "curcrunch/ingest/parquet/text_table.hpp"

namespace curcrunch::ingest::parquet {

// Runs of this many level entries are decoded at a time: small enough that the scratch of every
// column stays in cache, large enough that the per-run overhead vanishes.
inline constexpr size_t kRunEntries = 1024;

struct BadValue {
    uint32_t row;  // in the batch
    int slot;
    uint32_t page;
    std::string message;
};

// A leaf column's reader and its current run.
class LeafCursor {
  public:
    explicit LeafCursor(std::unique_ptr<ColumnChunkReader> reader) : reader_(std::move(reader)) {}
    // A run with unread entries; false at the end of the chunk.
    bool ready() {
        while (pos_ == run_.entries) {
            if (!reader_->next(kRunEntries, run_)) return false;
            pos_ = vpos_ = 0;
        }
        return true;
    }
    ColumnChunkReader& reader() { return *reader_; }
    ColumnRun run_;
    size_t pos_ = 0, vpos_ = 0;

  private:
    std::unique_ptr<ColumnChunkReader> reader_;
};

class SlotColumn {
  public:
    SlotColumn(int slot, std::string name) : slot_(slot), name_(std::move(name)) {}
    virtual ~SlotColumn() = default;
    // Reads the next n rows (the row group has them: fewer is damage, a FormatError).
    virtual void read(size_t n, TextTable& texts, std::vector<BadValue>& bad) = 0;
    // The page the column's reader is in, for messages.
    virtual uint32_t page() const = 0;
    // True when the column chunk holds entries past the rows read (read() stops at a row
    // group's count, so values beyond it would otherwise be dropped without a word).
    virtual bool values_left() = 0;
    virtual uint64_t bytes_decompressed() const = 0;
    int slot() const { return slot_; }
    const std::string& name() const { return name_; }

    std::vector<uint32_t> codes;  // text and JSON columns: per row of the batch
    std::vector<Amount> amounts;  // amount columns: per row of the batch

    // The page row r of the last batch came from (for messages).
    uint32_t page_of(size_t r) const {
        uint32_t p = 0;
        for (const auto& [row, page] : pages_)
            if (row <= r) p = page;
        return p;
    }

  protected:
    void begin_batch() { pages_.clear(); }
    void note_page(size_t row, uint32_t page) {
        if (pages_.empty() || pages_.back().second != page) pages_.emplace_back(row, page);
    }
    std::vector<std::pair<size_t, uint32_t>> pages_;

    int slot_;
    std::string name_;
};

std::unique_ptr<SlotColumn> make_text_column(int slot, std::string name, LeafCursor leaf,
                                             const LeafColumn& meta, TextAs as);
std::unique_ptr<SlotColumn> make_amount_column(int slot, std::string name, LeafCursor leaf,
                                               const LeafColumn& meta);
// leaves: one (a LIST) or two (a MAP's key and value).
std::unique_ptr<SlotColumn> make_json_column(int slot, std::string name,
                                             std::vector<LeafCursor> leaves,
                                             std::vector<const LeafColumn*> metas, bool is_map);

}  // namespace curcrunch::ingest::parquet
