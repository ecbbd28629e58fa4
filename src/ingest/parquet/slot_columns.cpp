#include "curcrunch/ingest/parquet/slot_columns.hpp"

#include <algorithm>
#include <cstring>

#include "leaf_text_coder.hpp"

namespace curcrunch::ingest::parquet {
namespace {

class TextColumn final : public SlotColumn {
  public:
    TextColumn(int slot, std::string name, LeafCursor c, const LeafColumn& leaf, TextAs as)
        : SlotColumn(slot, std::move(name)),
          c_(std::move(c)),
          coder_(leaf, as),
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
            // A run without nulls needs no look at its levels.
            const uint8_t* def = run.def && run.values != run.entries ? run.def + c_.pos_ : nullptr;
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
    bool values_left() override { return c_.ready(); }
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
          values_(leaf, TextAs::text),
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
            // A run without nulls needs no look at its levels.
            const uint8_t* def = run.def && run.values != run.entries ? run.def + c_.pos_ : nullptr;
            if (run.dictionary && c_.reader().dictionary_version() != version_) load_dictionary();
            if (run.dictionary && !def && dict_all_ok_) {
                // The hot loop: every entry converted once per dictionary, a lookup per row.
                const uint32_t* idx = run.indices + c_.vpos_;
                const Amount* map = dict_.data();
                for (size_t j = 0; j < k; ++j)
                    out[j] = map[idx[j]];
                c_.vpos_ += k;
                c_.pos_ += k;
                done += k;
                continue;
            }
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
    bool values_left() override { return c_.ready(); }
    uint64_t bytes_decompressed() const override {
        return const_cast<LeafCursor&>(c_).reader().bytes_decompressed();
    }

  private:
    void load_dictionary() {
        const ValueRun& d = c_.reader().dictionary();
        dict_.resize(d.count);
        dict_ok_.resize(d.count);
        dict_all_ok_ = true;
        for (size_t i = 0; i < d.count; ++i) {
            std::string why;
            dict_ok_[i] = values_.amount(d, i, dict_[i], why);
            if (!dict_ok_[i]) {
                dict_why_ = why;
                dict_all_ok_ = false;
            }
        }
        version_ = c_.reader().dictionary_version();
    }

    LeafCursor c_;
    LeafValues values_;
    uint8_t max_def_;
    std::string why_;
    std::vector<Amount> dict_;
    std::vector<uint8_t> dict_ok_;
    bool dict_all_ok_ = false;
    std::string dict_why_;
    uint32_t version_ = 0;
};

}  // namespace

std::unique_ptr<SlotColumn> make_text_column(int slot, std::string name, LeafCursor leaf,
                                             const LeafColumn& meta, TextAs as) {
    return std::make_unique<TextColumn>(slot, std::move(name), std::move(leaf), meta, as);
}

std::unique_ptr<SlotColumn> make_amount_column(int slot, std::string name, LeafCursor leaf,
                                               const LeafColumn& meta) {
    return std::make_unique<AmountColumn>(slot, std::move(name), std::move(leaf), meta);
}

}  // namespace curcrunch::ingest::parquet
