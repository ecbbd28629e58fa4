#include "curcrunch/ingest/row_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "curcrunch/core/hash.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/commitment_cost.hpp"
#include "curcrunch/ingest/stage_stats.hpp"
#include "json_parser.hpp"
#include "row_decoder_add.hpp"

namespace curcrunch::ingest {
namespace {

// Days a row may fall on: AWS billing began in 2006; anything outside this range is a damaged
// or made-up timestamp (year 9999), not a billing period to keep.
const Day kFirstDay = days_from_civil(2000, 1, 1);
const Day kLastDay = days_from_civil(2099, 12, 31);

}  // namespace

RowDecoder::RowDecoder(const Schema& schema, Rollup& out, Period period_override,
                       std::string_view fallback_payer)
    : schema_(schema),
      out_(out),
      period_override_(period_override),
      fallback_payer_(fallback_payer),
      focus_(schema.dialect == Dialect::focus10 || schema.dialect == Dialect::focus12),
      plain_text_(schema.format.null_token.empty()),
      scratch_(schema.slot_count()),
      timer_(StageTimer::innermost()) {
    for (const std::string& k : schema.tag_keys)
        tag_key_ids_.push_back(out_.pool.intern(k));
}

RowDecoder::~RowDecoder() = default;

RowDecoder::JsonParser& RowDecoder::json_parser() {
    if (!json_) json_ = std::make_unique<JsonParser>();
    return *json_;
}

bool RowDecoder::amounts_typed(uint64_t amount_slots) const {
    for (int s = 0; s < 64; ++s)
        if ((kRepeatAmountSlots >> s & 1) && schema_.has(s) && !((amount_slots >> s) & 1))
            return false;
    return true;
}

void RowDecoder::fail(RowError& err, uint64_t line, int slot, std::string msg) const {
    err.line = line;
    err.column = slot >= 0 ? schema_.column_name(slot) : std::string();
    err.message = std::move(msg);
}

// text() for a field that may be quoted or the null token (n > 0).
std::string_view RowDecoder::text_slow(const char* b, size_t n, int slot, bool& ok) {
    if (schema_.format.quoting && b[0] == '"') {
        if (n < 2 || b[n - 1] != '"') {
            ok = false;
            return {};
        }
        std::string_view inner(b + 1, n - 2);
        if (std::memchr(inner.data(), '"', inner.size()) == nullptr) return inner;
        std::string& s = scratch_[static_cast<size_t>(slot)];
        s.clear();
        for (size_t i = 0; i < inner.size(); ++i) {
            s += inner[i];
            if (inner[i] == '"') {
                if (i + 1 < inner.size() && inner[i + 1] == '"') {
                    ++i;
                } else {
                    ok = false;
                    return {};
                }
            }
        }
        return s;
    }
    std::string_view v(b, n);
    if (!schema_.format.null_token.empty() && v == schema_.format.null_token) return {};
    return v;
}

bool RowDecoder::amount(const char* buf, const FieldSpan* spans, int slot, Amount& out,
                        RowError& err, uint64_t line) {
    if (typed_ && slot < 64 && ((typed_->amount_slots >> slot) & 1)) {
        out = typed_->amounts[slot];
        return true;
    }
    bool ok = true;
    std::string_view v = text(buf, spans, slot, ok);
    if (!ok) {
        fail(err, line, slot, "malformed quoted field");
        return false;
    }
    if (v.empty()) {
        out = 0;
        return true;
    }
    ParseStatus st = parse_amount(v, out);
    if (st == ParseStatus::ok || st == ParseStatus::rounded) return true;
    const std::string shown = shown_text(v, 40);
    fail(err, line, slot,
         st == ParseStatus::overflow
             ? "number out of range: '" + shown + "' (at most " + kMaxAmountText + " in magnitude)"
             : "not a number: '" + shown + "'");
    return false;
}

bool RowDecoder::optional_amount(const char* buf, const FieldSpan* spans, int slot, Amount& out,
                                 bool& present, RowError& err, uint64_t line) {
    present = false;
    out = 0;
    if (!schema_.has(slot)) return true;
    bool ok = true;
    if (text(buf, spans, slot, ok).empty() && ok) return true;
    present = true;
    return amount(buf, spans, slot, out, err, line);
}

// Net amortized cost: the amortized rule (amortized_rule) with each commitment column replaced by
// its net counterpart. AWS writes the net columns only when a discount applied that month, so an
// absent column or empty field means net equals gross.
bool RowDecoder::net_amortized_of(const char* buf, const FieldSpan* sp, AmortizedRule rule,
                                  Amount amortized, Amount net, Amount& out, RowError& err,
                                  uint64_t line) {
    out = amortized;
    bool a_set = false, b_set = false;
    Amount a = 0, b = 0;
    switch (rule) {
        case AmortizedRule::unblended:
            out = net;
            return true;
        case AmortizedRule::zero:
            out = 0;
            return true;
        case AmortizedRule::ri_effective:
            if (!optional_amount(buf, sp, kNetRiEffectiveCost, a, a_set, err, line)) return false;
            if (a_set) out = a;
            return true;
        case AmortizedRule::sp_effective:
            if (!optional_amount(buf, sp, kNetSpEffectiveCost, a, a_set, err, line)) return false;
            if (a_set) out = a;
            return true;
        case AmortizedRule::ri_fee:
            if (!optional_amount(buf, sp, kNetRiUnusedAmortizedFee, a, a_set, err, line) ||
                !optional_amount(buf, sp, kNetRiUnusedRecurringFee, b, b_set, err, line))
                return false;
            if (a_set || b_set) out = a + b;
            return true;
        case AmortizedRule::sp_recurring: {
            // The unused commitment, scaled by the net / gross ratio of this hour's commitment.
            if (!optional_amount(buf, sp, kNetSpAmortizedUpfront, a, a_set, err, line) ||
                !optional_amount(buf, sp, kNetSpRecurring, b, b_set, err, line))
                return false;
            if (!(a_set || b_set)) return true;
            Amount total = 0;
            if (!amount(buf, sp, kSpTotalCommitment, total, err, line)) return false;
            if (total == 0) return true;
            // Within kMaxAmount like every value a row adds (core/money.hpp, 2.): the ratio
            // of a tiny commitment could otherwise scale a row's amount up to 2^124.
            if (!scale_rounded(amortized, a + b, total, out) || !within_amount_bound(out)) {
                fail(err, line, kNetSpRecurring,
                     std::string("net Savings Plan commitment out of range (the unused "
                                 "commitment scaled by net / total exceeds ") +
                         kMaxAmountText + ")");
                return false;
            }
            return true;
        }
    }
    return true;
}

namespace {

// A unit's key in a hash index: the period's bytes, then the payer (any bytes).
std::string unit_key(Period period, std::string_view payer) {
    std::string k(reinterpret_cast<const char*>(&period), sizeof period);
    k.append(payer);
    return k;
}

}  // namespace

void UnitRows::add_invoice_id(std::string_view id) {
    if (id.empty() || invoice_ids.size() >= kMaxInvoiceIds) return;
    if (std::find(invoice_ids.begin(), invoice_ids.end(), id) == invoice_ids.end())
        invoice_ids.emplace_back(id);
}

void merge_unit_rows(std::vector<UnitRows>& into, const std::vector<UnitRows>& from) {
    std::unordered_map<std::string, size_t> at;
    for (size_t i = 0; i < into.size(); ++i)
        at.emplace(unit_key(into[i].period, into[i].payer), i);
    for (const UnitRows& r : from) {
        auto [it, fresh] = at.emplace(unit_key(r.period, r.payer), into.size());
        if (fresh) {
            into.push_back(r);
            continue;
        }
        UnitRows& u = into[it->second];
        u.rows += r.rows;
        for (const std::string& id : r.invoice_ids)
            u.add_invoice_id(id);
    }
}

void sort_unit_rows(std::vector<UnitRows>& units) {
    std::sort(units.begin(), units.end(), [](const UnitRows& a, const UnitRows& b) {
        return a.payer != b.payer ? a.payer < b.payer : a.period < b.period;
    });
}

void RowDecoder::count_unit_row_slow(std::string_view payer, Period period,
                                     std::string_view invoice_id, uint64_t rows) {
    auto [it, fresh] = unit_index_.emplace(unit_key(period, payer), unit_rows_.size());
    if (fresh) unit_rows_.push_back(UnitRows{std::string(payer), period, 0, {}});
    last_unit_ = it->second;
    UnitRows& u = unit_rows_[last_unit_];
    u.rows += rows;
    last_invoice_.assign(invoice_id.data() ? invoice_id.data() : "", invoice_id.size());
    u.add_invoice_id(invoice_id);
}

bool RowDecoder::day_of(std::string_view v, Day& out, int, Day& cache_day,
                        std::string& cache_text) {
    if (v.size() == cache_text.size() && std::memcmp(v.data(), cache_text.data(), v.size()) == 0 &&
        !v.empty()) {
        out = cache_day;
        return true;
    }
    if (!parse_utc_day(v, out) || out < kFirstDay || out > kLastDay) return false;
    cache_text.assign(v.data(), v.size());
    cache_day = out;
    return true;
}

// The untimed copy of add_row; the timed one is compiled in row_decoder_timed.cpp.
template bool RowDecoder::add_row_as<false>(const char*, const FieldSpan*, const RowMeta&,
                                            RowError&, const TypedRow*, uint64_t);

void RowDecoder::note_repeat(RowKeyIndex::Ref code, RepeatKind kind) {
    if (repeats_.size() < code) repeats_.resize(code);
    // unit_rows_ gains at most one unit per row, and a typed reader's decoder sees one row
    // group (< 2^32 rows, row_group_reader.cpp); checked anyway rather than narrowed silently.
    if (last_unit_ > UINT32_MAX) throw Error(ErrorKind::internal, "row decoder: units over 2^32");
    repeats_[code - 1] = Repeat{static_cast<uint32_t>(last_unit_), kind};
}

// Both are aggregation: the row's measures are typed already, only its groups are looked up
// and summed (`ingest --stats`).
RowKeyIndex::Ref RowDecoder::repeat_of(const TypedRow& typed) const {
    const uint64_t weight = timer_ ? repeat_of_sample_.due() : 0;
    const uint64_t c0 = weight ? cycle_count() : 0;
    RowKeyIndex::Ref c = typed.code_index->find(typed.codes, typed.codes_hash);
    if (c == 0 || c > repeats_.size() || repeats_[c - 1].kind == RepeatKind::none) c = 0;
    if (weight) [[unlikely]]
        timer_->add_aggregate_cycles(cycle_count() - c0, weight);
    return c;
}

void RowDecoder::add_repeat(RowKeyIndex::Ref c, const TypedRow& typed, std::string_view invoice_id,
                            uint64_t rows) {
    const uint64_t weight = timer_ ? add_repeat_sample_.due() : 0;
    const uint64_t c0 = weight ? cycle_count() : 0;
    add_repeat_measures(c, typed, invoice_id, rows);
    if (weight) [[unlikely]]
        timer_->add_aggregate_cycles(cycle_count() - c0, weight);
}

void RowDecoder::add_repeat_measures(RowKeyIndex::Ref c, const TypedRow& typed,
                                     std::string_view invoice_id, uint64_t rows) {
    const Repeat rp = repeats_[c - 1];
    // The measures as add_row computes them for these rules.
    const Amount unblended = typed_amount(typed, kUnblendedCost);
    const Amount blended =
        schema_.has(kBlendedCost) ? typed_amount(typed, kBlendedCost) : unblended;
    const Amount net =
        schema_.has(kNetUnblendedCost) ? typed_amount(typed, kNetUnblendedCost) : unblended;
    Amount amortized = unblended, net_amortized = net;
    if (rp.kind == RepeatKind::focus) {
        if (schema_.has(kFocusEffectiveCost)) amortized = typed_amount(typed, kFocusEffectiveCost);
        net_amortized = amortized;
    }
    RowKeyIndex::Pending* p = &out_.row_keys.pending(typed.code_index->groups(c).composite);
    p->unblended += unblended;
    p->blended += blended;
    p->net_unblended += net;
    p->amortized += amortized;
    p->net_amortized += net_amortized;
    p->public_on_demand += typed_amount(typed, kPublicOnDemandCost);
    p->usage += typed_amount(typed, kUsageAmount);
    p->rows += static_cast<int64_t>(rows);
    UnitRows& u = unit_rows_[rp.unit];
    if (rp.unit == last_unit_ && last_invoice_ == invoice_id)
        u.rows += rows;
    else
        count_unit_row_slow(u.payer, u.period, invoice_id, rows);  // the unit exists already
}

}  // namespace curcrunch::ingest
