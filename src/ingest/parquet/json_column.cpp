// JsonColumn: a MAP or LIST field (repeated leaves) -> a code of its JSON text per row
// (slot_columns.hpp). A batch is read leaf by leaf, a run at a time: the first leaf's
// repetition levels cut the batch's entries into rows, the second leaf (a map's values) must
// bring the same number of entries with the same levels, and only then is each row's sequence
// of entry codes looked up (seq_table_) for its JSON text, which is rendered once per distinct
// sequence. Dictionary-encoded leaves cost a table lookup per entry.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "curcrunch/ingest/parquet/slot_columns.hpp"
#include "leaf_text_coder.hpp"

namespace curcrunch::ingest::parquet {
namespace {

void append_json_string(std::string_view s, std::string& out) {
    out += '"';
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    out += '"';
}

bool is_json_number(std::string_view s) {
    size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
    return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

// Marks an entry of a row that is there but has no key/value of its own (an empty or null map
// or list: definition level below the repeated field's).
constexpr uint32_t kNoEntry = UINT32_MAX - 2;

class JsonColumn final : public SlotColumn {
  public:
    JsonColumn(int slot, std::string name, std::vector<LeafCursor> leaves,
               std::vector<const LeafColumn*> metas, bool is_map)
        : SlotColumn(slot, std::move(name)),
          c_(std::move(leaves)),
          meta_(std::move(metas)),
          is_map_(is_map) {
        for (const LeafColumn* m : meta_)
            coders_.emplace_back(*m, TextAs::text);
    }

    void read(size_t n, TextTable& t, std::vector<BadValue>& bad) override {
        codes.resize(n);
        begin_batch();
        bad_rows_.assign(n, 0);
        row_begin_.resize(n + 1);
        const size_t entries = read_first_leaf(n, bad);
        if (c_.size() > 1) read_second_leaf(entries, n, bad);
        row_begin_[n] = entries;
        const size_t step = c_.size();
        const size_t* const row_begin = row_begin_.data();
        const uint8_t* const bad_row = bad_rows_.data();
        const uint32_t* const keys = code_[0].data();
        const uint32_t* const values = step > 1 ? code_[1].data() : nullptr;
        uint32_t* const out = codes.data();
        for (size_t r = 0; r < n; ++r) {
            const size_t b = row_begin[r], e = row_begin[r + 1];
            // A row whose entries are the row before's, code for code (a fleet's instances,
            // one product's line items), takes that row's code without gathering them.
            if (r > 0 && !bad_row[r] && !bad_row[r - 1] &&
                same_entries(keys, values, row_begin[r - 1], b, e)) {
                out[r] = out[r - 1];
                continue;
            }
            entries_.clear();
            for (size_t i = b; i < e; ++i) {
                const uint32_t k = keys[i];
                if (k == kNoEntry) continue;
                if (is_map_ && k == kNullCode) continue;  // a map entry without a key is not data
                entries_.push_back(k);
                if (values) entries_.push_back(values[i]);
            }
            if (bad_row[r]) {
                out[r] = 0;
            } else if (entries_ == last_entries_) {
                out[r] = last_code_;  // rows often repeat the one before (a fleet's instances)
            } else {
                out[r] = last_code_ = finish_row(t);
                last_entries_.swap(entries_);
            }
        }
    }
    uint32_t page() const override { return const_cast<LeafCursor&>(c_[0]).reader().page_index(); }
    bool values_left() override {
        for (LeafCursor& c : c_)
            if (c.ready()) return true;
        return false;
    }
    uint64_t bytes_decompressed() const override {
        uint64_t b = 0;
        for (const LeafCursor& c : c_)
            b += const_cast<LeafCursor&>(c).reader().bytes_decompressed();
        return b;
    }

  private:
    // The first leaf's entries of the next n rows into code_[0] and rep_; row_begin_[r] is the
    // first entry of row r. A row ends where the next one starts (repetition level 0) or where
    // the chunk ends. Returns the number of entries.
    size_t read_first_leaf(size_t n, std::vector<BadValue>& bad) {
        LeafCursor& c = c_[0];
        const LeafColumn& m = *meta_[0];
        const uint8_t max_def = static_cast<uint8_t>(m.max_def);
        const uint8_t repeated_def = static_cast<uint8_t>(m.repeated_def);
        size_t rows = 0, e = 0;
        while (c.ready()) {
            const ColumnRun& run = c.run_;
            size_t j = c.pos_;
            const uint8_t first_rep = run.rep ? run.rep[j] : 0;
            note_page(first_rep == 0 || rows == 0 ? rows : rows - 1, c.reader().page_index());
            grow(e + (run.entries - j));
            const uint32_t* dict =
                run.dictionary ? coders_[0].dictionary_codes(c.reader(), table_) : nullptr;
            // Everything the loop reads is in locals: its byte stores (rep_out) may alias any
            // object, so members read through `run` or `c` would be loaded again per entry.
            uint8_t* const rep_out = rep_.data();
            uint32_t* const code_out = code_[0].data();
            size_t* const row_begin = row_begin_.data();
            const uint8_t* const rep_in = run.rep;
            const uint8_t* const def_in = run.def;
            const uint32_t* const indices = run.indices;
            const size_t end = run.entries;
            size_t vpos = c.vpos_;
            for (; j < end; ++j, ++e) {
                const uint8_t rep = rep_in ? rep_in[j] : 0;
                if (rep == 0) {
                    if (rows == n) break;
                    row_begin[rows++] = e;
                } else if (rows == 0) {
                    fail_format("column '" + name_ + "' starts a row with a repeated entry");
                }
                rep_out[e] = rep;
                const uint8_t def = def_in ? def_in[j] : max_def;
                uint32_t code;
                if (def < repeated_def) {
                    code = kNoEntry;
                } else if (def != max_def) {
                    code = kNullCode;
                } else if (dict) {
                    code = dict[indices[vpos++]];
                    if (code == kBadCode) code = bad_value(0, rows - 1, bad);
                } else {
                    c.vpos_ = vpos;
                    code = plain_code(0, c, rows - 1, bad);
                    vpos = c.vpos_;
                }
                code_out[e] = code;
            }
            c.vpos_ = vpos;
            c.pos_ = j;
            if (rows == n && j < run.entries) return e;
        }
        if (rows < n) column_ends(name_, rows);
        return e;
    }

    // A map's values: exactly `entries` entries, level for level with the keys. The row of an
    // entry is looked up only for a bad value: the loop stays a table lookup per entry.
    void read_second_leaf(size_t entries, size_t n, std::vector<BadValue>& bad) {
        LeafCursor& c = c_[1];
        const uint8_t max_def = static_cast<uint8_t>(meta_[1]->max_def);
        size_t e = 0;
        while (e < entries) {
            if (!c.ready()) column_ends(name_, e == 0 ? 0 : row_of(e - 1, n));
            const ColumnRun& run = c.run_;
            const size_t from = c.pos_;
            const size_t k = std::min(entries - e, run.entries - from);
            if (!same_levels(run, from, e, k))
                fail_format("map column '" + name_ + "': key and value levels disagree");
            const uint32_t* dict =
                run.dictionary ? coders_[1].dictionary_codes(c.reader(), table_) : nullptr;
            uint32_t* const code_out = code_[1].data() + e;
            const uint8_t* const def_in = run.def ? run.def + from : nullptr;
            const uint32_t* const indices = run.indices;
            size_t vpos = c.vpos_;
            for (size_t i = 0; i < k; ++i) {
                const uint8_t def = def_in ? def_in[i] : max_def;
                uint32_t code;
                if (def != max_def) {
                    code = kNullCode;
                } else if (dict) {
                    code = dict[indices[vpos++]];
                    if (code == kBadCode) code = bad_value(1, row_of(e + i, n), bad);
                } else {
                    c.vpos_ = vpos;
                    code = plain_code(1, c, row_of(e + i, n), bad);
                    vpos = c.vpos_;
                }
                code_out[i] = code;
            }
            c.vpos_ = vpos;
            c.pos_ += k;
            e += k;
        }
    }

    // Whether the run's repetition levels from `from` on are the keys' from entry `e` on, for
    // k entries (a run without levels has level 0 throughout).
    bool same_levels(const ColumnRun& run, size_t from, size_t e, size_t k) const {
        if (run.rep) return std::memcmp(run.rep + from, rep_.data() + e, k) == 0;
        return std::all_of(rep_.begin() + static_cast<std::ptrdiff_t>(e),
                           rep_.begin() + static_cast<std::ptrdiff_t>(e + k),
                           [](uint8_t r) { return r == 0; });
    }

    // The row (of the batch's n) that entry e belongs to: the last row starting at or before it.
    size_t row_of(size_t e, size_t n) const {
        const auto first = row_begin_.begin();
        return static_cast<size_t>(
                   std::upper_bound(first, first + static_cast<std::ptrdiff_t>(n), e) - first) -
               1;
    }

    // Whether the entries [b, e) of a row are those of the row before, [pb, b), code for code
    // (values null: a list, keys only), before any filtering: the filtered entries, and so the
    // JSON text, are then the same too.
    static bool same_entries(const uint32_t* keys, const uint32_t* values, size_t pb, size_t b,
                             size_t e) {
        if (e - b != b - pb) return false;
        for (size_t i = 0; i < e - b; ++i)
            if (keys[b + i] != keys[pb + i] || (values && values[b + i] != values[pb + i]))
                return false;
        return true;
    }

    // The code of the plain (not dictionary) value at the cursor's position; a value that cannot
    // be text marks row `row` bad.
    uint32_t plain_code(size_t leaf, LeafCursor& c, size_t row, std::vector<BadValue>& bad) {
        const uint32_t code = coders_[leaf].code(c.reader(), c.run_, c.vpos_++, table_, why_);
        return code != kBadCode ? code : bad_value(leaf, row, bad, false);
    }

    // Records a value of row `row` that cannot be text (a dictionary entry's reason, unless
    // `why_` already holds a plain value's) and gives the null code in its place.
    uint32_t bad_value(size_t leaf, size_t row, std::vector<BadValue>& bad,
                       bool from_dictionary = true) {
        if (from_dictionary) why_ = coders_[leaf].dictionary_why();
        bad.push_back(BadValue{static_cast<uint32_t>(row), slot_, page(), why_});
        bad_rows_[row] = 1;
        return kNullCode;
    }

    void grow(size_t entries) {
        if (rep_.size() >= entries) return;
        const size_t size = std::max(entries, rep_.size() * 2);
        rep_.resize(size);
        for (auto& c : code_)
            c.resize(size);
    }

    uint32_t finish_row(TextTable& t) {
        if (entries_.empty()) return 0;
        const uint32_t seq = seq_table_.intern(
            std::string_view(reinterpret_cast<const char*>(entries_.data()), entries_.size() * 4));
        if (seq < json_of_seq_.size() && json_of_seq_[seq] != kBadCode) return json_of_seq_[seq];
        json_.clear();
        const size_t step = is_map_ ? 2 : 1;
        json_ += is_map_ ? '{' : '[';
        for (size_t i = 0; i < entries_.size(); i += step) {
            if (i) json_ += ',';
            if (is_map_) {
                append_json_string(table_.text(entries_[i]), json_);
                json_ += ':';
            }
            const uint32_t v = entries_[i + step - 1];
            const size_t leaf = step - 1;
            if (v == kNullCode) {
                json_ += "null";
            } else if (coders_[leaf].values().numeric()) {
                const std::string_view num = table_.text(v);
                json_ += is_json_number(num) ? num : std::string_view("null");
            } else {
                append_json_string(table_.text(v), json_);
            }
        }
        json_ += is_map_ ? '}' : ']';
        if (json_of_seq_.size() <= seq) json_of_seq_.resize(seq + 1, kBadCode);
        return json_of_seq_[seq] = t.intern(json_);
    }

    std::vector<LeafCursor> c_;
    std::vector<const LeafColumn*> meta_;
    bool is_map_;
    std::vector<LeafTextCoder> coders_;
    TextTable table_;      // the entries' key and value texts
    TextTable seq_table_;  // a row's entry codes, as bytes
    std::vector<uint32_t> json_of_seq_;
    // The batch: per entry its first leaf's repetition level and each leaf's code; per row its
    // first entry and whether a value of it was bad.
    std::vector<uint8_t> rep_;
    std::vector<uint32_t> code_[2];
    std::vector<size_t> row_begin_;
    std::vector<uint8_t> bad_rows_;
    std::vector<uint32_t> entries_;
    // The last row's entry codes and its code (entries are codes of table_, which lives as long
    // as this column: one row group).
    std::vector<uint32_t> last_entries_ = {kNoEntry};
    uint32_t last_code_ = 0;
    std::string json_, why_;
};

}  // namespace

std::unique_ptr<SlotColumn> make_json_column(int slot, std::string name,
                                             std::vector<LeafCursor> leaves,
                                             std::vector<const LeafColumn*> metas, bool is_map) {
    return std::make_unique<JsonColumn>(slot, std::move(name), std::move(leaves), std::move(metas),
                                        is_map);
}

}  // namespace curcrunch::ingest::parquet
