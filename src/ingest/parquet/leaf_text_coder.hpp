#pragma once
// Private to the slot columns (slot_columns.cpp, json_column.cpp): how one leaf's values become
// text codes of a row group's TextTable.
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/ingest/parquet/column_reader.hpp"
#include "curcrunch/ingest/parquet/leaf_values.hpp"
#include "curcrunch/ingest/parquet/text_table.hpp"

namespace curcrunch::ingest::parquet {

inline constexpr uint32_t kBadCode = UINT32_MAX;       // a value that cannot be text
inline constexpr uint32_t kNullCode = UINT32_MAX - 1;  // a null map value or list element

[[noreturn]] inline void column_ends(const std::string& name, size_t rows) {
    fail_format("column '" + name + "' ends after " + std::to_string(rows) +
                " rows of the batch; the row group says it has more");
}

// Text codes of one leaf's values: dictionary entries rendered once per dictionary, plain
// values rendered and interned one by one.
class LeafTextCoder {
  public:
    LeafTextCoder(const LeafColumn& leaf, TextAs as) : values_(leaf, as) {}

    // Code of value `v` of the run; kBadCode (and `why`) when it cannot be text.
    uint32_t code(ColumnChunkReader& r, const ColumnRun& run, size_t v, TextTable& t,
                  std::string& why) {
        if (run.dictionary) {
            if (r.dictionary_version() != version_) load_dictionary(r, t);
            const uint32_t c = dict_codes_[run.indices[v]];
            if (c == kBadCode) why = dict_why_;
            return c;
        }
        scratch_.clear();
        if (!values_.text(run.plain, v, scratch_, why)) return kBadCode;
        return t.intern(scratch_);
    }
    const LeafValues& values() const { return values_; }
    // The codes of the reader's current dictionary, by index (rendered when it changed);
    // kBadCode marks an entry that cannot be text, dictionary_why() says why.
    const uint32_t* dictionary_codes(ColumnChunkReader& r, TextTable& t) {
        if (r.dictionary_version() != version_) load_dictionary(r, t);
        return dict_codes_.data();
    }
    const std::string& dictionary_why() const { return dict_why_; }

  private:
    void load_dictionary(ColumnChunkReader& r, TextTable& t) {
        const ValueRun& d = r.dictionary();
        dict_codes_.resize(d.count);
        for (size_t i = 0; i < d.count; ++i) {
            scratch_.clear();
            std::string why;
            if (values_.text(d, i, scratch_, why)) {
                // Interned, not just added: distinct entries can render alike (the hourly
                // timestamps of one day), and equal texts must share a code for the row key.
                dict_codes_[i] = t.intern(scratch_);
            } else {
                dict_codes_[i] = kBadCode;
                dict_why_ = why;
            }
        }
        version_ = r.dictionary_version();
    }

    LeafValues values_;
    std::vector<uint32_t> dict_codes_;
    std::string dict_why_;
    uint32_t version_ = 0;
    std::string scratch_;
};

}  // namespace curcrunch::ingest::parquet
