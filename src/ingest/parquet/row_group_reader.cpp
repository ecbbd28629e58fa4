#include "curcrunch/ingest/parquet/row_group_reader.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/hash.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/parquet/slot_columns.hpp"
#include "curcrunch/ingest/row_decoder.hpp"

namespace curcrunch::ingest::parquet {
namespace {

constexpr size_t kBatchRows = kRunEntries;
constexpr uint64_t kMaxRowGroupRows = uint64_t(1) << 32;

bool is_amount_slot(int s) {
    switch (s) {
        case kUnblendedCost:
        case kBlendedCost:
        case kNetUnblendedCost:
        case kUsageAmount:
        case kPublicOnDemandCost:
        case kRiEffectiveCost:
        case kSpEffectiveCost:
        case kRiUnusedAmortizedFee:
        case kRiUnusedRecurringFee:
        case kSpTotalCommitment:
        case kSpUsedCommitment:
        case kFocusEffectiveCost:
            return true;
        default:
            return false;
    }
}

// Whether a text slot is part of the row key. The invoice id (coverage, not a group) and the net
// commitment amounts (text here, so a null stays distinguishable from 0; measures, not groups)
// are not; the reservation ARN is, since its account is the commitment owner, a dimension.
bool keyed_slot(int s) {
    switch (s) {
        case kInvoiceId:
        case kNetSpEffectiveCost:
        case kNetSpAmortizedUpfront:
        case kNetSpRecurring:
        case kNetRiEffectiveCost:
        case kNetRiUnusedAmortizedFee:
        case kNetRiUnusedRecurringFee:
            return false;
        default:
            return true;
    }
}

}  // namespace

std::string row_group_context(size_t group, const std::string& column, uint32_t page,
                              uint64_t row) {
    std::string s = "row group " + std::to_string(group);
    if (!column.empty()) s += ", column '" + shown_text(column) + "'";
    if (page > 0) s += ", page " + std::to_string(page);
    if (row > 0) s += ", row " + std::to_string(row);
    return s;
}

ParquetPlan plan_parquet(const ParquetFile& file) {
    ParquetPlan plan;
    const SchemaTree& tree = file.tree();
    for (const TopField& f : tree.fields)
        plan.schema.columns.push_back(f.name);
    plan.schema.format.quoting = false;  // spans are exact texts: no quotes, no null token
    resolve_columns(plan.schema, file.path() + ": schema");
    plan.wanted.assign(tree.leaves.size(), 0);
    for (size_t s = 0; s < plan.schema.slot_count(); ++s) {
        const int32_t col = plan.schema.column_of_slot[s];
        if (col < 0) continue;
        const TopField& f = tree.fields[static_cast<size_t>(col)];
        const int slot = static_cast<int>(s);
        SlotSource src{slot, static_cast<uint32_t>(col), SourceKind::text, true};
        const LeafColumn& first = tree.leaves[f.leaves.at(0)];
        const auto refuse = [&](const std::string& why) {
            throw_input(file.path() + ": schema: column '" + f.name + "' " + why);
        };
        if (first.max_rep > 0) {
            if (is_amount_slot(slot)) refuse("is a repeated (MAP/LIST) field; expected a number");
            if (f.leaves.size() == 2 && f.logical != Logical::list) {
                src.kind = SourceKind::json_map;
            } else if (f.leaves.size() == 1) {
                src.kind = SourceKind::json_list;
            } else {
                refuse("is a nested structure of " + std::to_string(f.leaves.size()) +
                       " columns; not supported");
            }
        } else if (f.leaves.size() != 1) {
            refuse("is a struct of " + std::to_string(f.leaves.size()) +
                   " columns; expected a single value");
        } else if (is_amount_slot(slot)) {
            std::string why;
            if (!LeafValues(first, TextAs::text).can_hold_amounts(why)) refuse(why);
            src.kind = SourceKind::amount;
            src.in_key = false;
            plan.amount_slots |= uint64_t(1) << slot;
        } else if (slot == kUsageStart || slot == kBillingPeriodStart) {
            src.kind = SourceKind::day;
        }
        if (!keyed_slot(slot)) src.in_key = false;
        for (uint32_t leaf : f.leaves)
            plan.wanted[leaf] = 1;
        plan.sources.push_back(src);
    }
    uint64_t rows = 0;
    for (int64_t r : file.meta().row_group_rows) {
        plan.first_row.push_back(rows);
        rows += static_cast<uint64_t>(r);
    }
    return plan;
}

void RowGroupReader::find_runs(const std::vector<SlotColumn*>& key_cols, size_t key_len,
                               const SlotColumn* invoice_col, const std::vector<BadValue>& bad,
                               size_t n) {
    // Column by column, so each comparison loop is a vector compare over the batch.
    brk_.assign(n, 0);
    uint8_t* b = brk_.data();
    b[0] = 1;
    auto differs = [&](const uint32_t* c) {
        for (size_t r = 1; r < n; ++r)
            b[r] |= static_cast<uint8_t>(c[r] != c[r - 1]);
    };
    for (size_t t = 0; t < key_len; ++t)
        differs(key_cols[t]->codes.data());
    if (invoice_col) differs(invoice_col->codes.data());
    for (const BadValue& v : bad) {
        b[v.row] = 1;
        if (v.row + 1 < n) b[v.row + 1] = 1;
    }
    starts_.clear();
    for (size_t r = 0; r < n; ++r)
        if (b[r]) starts_.push_back(static_cast<uint32_t>(r));
}

void RowGroupReader::hash_keys(const std::vector<SlotColumn*>& key_cols, size_t key_len) {
    // A column at a time, so each run's chain of multiplies overlaps with the other runs'
    // instead of waiting on itself; mix64 in the caller spreads the high bits to the low ones
    // the code index probes with. Not hash_bytes of the key: code_index_ is this reader's own
    // and sees no other hash.
    const size_t runs = starts_.size();
    row_hash_.assign(runs, 0x9e3779b97f4a7c15ull);
    uint64_t* h = row_hash_.data();
    const uint32_t* first = starts_.data();
    for (size_t t = 0; t < key_len; ++t) {
        const uint32_t* c = key_cols[t]->codes.data();
        for (size_t i = 0; i < runs; ++i) {
            const uint64_t x = (h[i] ^ c[first[i]]) * 0xbf58476d1ce4e5b9ull;
            h[i] = (x << 29) | (x >> 35);
        }
    }
}

RowGroupResult RowGroupReader::read(const ParquetFile& file, const ParquetPlan& plan, size_t index,
                                    Rollup& out, Period period_override, bool skip,
                                    const std::function<void(RowProblem)>& bad_row,
                                    std::string_view fallback_payer,
                                    const std::function<bool(uint64_t)>* may_flush) {
    RowGroupResult res;
    const RowGroupMeta rg = file.row_group(index, plan.wanted);
    const SchemaTree& tree = file.tree();
    const Schema& schema = plan.schema;

    // One reader per wanted leaf, grouped into the slot columns; their page buffers are charged
    // to one budget, which outlives them, and through it to the ingest's pool.
    PageBudget pages(page_pool_);
    std::vector<std::unique_ptr<SlotColumn>> cols;
    std::vector<SlotColumn*> text_cols, amount_cols;
    for (const SlotSource& src : plan.sources) {
        const TopField& f = tree.fields[src.field];
        std::vector<LeafCursor> cursors;
        std::vector<const LeafColumn*> metas;
        for (uint32_t leaf : f.leaves) {
            const LeafColumn& lc = tree.leaves[leaf];
            try {
                cursors.emplace_back(std::make_unique<ColumnChunkReader>(
                    file.data(), file.data_end(), rg.columns[leaf], lc, codec_, &pages));
            } catch (const FormatError& e) {
                fail_format("column '" + lc.path + "': " + e.what());
            }
            metas.push_back(&lc);
        }
        std::unique_ptr<SlotColumn> c;
        switch (src.kind) {
            case SourceKind::text:
            case SourceKind::day:
                c = make_text_column(src.slot, f.name, std::move(cursors[0]), *metas[0],
                                     src.kind == SourceKind::day ? TextAs::day
                                     : (src.slot == kPayer || src.slot == kUsageAccount) &&
                                             schema.dialect != Dialect::focus10 &&
                                             schema.dialect != Dialect::focus12
                                         ? TextAs::account_id  // FOCUS ids are any provider's
                                         : TextAs::text);
                break;
            case SourceKind::amount:
                c = make_amount_column(src.slot, f.name, std::move(cursors[0]), *metas[0]);
                break;
            case SourceKind::json_map:
            case SourceKind::json_list:
                c = make_json_column(src.slot, f.name, std::move(cursors), std::move(metas),
                                     src.kind == SourceKind::json_map);
                break;
        }
        (src.kind == SourceKind::amount ? amount_cols : text_cols).push_back(c.get());
        cols.push_back(std::move(c));
    }
    // Key columns first among the text columns, so the key is a prefix copy.
    std::stable_partition(text_cols.begin(), text_cols.end(),
                          [&](SlotColumn* c) { return keyed_slot(c->slot()); });
    const size_t key_len = static_cast<size_t>(std::count_if(
        text_cols.begin(), text_cols.end(), [](SlotColumn* c) { return keyed_slot(c->slot()); }));

    SlotColumn* invoice_col = nullptr;  // not part of the key, but counted per unit
    for (SlotColumn* c : text_cols)
        if (c->slot() == kInvoiceId) invoice_col = c;

    texts_.clear();
    code_index_.clear();
    spans_.assign(schema.slot_count(), FieldSpan{0, 0});
    amounts_.assign(kFixedSlots, 0);
    key_.resize(key_len);
    // Remade after a flush of `out` (see may_flush below), as CSV makes one per chunk.
    std::optional<RowDecoder> dec(std::in_place, schema, out, period_override, fallback_payer);
    TypedRow typed;
    typed.amounts = amounts_.data();
    typed.amount_slots = plan.amount_slots;
    typed.code_index = &code_index_;
    RowMeta meta{0, static_cast<uint32_t>(schema.columns.size()), 0, 0};
    std::vector<BadValue> bad;
    RowError err;

    typed.codes =
        std::string_view(reinterpret_cast<const char*>(key_.data()), key_len * sizeof(uint32_t));
    bool have_prev = false;       // key_ and typed.codes_hash hold an earlier row's codes
    RowKeyIndex::Ref repeat = 0;  // and this is their repeat_of

    const uint64_t total = static_cast<uint64_t>(rg.num_rows);
    // A row group is read into a worker's rollup whole, between the engine's checks of its
    // sums; its size bounds them (core/money.hpp). Writers make row groups of about a million
    // rows; RLE could claim far more in a few bytes.
    if (total > kMaxRowGroupRows)
        fail_format("row group of " + std::to_string(total) + " rows; at most 2^32 are read");
    const uint64_t base_row = plan.first_row[index];
    for (uint64_t done = 0; done < total;) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kBatchRows, total - done));
        bad.clear();
        for (auto& c : cols) {
            try {
                c->read(n, texts_, bad);
            } catch (const FormatError& e) {
                fail_format("column '" + shown_text(c->name()) + "', page " +
                            std::to_string(c->page()) + ": " + e.what());
            }
        }
        std::sort(bad.begin(), bad.end(),
                  [](const BadValue& a, const BadValue& b) { return a.row < b.row; });
        find_runs(text_cols, key_len, invoice_col, bad, n);
        hash_keys(text_cols, key_len);
        const FieldSpan* table = texts_.spans();
        const char* buf = texts_.data();
        // The batch's columns as plain arrays: the loops below call into the decoder, after
        // which the compiler would load each column's vector again for every row.
        key_codes_.resize(key_len);
        for (size_t t = 0; t < key_len; ++t)
            key_codes_[t] = text_cols[t]->codes.data();
        amount_values_.clear();
        repeat_values_.clear();
        for (SlotColumn* c : amount_cols) {
            const auto slot = static_cast<size_t>(c->slot());
            amount_values_.emplace_back(slot, c->amounts.data());
            if (RowDecoder::kRepeatAmountSlots >> slot & 1)
                repeat_values_.emplace_back(slot, c->amounts.data());
        }
        const uint32_t* const* kc = key_codes_.data();
        // Row r of the batch through the decoder's full path: its text, every amount.
        auto add_row = [&](size_t r) {
            const uint64_t row = base_row + done + r + 1;  // 1-based within the file
            for (const auto& [slot, values] : amount_values_)
                amounts_[slot] = values[r];
            for (SlotColumn* c : text_cols)
                spans_[static_cast<size_t>(c->slot())] = table[c->codes[r]];
            meta.line = row;
            if (dec->add_row(buf, spans_.data(), meta, err, &typed)) {
                ++res.rows;
                return;
            }
            uint32_t page = 0;
            for (auto& c : cols)
                if (c->name() == err.column) page = c->page_of(r);
            if (!skip)
                throw_input(file.path() + ": " + row_group_context(index, err.column, page, row) +
                            ": " + err.message);
            ++res.skipped;
            RowProblem p;
            p.source = file.path();
            p.line = row;
            p.column = err.column;
            p.message = row_group_context(index, "", page, 0) + ": " + err.message;
            bad_row(std::move(p));
        };
        size_t next_bad = 0;
        const size_t runs = starts_.size();
        for (size_t i = 0; i < runs; ++i) {
            const size_t a = starts_[i], b = i + 1 < runs ? starts_[i + 1] : n;
            if (next_bad < bad.size() && bad[next_bad].row == a) {  // a run of its own
                const BadValue& v = bad[next_bad];
                const uint64_t row = base_row + done + a + 1;  // 1-based within the file
                const std::string column = schema.column_name(v.slot);
                while (next_bad < bad.size() && bad[next_bad].row == a)
                    ++next_bad;
                if (!skip)
                    throw_input(file.path() + ": " + row_group_context(index, column, v.page, row) +
                                ": " + v.message);
                ++res.skipped;
                RowProblem p;
                p.source = file.path();
                p.line = row;
                p.column = column;
                p.message = row_group_context(index, "", v.page, 0) + ": " + v.message;
                bad_row(std::move(p));
                continue;
            }
            // A run starts where the codes change, and also where only the invoice id does, or
            // at a batch's first row: then it keeps the run before's hash and code-index entry.
            bool same = have_prev;
            uint32_t* key = key_.data();
            for (size_t t = 0; t < key_len; ++t) {
                const uint32_t code = kc[t][a];
                same = same && key[t] == code;
                key[t] = code;
            }
            if (!same) {
                typed.codes_hash = mix64(row_hash_[i]);
                repeat = dec->repeat_of(typed);
                have_prev = true;
            } else if (repeat == 0) {
                repeat = dec->repeat_of(typed);  // the run before may have made the entry
            }
            const std::string_view invoice =
                invoice_col ? texts_.text(invoice_col->codes[a]) : std::string_view();
            for (size_t r = a; r < b; ++r) {
                // Most runs repeat the codes of an earlier row: their measures summed, no text.
                if (repeat != 0) {
                    for (const auto& [slot, values] : repeat_values_) {
                        Amount sum = 0;  // a row group's sums are bounded (core/money.hpp)
                        for (size_t k = r; k < b; ++k)
                            sum += values[k];
                        amounts_[slot] = sum;
                    }
                    dec->add_repeat(repeat, typed, invoice, b - r);
                    res.rows += b - r;
                    break;
                }
                add_row(r);
                repeat = dec->repeat_of(typed);  // the row may have made the entry
            }
        }
        done += n;
        // A row group of many distinct rows would otherwise hold all its groups in the worker's
        // rollup, unflushed, at once (a 300,000-row one took 3x the memory of the same rows as
        // CSV). Flushed here, the groups go to the shared rollup; the code index's entries point
        // into the worker's row keys, so they go too, and the decoder with its units.
        if (may_flush && done < total) {
            const uint64_t rows = res.rows + res.skipped - res.reported;
            res.reported += rows;
            if ((*may_flush)(rows)) {
                merge_unit_rows(res.units, dec->unit_rows());
                code_index_.clear();
                dec.emplace(schema, out, period_override, fallback_payer);
                have_prev = false;
                repeat = 0;
            }
        }
    }
    // Every column must end with the row group: a chunk holding more rows than the row group
    // says would have them dropped without a word (the opposite fails in read()).
    for (auto& c : cols) {
        bool left = false;
        try {
            left = c->values_left();
        } catch (const FormatError& e) {
            fail_format("column '" + shown_text(c->name()) + "', page " +
                        std::to_string(c->page()) + ": " + e.what());
        }
        if (left)
            fail_format("column '" + shown_text(c->name()) + "', page " +
                        std::to_string(c->page()) + ": holds values past the row group's " +
                        std::to_string(total) + " rows");
        res.bytes += c->bytes_decompressed();
    }
    merge_unit_rows(res.units, dec->unit_rows());
    return res;
}

}  // namespace curcrunch::ingest::parquet
