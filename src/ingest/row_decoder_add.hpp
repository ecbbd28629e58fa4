#pragma once
// RowDecoder::add_row's body, as a template on whether the row's aggregation is timed for
// `ingest --stats`. Each instantiation is compiled in a translation unit of its own
// (row_decoder.cpp: untimed, row_decoder_timed.cpp: timed): compiled side by side, the two
// copies shared one unit's inlining budget, and the untimed one called the field reader and the
// unit counter out of line (1.7%-1.9% more CPU on the bench's plain file without --stats).
#include <iterator>
#include <string>
#include <string_view>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/commitment_cost.hpp"
#include "curcrunch/ingest/row_decoder.hpp"
#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {
namespace row_add {

inline bool eq(std::string_view a, const char* b) {
    return a == std::string_view(b);
}

// FOCUS has no LineItemType; rebuild the CUR one from the charge columns so that the same data
// exported in either dialect lands in the same rollup rows.
inline std::string_view focus_line_item_type(std::string_view category, std::string_view cls,
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

inline std::string_view focus_pricing_term(std::string_view category) {
    if (eq(category, "Standard")) return "OnDemand";
    if (eq(category, "Committed")) return "Reserved";
    if (eq(category, "Dynamic")) return "Spot";
    return category;
}

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

inline std::string bad_day_text(std::string_view v) {
    Day d;
    if (parse_utc_day(v, d))
        return "date out of range: '" + shown_text(v, 40) +
               "' (billing data lies between 2000-01-01 and 2099-12-31)";
    return "not a timestamp: '" + shown_text(v, 40) + "'";
}

}  // namespace row_add

template <bool kTimed>
bool RowDecoder::add_row_as(const char* buf, const FieldSpan* sp, const RowMeta& meta,
                            RowError& err, const TypedRow* typed,
                            [[maybe_unused]] uint64_t weight) {
    using row_add::bad_day_text;
    using row_add::focus_line_item_type;
    using row_add::focus_pricing_term;
    using row_add::RowTexts;
    typed_ = typed;
    [[maybe_unused]] uint64_t aggregate_cycles = 0;  // kTimed: of this row so far
    RowKeyIndex::Ref ref = 0;  // the row's composite in out_.row_keys, once known
    if (typed && typed->code_index) {
        // The codes' lookup finds the row's groups: aggregation (`ingest --stats`).
        const uint64_t c0 = kTimed ? cycle_count() : 0;
        if (RowKeyIndex::Ref c = typed->code_index->find(typed->codes, typed->codes_hash))
            ref = typed->code_index->groups(c).composite;
        if constexpr (kTimed) aggregate_cycles = cycle_count() - c0;
    }
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
    // A manifest's or partition folder's period (period_override_) is the unit the rows replace;
    // a row whose own billing period differs is a file delivered under the wrong period (copied
    // into another month's folder), which would replace that month with another's rows.
    Period period;
    if (!v[kBillingPeriodStart].empty()) {
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
        if (period_override_ > 0 && period != period_override_) {
            fail(err, line, kBillingPeriodStart,
                 "billing period " + format_period(period) + ", not " +
                     format_period(period_override_) +
                     ", the period of the manifest or partition folder (BILLING_PERIOD=, "
                     "year=/month=) the file was read under");
            return false;
        }
    } else {
        period = period_override_ > 0 ? period_override_ : period_of(day);
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
    // whose codes were seen in this row group already has its composite. From here on the row
    // is aggregated, not decoded (`ingest --stats`; a timed row that fails is left to decode).
    const uint64_t aggregate_c0 = kTimed ? cycle_count() : 0;
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
    if constexpr (kTimed) {
        aggregate_cycles += cycle_count() - aggregate_c0;
        timer_->add_aggregate_cycles(aggregate_cycles, weight);
    }
    return true;
}

}  // namespace curcrunch::ingest
