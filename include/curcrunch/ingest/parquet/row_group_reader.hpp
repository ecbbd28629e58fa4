#pragma once
// Row group -> rollup. A row group's wanted columns are read in lockstep batches (SlotColumn);
// each row becomes field spans into the row group's TextTable plus exact amounts, and goes
// through the same RowDecoder as a CSV row, so a Parquet file and its CSV twin land in the
// same rollup rows by construction. What makes it fast: a row's grouping fields are a handful
// of 32-bit codes (dictionary entries rendered once per chunk), so the row key that finds its
// groups is hashed from codes, not strings (RowDecoder's TypedRow), and amounts arrive exact,
// never as text.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/parquet/codec.hpp"
#include "curcrunch/ingest/parquet/page_reader.hpp"
#include "curcrunch/ingest/parquet/parquet_file.hpp"
#include "curcrunch/ingest/parquet/text_table.hpp"
#include "curcrunch/ingest/row_key_index.hpp"
#include "curcrunch/ingest/schema.hpp"

namespace curcrunch::ingest::parquet {

class SlotColumn;
struct BadValue;

enum class SourceKind : uint8_t { text, day, amount, json_map, json_list };

struct SlotSource {
    int slot;
    uint32_t field;  // SchemaTree::fields index
    SourceKind kind;
    bool in_key;  // part of the row key (every text slot but the invoice id and net amounts)
};

// What a file's rows need: the ingest schema resolved from its top-level field names, and for
// every slot with a column where its values come from.
struct ParquetPlan {
    Schema schema;
    std::vector<SlotSource> sources;
    std::vector<char> wanted;         // per leaf column
    std::vector<uint64_t> first_row;  // per row group: rows before it in the file
    uint64_t amount_slots = 0;        // bit per amount slot with a column
};

// Resolves the plan; throws Error(input) naming the file for an unknown dialect, missing
// required columns, or a needed column of a type it cannot be read as.
ParquetPlan plan_parquet(const ParquetFile& file);

struct RowGroupResult {
    uint64_t rows = 0, skipped = 0, bytes = 0;
    uint64_t reported = 0;        // of rows + skipped, those already passed to may_flush
    std::vector<UnitRows> units;  // the (payer, period) units its rows fed
};

class RowGroupReader {
  public:
    // Reads row group `index` into `out`. A bad row is reported through `bad_row` when
    // skipping (and the row is left out), else it throws Error(input). Structural damage throws
    // FormatError with the column and page; the caller adds the file and row group. Rows that
    // name no payer get `fallback_payer` (the manifest's account). `may_flush` (may be null)
    // is called between batches with the rows read since its last call; true means `out` was
    // flushed (emptied), and the reader goes on with a fresh decoder.
    RowGroupResult read(const ParquetFile& file, const ParquetPlan& plan, size_t index, Rollup& out,
                        Period period_override, bool skip,
                        const std::function<void(RowProblem)>& bad_row,
                        std::string_view fallback_payer = {},
                        const std::function<bool(uint64_t)>* may_flush = nullptr);

    // `ingest --stats` (see Decompressor::set_stats).
    void set_stats(StageStats* stats) { codec_.set_stats(stats); }
    // The ingest's pool the row groups' page buffers are charged to (null: none).
    void set_page_pool(PagePool* pool) { page_pool_ = pool; }

  private:
    // starts_: the first row of each run of the batch, rows whose key codes and invoice code
    // are the row before's (a bad row and the row after it start runs of their own).
    void find_runs(const std::vector<SlotColumn*>& key_cols, size_t key_len,
                   const SlotColumn* invoice_col, const std::vector<BadValue>& bad, size_t n);
    // row_hash_[i]: run i's key codes (the first key_len columns) hashed, before mix64.
    void hash_keys(const std::vector<SlotColumn*>& key_cols, size_t key_len);

    Decompressor codec_;
    PagePool* page_pool_ = nullptr;
    TextTable texts_;
    RowKeyIndex code_index_;
    std::vector<FieldSpan> spans_;
    std::vector<Amount> amounts_;
    std::vector<uint32_t> key_;
    std::vector<const uint32_t*> key_codes_;  // per key column: its batch codes
    std::vector<std::pair<size_t, const Amount*>> amount_values_;  // per amount column: slot, batch
    std::vector<std::pair<size_t, const Amount*>> repeat_values_;  // those add_repeat reads
    std::vector<uint64_t> row_hash_;
    std::vector<uint8_t> brk_;  // per row of the batch: starts a run
    std::vector<uint32_t> starts_;
};

// "row group 2, column 'x', page 3, row 1234" style context for messages.
std::string row_group_context(size_t group, const std::string& column, uint32_t page, uint64_t row);

}  // namespace curcrunch::ingest::parquet
