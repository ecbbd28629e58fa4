#pragma once
// Turns scanned rows (field spans in a chunk buffer) into rollup updates. One decoder per worker
// chunk; the rollup it writes to (and that rollup's RowKeyIndex) belongs to the worker thread, so
// most rows find all their groups with a single hash probe (see row_key_index.hpp).
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "curcrunch/ingest/chunk_scanner.hpp"
#include "curcrunch/ingest/commitment_cost.hpp"
#include "curcrunch/ingest/rollup.hpp"
#include "curcrunch/ingest/schema.hpp"
#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {

// Why a row was rejected: enough to print "file:line: column NAME: problem".
struct RowError {
    uint64_t line = 0;
    std::string column;  // header name, empty when the problem is the whole row
    std::string message;
};

// What a typed reader (Parquet) already knows about a row, so the decoder neither parses its
// amounts from text nor hashes its grouping strings: amounts come as exact values, and `codes`
// (the row's grouping fields as dictionary codes, meaningful within one row group) finds the
// row's composite in `code_index` once the first row with those codes was resolved from its
// text (the entry's Groups::composite).
struct TypedRow {
    const Amount* amounts = nullptr;  // per slot; read where bit `slot` of amount_slots is set
    uint64_t amount_slots = 0;
    std::string_view codes;
    uint64_t codes_hash = 0;
    RowKeyIndex* code_index = nullptr;  // cleared by its owner whenever `out`'s groups move
};

// Rows a decoder added per (payer, period) unit: which units a source fed, and the distinct
// invoice ids those rows carry (AWS leaves them blank until the bill is final): at most
// kMaxInvoiceIds of them, in the order first seen. A payer's month has one AWS invoice and a
// few Marketplace ones; the list only says that the bill is final and which invoices it has,
// so a file naming more (hostile or damaged) cannot grow it, or the time to search it, further.
inline constexpr size_t kMaxInvoiceIds = 100;
struct UnitRows {
    std::string payer;
    Period period = 0;
    uint64_t rows = 0;
    std::vector<std::string> invoice_ids;
    // Adds `id` unless it is listed already or the list is full.
    void add_invoice_id(std::string_view id);
};

// Adds `from` into `into` (rows summed, invoice ids united), in time linear in both sizes.
void merge_unit_rows(std::vector<UnitRows>& into, const std::vector<UnitRows>& from);
void sort_unit_rows(std::vector<UnitRows>& units);

class RowDecoder {
  public:
    // `period_override` > 0 forces every row into that billing period (manifest ingest);
    // `fallback_payer` is the payer of rows whose payer field is empty (the manifest's account).
    RowDecoder(const Schema& schema, Rollup& out, Period period_override,
               std::string_view fallback_payer = {});
    ~RowDecoder();
    RowDecoder(const RowDecoder&) = delete;
    RowDecoder& operator=(const RowDecoder&) = delete;

    // Adds one row; returns false and fills `err` when the row is bad (nothing was added).
    // Two copies, so that a row not timed for `ingest --stats` has no clock read, nor a test
    // for one; each compiled in a translation unit of its own (row_decoder_add.hpp says why).
    bool add_row(const char* buf, const FieldSpan* spans, const RowMeta& meta, RowError& err,
                 const TypedRow* typed = nullptr) {
        if (timer_) [[unlikely]]
            if (const uint64_t weight = add_row_sample_.due())
                return add_row_as<true>(buf, spans, meta, err, typed, weight);
        return add_row_as<false>(buf, spans, meta, err, typed, 0);
    }
    // The typed reader's fast path. repeat_of finds the code-index entry of a row whose codes
    // an earlier add_row of this decoder resolved and whose measures follow from its exact
    // amounts alone (no commitment rule that reads text), or 0: then the row must go through
    // add_row. add_repeat adds such a row's measures to that entry's composite and counts it
    // for its unit. The code index must not be cleared while this decoder lives (its entries
    // index repeats_); an entry found stays valid for later rows with the same codes.
    // A run of `rows` consecutive rows with the same codes and invoice id may come as one call,
    // their amounts summed slot by slot: the measures are sums of amounts, nothing else.
    RowKeyIndex::Ref repeat_of(const TypedRow& typed) const;
    void add_repeat(RowKeyIndex::Ref entry, const TypedRow& typed, std::string_view invoice_id,
                    uint64_t rows = 1);
    // The amount slots add_repeat reads (of those with a column).
    static constexpr uint64_t kRepeatAmountSlots =
        uint64_t(1) << kUnblendedCost | uint64_t(1) << kBlendedCost |
        uint64_t(1) << kNetUnblendedCost | uint64_t(1) << kUsageAmount |
        uint64_t(1) << kPublicOnDemandCost | uint64_t(1) << kFocusEffectiveCost;
    const std::vector<UnitRows>& unit_rows() const { return unit_rows_; }

  private:
    // add_row, with the row's aggregation timed for `ingest --stats` when kTimed (the row
    // standing for `weight` rows).
    template <bool kTimed>
    bool add_row_as(const char* buf, const FieldSpan* spans, const RowMeta& meta, RowError& err,
                    const TypedRow* typed, uint64_t weight);
    void add_repeat_measures(RowKeyIndex::Ref entry, const TypedRow& typed,
                             std::string_view invoice_id, uint64_t rows);
    // The text of a field: quotes removed, "" unescaped, the null token mapped to empty. `ok`
    // turns false for a malformed quoted field (text after the closing quote, or a lone quote
    // inside). Inline for the common field, unquoted with no null token to compare.
    std::string_view text(const char* buf, const FieldSpan* spans, int slot, bool& ok) {
        if (schema_.column_of_slot[static_cast<size_t>(slot)] < 0) return {};
        const FieldSpan f = spans[slot];
        const size_t n = f.end - f.begin;
        if (n == 0) return {};
        const char* b = buf + f.begin;
        if (plain_text_ && b[0] != '"') return {b, n};
        return text_slow(b, n, slot, ok);
    }
    std::string_view text_slow(const char* b, size_t n, int slot, bool& ok);
    bool amount(const char* buf, const FieldSpan* spans, int slot, Amount& out, RowError& err,
                uint64_t line);
    // As amount(), but `present` says whether the column exists and the field is not empty.
    bool optional_amount(const char* buf, const FieldSpan* spans, int slot, Amount& out,
                         bool& present, RowError& err, uint64_t line);
    bool net_amortized_of(const char* buf, const FieldSpan* spans, AmortizedRule rule,
                          Amount amortized, Amount net, Amount& out, RowError& err, uint64_t line);
    // Counts a row for its unit; consecutive rows nearly always share one and its invoice id.
    void count_unit_row(std::string_view payer, Period period, std::string_view invoice_id) {
        if (last_unit_ < unit_rows_.size()) {
            UnitRows& u = unit_rows_[last_unit_];
            if (u.period == period && u.payer == payer && last_invoice_ == invoice_id) {
                ++u.rows;
                return;
            }
        }
        count_unit_row_slow(payer, period, invoice_id);
    }
    void count_unit_row_slow(std::string_view payer, Period period, std::string_view invoice_id,
                             uint64_t rows = 1);
    bool day_of(std::string_view v, Day& out, int slot, Day& cache_day, std::string& cache_text);
    bool parse_json_tags(std::string_view json, RowError& err, uint64_t line, int slot);
    bool product_from_json(std::string_view json, std::string_view& name, std::string_view& region,
                           RowError& err, uint64_t line);
    // The row's composite entry in out_.row_keys (found or made); 0 when the row is bad.
    RowKeyIndex::Ref resolve_composite(const char* buf, const FieldSpan* spans,
                                       const std::string_view* dims, Period period, Day day,
                                       RowError& err, uint64_t line);
    // Interns a composite not seen before and finds its groups; 0 when the row is bad.
    RowKeyIndex::Ref new_composite(const char* buf, const FieldSpan* spans,
                                   const std::string_view* dims, std::string_view tags_json,
                                   std::string_view categories_json, Period period, Day day,
                                   uint64_t hash, RowError& err, uint64_t line);
    void fail(RowError& err, uint64_t line, int slot, std::string msg) const;
    void drop_repeated_tag_keys();
    bool check_no_bom(const std::string_view* dims, std::string_view tags_json,
                      std::string_view categories_json, const char* buf, const FieldSpan* sp,
                      RowError& err, uint64_t line);
    // False (with err set) when the payer a row's unit is keyed by cannot be one (see there).
    bool check_payer(std::string_view payer, RowError& err, uint64_t line) const;
    // False (with err set) when a row's currency is not a currency code (see there).
    bool check_currency(std::string_view currency, RowError& err, uint64_t line) const;

    // What add_repeat needs of a code-index entry: its unit and how its measures follow from
    // the row's amounts (the amortization rule depends only on grouping fields, so on codes).
    enum class RepeatKind : uint8_t { none, unblended, focus };
    struct Repeat {
        uint32_t unit = 0;  // index in unit_rows_
        RepeatKind kind = RepeatKind::none;
    };
    void note_repeat(RowKeyIndex::Ref code, RepeatKind kind);
    // Whether every amount slot add_repeat reads is typed or absent.
    bool amounts_typed(uint64_t amount_slots) const;
    Amount typed_amount(const TypedRow& t, int slot) const {
        return ((t.amount_slots >> slot) & 1) ? t.amounts[slot] : Amount(0);
    }

    const Schema& schema_;
    Rollup& out_;
    const TypedRow* typed_ = nullptr;  // the current row's, when it comes from a typed reader
    Period period_override_;
    std::string fallback_payer_;
    bool focus_;
    bool plain_text_;                   // no null token: an unquoted field is its own text
    std::vector<std::string> scratch_;  // per slot: unescaped text of quoted fields
    // The stage timer running when the decoder was made (only with `ingest --stats`), told the
    // cycles a sample of rows spends aggregating. Invariant: the decoder lives inside that timer's
    // scope, and rows are added while no other timer runs inside it.
    StageTimer* timer_;
    // Which calls timer_ is told of, each kind of call sampled on its own.
    TimingSample add_row_sample_;
    mutable TimingSample repeat_of_sample_, add_repeat_sample_;
    Day usage_day_cache_ = 0, period_day_cache_ = 0;
    std::string usage_day_text_, period_day_text_;
    // Tags (and cost categories) of a new composite as (key id, value id); reused.
    std::vector<std::pair<uint32_t, uint32_t>> row_tags_;
    std::vector<uint32_t> key_stamp_;  // per pool id: tag_stamp_ when the key was seen in a row
    uint32_t tag_stamp_ = 0;
    std::string last_product_json_;
    std::string product_name_, product_region_;
    std::vector<uint32_t> tag_key_ids_;               // per tag slot: interned normalized key
    static constexpr int kComposite = kCostDims + 2;  // + description, unit
    // The grouping fields of the current row, length-prefixed: [0, composite_len_) is in use,
    // and kCompositeHashSlack more bytes are always there (composite_hash.hpp).
    std::vector<char> composite_ = std::vector<char>(1024);
    size_t composite_len_ = 0;
    std::vector<std::string_view> composite_parts_;  // the current row's, kept for its memory
    std::string_view composite() const { return {composite_.data(), composite_len_}; }
    std::vector<uint32_t> tag_index_;  // tag groups of a new composite
    std::vector<UnitRows> unit_rows_;
    std::vector<Repeat> repeats_;  // per entry of the typed reader's code index
    std::unordered_map<std::string, size_t> unit_index_;  // unit_key() -> index in unit_rows_
    size_t last_unit_ = SIZE_MAX;  // index in unit_rows_ of the previous row's unit
    std::string last_invoice_;     // the previous row's invoice id
    Period period_cache_ = 0;      // period of period_cache_day_
    Day period_cache_day_ = INT32_MIN;
    // The JSON parser of the tag, cost category and product maps, made on first use. It is
    // defined in src/ingest/json_parser.hpp: simdjson.h is about 90,000 lines, and this header
    // reaches most of the project's sources through the engine and the store.
    struct JsonParser;
    JsonParser& json_parser();
    std::unique_ptr<JsonParser> json_;
    std::string json_buf_;
};

extern template bool RowDecoder::add_row_as<false>(const char*, const FieldSpan*, const RowMeta&,
                                                   RowError&, const TypedRow*, uint64_t);
extern template bool RowDecoder::add_row_as<true>(const char*, const FieldSpan*, const RowMeta&,
                                                  RowError&, const TypedRow*, uint64_t);

}  // namespace curcrunch::ingest
