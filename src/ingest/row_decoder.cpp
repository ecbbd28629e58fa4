#include "curcrunch/ingest/row_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "curcrunch/core/hash.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/commitment_cost.hpp"
#include "json_parser.hpp"

namespace curcrunch::ingest {
namespace {

inline bool eq(std::string_view a, const char* b) {
    return a == std::string_view(b);
}

// FOCUS has no LineItemType; rebuild the CUR one from the charge columns so that the same data
// exported in either dialect lands in the same rollup rows.
std::string_view focus_line_item_type(std::string_view category, std::string_view cls,
                                      std::string_view ctype, std::string_view status) {
    const bool sp = ctype.find("Savings") != std::string_view::npos;
    const bool ri = !ctype.empty() && !sp;
    if (eq(category, "Usage")) {
        if (eq(status, "Used")) return sp ? "SavingsPlanCoveredUsage" : "DiscountedUsage";
        return "Usage";
    }
    if (eq(category, "Purchase")) return sp ? "SavingsPlanRecurringFee" : ri ? "RIFee" : "Fee";
    if (eq(category, "Tax")) return "Tax";
    if (eq(category, "Credit")) return eq(cls, "Correction") ? "Refund" : "Credit";
    return category;  // Adjustment and anything newer pass through as written
}

std::string_view focus_pricing_term(std::string_view category) {
    if (eq(category, "Standard")) return "OnDemand";
    if (eq(category, "Committed")) return "Reserved";
    if (eq(category, "Dynamic")) return "Spot";
    return category;
}

// Days a row may fall on: AWS billing began in 2006; anything outside this range is a damaged
// or made-up timestamp (year 9999), not a billing period to keep.
const Day kFirstDay = days_from_civil(2000, 1, 1);
const Day kLastDay = days_from_civil(2099, 12, 31);

// The texts add_row reads for every row: slots kPayer to kUnit, then kInvoiceId to
// kCommitmentArn. Not zeroed: a slot-indexed array of string_views was zeroed for 36 entries a
// row (a `rep stos` of 560 bytes, 2% of the ingest's CPU on the bench's file), and 19 of them
// were never read. Invariant: add_row sets every entry (kSlots) before it reads any.
class RowTexts {
  public:
    static constexpr int kSlots[] = {
        kPayer,         kUsageAccount, kBillingPeriodStart, kUsageStart, kProductCode,
        kProductName,   kUsageType,    kOperation,          kRegion,     kLineItemType,
        kPricingTerm,   kCurrency,     kDescription,        kUnit,       kInvoiceId,
        kBillingEntity, kCommitmentArn};
    std::string_view operator[](int slot) const {
        const Text& t = at_[index(slot)];
        return {t.data, t.size};
    }
    void set(int slot, std::string_view v) { at_[index(slot)] = Text{v.data(), v.size()}; }

  private:
    static_assert(kPayer == 0 && kUnit == 13 && kBillingEntity == kInvoiceId + 1 &&
                  kCommitmentArn == kInvoiceId + 2);
    static constexpr size_t index(int slot) {
        return slot <= kUnit ? static_cast<size_t>(slot)
                             : static_cast<size_t>(kUnit + 1 + slot - kInvoiceId);
    }
    struct Text {
        const char* data;
        size_t size;
    };
    Text at_[std::size(kSlots)];  // no initializer on purpose (above)

  public:
    // kSlots names every entry once, in order: so add_row's loop over it sets them all.
    static constexpr bool slots_fill_entries() {
        for (size_t i = 0; i < std::size(kSlots); ++i)
            if (index(kSlots[i]) != i) return false;
        return true;
    }
};
static_assert(RowTexts::slots_fill_entries());

std::string bad_day_text(std::string_view v) {
    Day d;
    if (parse_utc_day(v, d))
        return "date out of range: '" + shown_text(v, 40) +
               "' (billing data lies between 2000-01-01 and 2099-12-31)";
    return "not a timestamp: '" + shown_text(v, 40) + "'";
}

}  // namespace

RowDecoder::RowDecoder(const Schema& schema, Rollup& out, Period period_override,
                       std::string_view fallback_payer)
    : schema_(schema),
      out_(out),
      period_override_(period_override),
      fallback_payer_(fallback_payer),
      focus_(schema.dialect == Dialect::focus10 || schema.dialect == Dialect::focus12),
      plain_text_(schema.format.null_token.empty()),
      scratch_(schema.slot_count()) {
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

bool RowDecoder::add_row(const char* buf, const FieldSpan* sp, const RowMeta& meta, RowError& err,
                         const TypedRow* typed) {
    typed_ = typed;
    RowKeyIndex::Ref ref = 0;  // the row's composite in out_.row_keys, once known
    if (typed && typed->code_index)
        if (RowKeyIndex::Ref c = typed->code_index->find(typed->codes, typed->codes_hash))
            ref = typed->code_index->groups(c).composite;
    const bool code_hit = ref != 0;
    RowKeyIndex::Ref code_ref = 0;  // the code-index entry this row makes, if any
    RepeatKind repeat = focus_ ? RepeatKind::focus : RepeatKind::none;
    const uint64_t line = meta.line;
    if (meta.fields != schema_.columns.size()) {
        fail(err, line, -1,
             "expected " + std::to_string(schema_.columns.size()) +
                 " fields (as in the header), found " + std::to_string(meta.fields));
        return false;
    }
    bool ok = true;
    // The text of the slots read for every row (the others are read where needed).
    RowTexts v;
    for (int s : RowTexts::kSlots) {
        v.set(s, text(buf, sp, s, ok));
        if (!ok) {
            fail(err, line, s, "malformed quoted field");
            return false;
        }
    }
    // Day and period.
    Day day;
    if (v[kUsageStart].empty()) {
        fail(err, line, kUsageStart, "missing usage start time");
        return false;
    }
    if (!day_of(v[kUsageStart], day, kUsageStart, usage_day_cache_, usage_day_text_)) {
        fail(err, line, kUsageStart, bad_day_text(v[kUsageStart]));
        return false;
    }
    Period period;
    if (period_override_ > 0) {
        period = period_override_;
    } else if (!v[kBillingPeriodStart].empty()) {
        Day pday;
        if (!day_of(v[kBillingPeriodStart], pday, kBillingPeriodStart, period_day_cache_,
                    period_day_text_)) {
            fail(err, line, kBillingPeriodStart, bad_day_text(v[kBillingPeriodStart]));
            return false;
        }
        if (pday != period_cache_day_) {
            period_cache_ = period_of(pday);
            period_cache_day_ = pday;
        }
        period = period_cache_;
    } else {
        period = period_of(day);
    }

    // Amounts.
    Amount unblended, blended, net, usage, public_od, amortized, net_amortized;
    if (!amount(buf, sp, kUnblendedCost, unblended, err, line)) return false;
    if (!amount(buf, sp, kUsageAmount, usage, err, line)) return false;
    if (!amount(buf, sp, kPublicOnDemandCost, public_od, err, line)) return false;
    if (schema_.has(kBlendedCost)) {
        if (!amount(buf, sp, kBlendedCost, blended, err, line)) return false;
    } else {
        blended = unblended;
    }
    if (schema_.has(kNetUnblendedCost)) {
        if (!amount(buf, sp, kNetUnblendedCost, net, err, line)) return false;
    } else {
        net = unblended;
    }

    std::string_view product_name = v[kProductName], region = v[kRegion];
    std::string_view line_type = v[kLineItemType], term = v[kPricingTerm];
    std::string_view product_code = v[kProductCode];
    if (focus_) {
        bool ok2 = true;
        std::string_view cat = text(buf, sp, kChargeCategory, ok2);
        std::string_view cls = text(buf, sp, kChargeClass, ok2);
        std::string_view ctype = text(buf, sp, kCommitmentType, ok2);
        std::string_view status = text(buf, sp, kCommitmentStatus, ok2);
        std::string_view pcat = text(buf, sp, kPricingCategory, ok2);
        if (!ok2) {
            fail(err, line, kChargeCategory, "malformed quoted field");
            return false;
        }
        line_type = focus_line_item_type(cat, cls, ctype, status);
        term = focus_pricing_term(pcat);
        if (product_code.empty()) product_code = product_name;
        if (schema_.has(kFocusEffectiveCost)) {
            if (!amount(buf, sp, kFocusEffectiveCost, amortized, err, line)) return false;
        } else {
            amortized = unblended;
        }
        net_amortized = amortized;  // FOCUS EffectiveCost is already net of discounts
    } else {
        std::string_view reservation_arn;
        if (schema_.has(kReservationArn)) {
            bool ok2 = true;
            reservation_arn = text(buf, sp, kReservationArn, ok2);
            if (!ok2) {
                fail(err, line, kReservationArn, "malformed quoted field");
                return false;
            }
        }
        if (v[kCommitmentArn].empty()) v.set(kCommitmentArn, reservation_arn);
        const bool has_arn = !reservation_arn.empty();
        auto cost_or_unblended = [&](int slot, Amount& out) {
            if (!schema_.has(slot)) {
                out = unblended;
                return true;
            }
            return amount(buf, sp, slot, out, err, line);
        };
        const AmortizedRule rule = amortized_rule(line_type, has_arn);
        if (rule == AmortizedRule::unblended) repeat = RepeatKind::unblended;
        switch (rule) {
            case AmortizedRule::unblended:
                amortized = unblended;
                break;
            case AmortizedRule::zero:
                amortized = 0;
                break;
            case AmortizedRule::ri_effective:
                if (!cost_or_unblended(kRiEffectiveCost, amortized)) return false;
                break;
            case AmortizedRule::sp_effective:
                if (!cost_or_unblended(kSpEffectiveCost, amortized)) return false;
                break;
            case AmortizedRule::sp_recurring: {
                Amount total, used;
                if (!cost_or_unblended(kSpTotalCommitment, total)) return false;
                if (schema_.has(kSpUsedCommitment)) {
                    if (!amount(buf, sp, kSpUsedCommitment, used, err, line)) return false;
                    amortized = total - used;
                } else {
                    amortized = total;
                }
                break;
            }
            case AmortizedRule::ri_fee: {
                if (!schema_.has(kRiUnusedAmortizedFee) && !schema_.has(kRiUnusedRecurringFee)) {
                    amortized = unblended;
                    break;
                }
                Amount a = 0, b = 0;
                if (schema_.has(kRiUnusedAmortizedFee) &&
                    !amount(buf, sp, kRiUnusedAmortizedFee, a, err, line))
                    return false;
                if (schema_.has(kRiUnusedRecurringFee) &&
                    !amount(buf, sp, kRiUnusedRecurringFee, b, err, line))
                    return false;
                amortized = a + b;
                break;
            }
        }
        if (rule == AmortizedRule::unblended)
            net_amortized = net;  // most rows: no commitment
        else if (!net_amortized_of(buf, sp, rule, amortized, net, net_amortized, err, line))
            return false;
        if (!code_hit && schema_.has(kProductJson) && (product_name.empty() || region.empty())) {
            bool ok2 = true;
            std::string_view pj = text(buf, sp, kProductJson, ok2);
            if (!pj.empty() && pj != "{}" &&
                !product_from_json(pj, product_name, region, err, line))
                return false;
        }
    }

    // The grouping fields, in CostDim's order, then description and unit. A typed reader's row
    // whose codes were seen in this row group already has its composite.
    const std::string_view payer = v[kPayer].empty() ? fallback_payer_ : v[kPayer];
    const std::string_view owner =
        v[kCommitmentArn].empty() ? std::string_view() : arn_account(v[kCommitmentArn]);
    const std::string_view dims[kComposite] = {payer,           v[kUsageAccount],  product_code,
                                               product_name,    v[kUsageType],     v[kOperation],
                                               region,          line_type,         term,
                                               v[kCurrency],    v[kBillingEntity], owner,
                                               v[kDescription], v[kUnit]};
    if (!ref) {
        ref = resolve_composite(buf, sp, dims, period, day, err, line);
        if (!ref) return false;
        if (typed && typed->code_index) {
            RowKeyIndex::Groups g = out_.row_keys.groups(ref);
            g.composite = ref;
            code_ref = typed->code_index->insert(typed->codes, typed->codes_hash, g);
        }
    }
    RowKeyIndex::Pending* p = &out_.row_keys.pending(ref);
    // The composite's groups get these sums when the rollup settles (Rollup::settle).
    p->unblended += unblended;
    p->blended += blended;
    p->net_unblended += net;
    p->amortized += amortized;
    p->net_amortized += net_amortized;
    p->public_on_demand += public_od;
    p->usage += usage;
    p->rows += 1;
    count_unit_row(payer, period, v[kInvoiceId]);
    if (code_ref)
        note_repeat(code_ref, amounts_typed(typed->amount_slots) ? repeat : RepeatKind::none);
    return true;
}

void RowDecoder::note_repeat(RowKeyIndex::Ref code, RepeatKind kind) {
    if (repeats_.size() < code) repeats_.resize(code);
    // unit_rows_ gains at most one unit per row, and a typed reader's decoder sees one row
    // group (< 2^32 rows, row_group_reader.cpp); checked anyway rather than narrowed silently.
    if (last_unit_ > UINT32_MAX) throw Error(ErrorKind::internal, "row decoder: units over 2^32");
    repeats_[code - 1] = Repeat{static_cast<uint32_t>(last_unit_), kind};
}

RowKeyIndex::Ref RowDecoder::repeat_of(const TypedRow& typed) const {
    const RowKeyIndex::Ref c = typed.code_index->find(typed.codes, typed.codes_hash);
    if (c == 0 || c > repeats_.size() || repeats_[c - 1].kind == RepeatKind::none) return 0;
    return c;
}

void RowDecoder::add_repeat(RowKeyIndex::Ref c, const TypedRow& typed, std::string_view invoice_id,
                            uint64_t rows) {
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
