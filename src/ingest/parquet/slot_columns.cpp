#include "curcrunch/ingest/parquet/slot_columns.hpp"

#include <algorithm>
#include <cstring>

namespace curcrunch::ingest::parquet {
namespace {

constexpr uint32_t kBadCode = UINT32_MAX;
constexpr uint32_t kNullCode = UINT32_MAX - 1;

[[noreturn]] void column_ends(const std::string& name, size_t rows) {
    fail_format("column '" + name + "' ends after " + std::to_string(rows) +
                " rows of the batch; the row group says it has more");
}

// Text codes of one leaf's values: dictionary entries rendered once per dictionary, plain
// values rendered and interned one by one.
class LeafTextCoder {
  public:
    LeafTextCoder(const LeafColumn& leaf, bool day_only) : values_(leaf, day_only) {}

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

class TextColumn final : public SlotColumn {
  public:
    TextColumn(int slot, std::string name, LeafCursor c, const LeafColumn& leaf, bool day_only)
        : SlotColumn(slot, std::move(name)),
          c_(std::move(c)),
          coder_(leaf, day_only),
          max_def_(static_cast<uint8_t>(leaf.max_def)) {}

    void read(size_t n, TextTable& t, std::vector<BadValue>& bad) override {
        codes.resize(n);
        begin_batch();
        size_t done = 0;
        while (done < n) {
            if (!c_.ready()) column_ends(name_, done);
            note_page(done, r().page_index());
            const ColumnRun& run = c_.run_;
            const size_t k = std::min(n - done, run.entries - c_.pos_);
            uint32_t* out = codes.data() + done;
            const uint8_t* def = run.def ? run.def + c_.pos_ : nullptr;
            if (run.dictionary && r().dictionary_version() == version_seen_) {
                // The hot loop: a dictionary column is a table lookup per row, no text touched.
                const uint32_t* idx = run.indices;
                const uint32_t* map = dict_codes_.data();
                size_t v = c_.vpos_;
                if (!def) {
                    for (size_t j = 0; j < k; ++j)
                        out[j] = map[idx[v + j]];
                    v += k;
                } else {
                    for (size_t j = 0; j < k; ++j)
                        out[j] = def[j] == max_def_ ? map[idx[v++]] : 0;
                }
                c_.vpos_ = v;
                if (dict_has_bad_) mark_bad(out, k, done, bad);
            } else {
                for (size_t j = 0; j < k; ++j) {
                    if (def && def[j] != max_def_) {
                        out[j] = 0;
                        continue;
                    }
                    out[j] = coder_.code(r(), run, c_.vpos_++, t, why_);
                    if (out[j] == kBadCode) {
                        bad.push_back(
                            BadValue{static_cast<uint32_t>(done + j), slot_, page(), why_});
                        out[j] = 0;
                    }
                }
                if (run.dictionary) snapshot_dictionary(t);
            }
            c_.pos_ += k;
            done += k;
        }
    }
    uint32_t page() const override { return c_reader().page_index(); }
    uint64_t bytes_decompressed() const override { return c_reader().bytes_decompressed(); }

  private:
    ColumnChunkReader& r() { return c_.reader(); }
    const ColumnChunkReader& c_reader() const { return const_cast<LeafCursor&>(c_).reader(); }
    // After the coder has loaded a dictionary, keep its codes for the lookup loop.
    void snapshot_dictionary(TextTable& t) {
        const ValueRun& d = r().dictionary();
        dict_codes_.resize(d.count);
        dict_has_bad_ = false;
        std::string why;
        ColumnRun probe;
        probe.dictionary = true;
        for (uint32_t i = 0; i < d.count; ++i) {
            probe.indices = &i;
            dict_codes_[i] = coder_.code(r(), probe, 0, t, why);
            if (dict_codes_[i] == kBadCode) {
                dict_has_bad_ = true;
                dict_why_ = why;
            }
        }
        version_seen_ = r().dictionary_version();
    }
    void mark_bad(uint32_t* out, size_t k, size_t done, std::vector<BadValue>& bad) {
        for (size_t j = 0; j < k; ++j)
            if (out[j] == kBadCode) {
                bad.push_back(BadValue{static_cast<uint32_t>(done + j), slot_, page(), dict_why_});
                out[j] = 0;
            }
    }

    LeafCursor c_;
    LeafTextCoder coder_;
    uint8_t max_def_;
    std::string why_;
    std::vector<uint32_t> dict_codes_;
    bool dict_has_bad_ = false;
    std::string dict_why_;
    uint32_t version_seen_ = 0;
};

class AmountColumn final : public SlotColumn {
  public:
    AmountColumn(int slot, std::string name, LeafCursor c, const LeafColumn& leaf)
        : SlotColumn(slot, std::move(name)),
          c_(std::move(c)),
          values_(leaf, false),
          max_def_(static_cast<uint8_t>(leaf.max_def)) {}

    void read(size_t n, TextTable&, std::vector<BadValue>& bad) override {
        amounts.resize(n);
        begin_batch();
        size_t done = 0;
        while (done < n) {
            if (!c_.ready()) column_ends(name_, done);
            note_page(done, c_.reader().page_index());
            const ColumnRun& run = c_.run_;
            const size_t k = std::min(n - done, run.entries - c_.pos_);
            Amount* out = amounts.data() + done;
            const uint8_t* def = run.def ? run.def + c_.pos_ : nullptr;
            if (run.dictionary && c_.reader().dictionary_version() != version_) load_dictionary();
            for (size_t j = 0; j < k; ++j) {
                if (def && def[j] != max_def_) {
                    out[j] = 0;  // null: as an empty CSV field
                    continue;
                }
                const size_t v = c_.vpos_++;
                if (run.dictionary) {
                    const uint32_t i = run.indices[v];
                    out[j] = dict_[i];
                    if (!dict_ok_[i]) {
                        bad.push_back(
                            BadValue{static_cast<uint32_t>(done + j), slot_, page(), dict_why_});
                        out[j] = 0;
                    }
                } else if (!values_.amount(run.plain, v, out[j], why_)) {
                    bad.push_back(BadValue{static_cast<uint32_t>(done + j), slot_, page(), why_});
                    out[j] = 0;
                }
            }
            c_.pos_ += k;
            done += k;
        }
    }
    uint32_t page() const override { return const_cast<LeafCursor&>(c_).reader().page_index(); }
    uint64_t bytes_decompressed() const override {
        return const_cast<LeafCursor&>(c_).reader().bytes_decompressed();
    }

  private:
    void load_dictionary() {
        const ValueRun& d = c_.reader().dictionary();
        dict_.resize(d.count);
        dict_ok_.resize(d.count);
        for (size_t i = 0; i < d.count; ++i) {
            std::string why;
            dict_ok_[i] = values_.amount(d, i, dict_[i], why);
            if (!dict_ok_[i]) dict_why_ = why;
        }
        version_ = c_.reader().dictionary_version();
    }

    LeafCursor c_;
    LeafValues values_;
    uint8_t max_def_;
    std::string why_;
    std::vector<Amount> dict_;
    std::vector<uint8_t> dict_ok_;
    std::string dict_why_;
    uint32_t version_ = 0;
};

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

class JsonColumn final : public SlotColumn {
  public:
    JsonColumn(int slot, std::string name, std::vector<LeafCursor> leaves,
               std::vector<const LeafColumn*> metas, bool is_map)
        : SlotColumn(slot, std::move(name)),
          c_(std::move(leaves)),
          meta_(std::move(metas)),
          is_map_(is_map) {
        for (const LeafColumn* m : meta_)
            coders_.emplace_back(*m, false);
    }

    void read(size_t n, TextTable& t, std::vector<BadValue>& bad) override {
        codes.resize(n);
        begin_batch();
        size_t rows = 0;
        while (rows < n) {
            const bool have = c_[0].ready();
            if (have) note_page(rows, c_[0].reader().page_index());
            if (have && (!open_ || c_[0].run_.rep[c_[0].pos_] != 0)) {
                consume_entry(rows, bad);
                continue;
            }
            if (!open_) column_ends(name_, rows);
            codes[rows] = bad_row_ ? 0 : finish_row(t);
            ++rows;
            open_ = false;
        }
    }
    uint32_t page() const override { return const_cast<LeafCursor&>(c_[0]).reader().page_index(); }
    uint64_t bytes_decompressed() const override {
        uint64_t b = 0;
        for (const LeafCursor& c : c_)
            b += const_cast<LeafCursor&>(c).reader().bytes_decompressed();
        return b;
    }

  private:
    // One level entry of every leaf (they move together: a map's key and value share their
    // repetition levels).
    void consume_entry(size_t row, std::vector<BadValue>& bad) {
        uint32_t vals[2] = {kNullCode, kNullCode};
        bool exists = false;
        uint8_t rep0 = 0;
        for (size_t l = 0; l < c_.size(); ++l) {
            LeafCursor& c = c_[l];
            if (l > 0 && !c.ready()) column_ends(name_, row);
            const ColumnRun& run = c.run_;
            const uint8_t rep = run.rep ? run.rep[c.pos_] : 0;
            const uint8_t def = run.def ? run.def[c.pos_] : static_cast<uint8_t>(meta_[l]->max_def);
            if (l == 0) {
                rep0 = rep;
                exists = def >= meta_[0]->repeated_def;
            } else if (rep != rep0) {
                fail_format("map column '" + name_ + "': key and value levels disagree");
            }
            if (def == meta_[l]->max_def) {
                std::string why;
                vals[l] = coders_[l].code(c.reader(), run, c.vpos_++, scratch_table_, why);
                if (vals[l] == kBadCode) {
                    bad.push_back(BadValue{static_cast<uint32_t>(row), slot_, page(), why});
                    bad_row_ = true;
                }
            }
            ++c.pos_;
        }
        if (rep0 == 0) {
            if (open_) fail_format("map column '" + name_ + "': entry levels out of order");
            open_ = true;
            bad_row_ = false;
            entries_.clear();
            for (const BadValue& b : bad)  // a bad value found above belongs to this new row
                if (b.row == row && b.slot == slot_) bad_row_ = true;
        } else if (!open_) {
            fail_format("column '" + name_ + "' starts a row with a repeated entry");
        }
        if (!exists) return;
        if (is_map_ && vals[0] == kNullCode) return;  // a map entry without a key is not data
        entries_.push_back(vals[0]);
        if (is_map_) entries_.push_back(vals[1]);
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
                append_json_string(scratch_table_.text(entries_[i]), json_);
                json_ += ':';
            }
            const uint32_t v = entries_[i + step - 1];
            const size_t leaf = step - 1;
            if (v == kNullCode) {
                json_ += "null";
            } else if (coders_[leaf].values().numeric()) {
                const std::string_view num = scratch_table_.text(v);
                json_ += is_json_number(num) ? num : std::string_view("null");
            } else {
                append_json_string(scratch_table_.text(v), json_);
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
    TextTable scratch_table_;  // the entries' key and value texts
    TextTable seq_table_;      // a row's entry codes, as bytes
    std::vector<uint32_t> json_of_seq_;
    std::vector<uint32_t> entries_;
    std::string json_;
    bool open_ = false, bad_row_ = false;
};

}  // namespace

std::unique_ptr<SlotColumn> make_text_column(int slot, std::string name, LeafCursor leaf,
                                             const LeafColumn& meta, bool day_only) {
    return std::make_unique<TextColumn>(slot, std::move(name), std::move(leaf), meta, day_only);
}

std::unique_ptr<SlotColumn> make_amount_column(int slot, std::string name, LeafCursor leaf,
                                               const LeafColumn& meta) {
    return std::make_unique<AmountColumn>(slot, std::move(name), std::move(leaf), meta);
}

std::unique_ptr<SlotColumn> make_json_column(int slot, std::string name,
                                             std::vector<LeafCursor> leaves,
                                             std::vector<const LeafColumn*> metas, bool is_map) {
    return std::make_unique<JsonColumn>(slot, std::move(name), std::move(leaves), std::move(metas),
                                        is_map);
}

}  // namespace curcrunch::ingest::parquet
