// How commitments bill, as real CURs write them (see ../shared/reference/cur-formats.md and the
// real samples' RIFee and DiscountedUsage rows):
//  - Reserved Instances: usage a reservation covers is DiscountedUsage at rate 0 and unblended
//    0 (its amortized cost is reservation/EffectiveCost); the reservation's hours are billed once
//    a month as an RIFee line (whole period, on the first), unused hours included.
//  - Savings Plans: covered usage is SavingsPlanCoveredUsage at the on-demand rate, and every
//    such line has a SavingsPlanNegation line that takes its on-demand cost back, so unblended
//    cost counts the usage once; the plan's commitment is billed every hour (hourly export) or
//    day (daily export) as a SavingsPlanRecurringFee line under product ComputeSavingsPlans, its
//    amortized cost the unused part. Totals are therefore the bill: on-demand usage, RI fees,
//    Savings Plan fees, tax, credits, refunds and support.
#include <algorithm>

#include "model.hpp"

namespace curcrunch::gen {

void Model::bill_usage(Line& l, const Resource& r, Amount qty_micro, MonthTally& t,
                       const LineSink& sink) {
    l.usage = micro_to_amount(qty_micro);
    l.public_od = mul(qty_micro, r.od_rate);
    if (r.cover == Cover::ri) {
        l.type = "DiscountedUsage";
        l.term = "Reserved";
        l.rate = 0;
        l.unblended = 0;
        l.ri_effective = mul(qty_micro, r.cover_rate);
        l.amortized = l.ri_effective;
        l.reservation_arn = r.arn;
        t.ri_hours[&r] += l.usage;
        sink(l);
        return;
    }
    if (r.cover == Cover::sp) {
        l.type = "SavingsPlanCoveredUsage";
        l.rate = r.od_rate;
        l.unblended = l.public_od;
        l.sp_effective = mul(qty_micro, r.cover_rate);
        l.amortized = l.sp_effective;
        l.sp_arn = r.arn;
        t.sp_used[l.acct->payer][{l.day, l.hour}] += l.sp_effective;
        sink(l);
        // The negation: the same usage line's on-demand cost, taken back. It carries no usage
        // quantity (the covered line has it) and no amortized cost (the fee carries it).
        Line n = l;
        n.id = ++id_;
        n.type = "SavingsPlanNegation";
        n.rate = -r.od_rate;
        n.unblended = -l.public_od;
        n.usage = 0;
        n.public_od = 0;
        n.amortized = 0;
        n.sp_effective = 0;
        n.description = "SavingsPlanNegation used by AccountId : " + l.acct->id +
                        " and UsageSku : " + std::string(r.svc->code).substr(0, 6) +
                        std::to_string(r.acct->index);
        sink(n);
        return;
    }
    l.rate = r.od_rate;
    l.unblended = l.public_od;
    l.amortized = l.unblended;
    t.usage_by_acct[r.acct] += l.unblended;
    sink(l);
}

void Model::ri_fees(Period p, const MonthTally& t, const LineSink& sink) {
    for (const auto& [r, hrs] : t.ri_hours) {
        Line l = base(*r, p, first_day(p), -1);
        l.whole_period = true;
        l.type = "RIFee";
        l.term = "Reserved";
        l.usage_type = std::string(r->region->prefix) + "HeavyUsage:" +
                       std::string(r->usage_type.substr(r->usage_type.find(':') + 1));
        l.description = "USD " + to_plain_string(r->cover_rate) +
                        " hourly fee per Linux/UNIX (Amazon VPC), reserved instance";
        const Amount reserved = hrs + hrs / 20;  // 5% of the reservation goes unused
        l.usage = reserved;
        l.rate = r->cover_rate;
        l.unblended = mul(reserved / 10000, r->cover_rate);
        l.ri_unused_recurring = l.unblended - mul(hrs / 10000, r->cover_rate);
        l.amortized = l.ri_unused_recurring;
        l.reservation_arn = r->arn;
        l.public_od = 0;
        sink(l);
    }
}

// Each payer's plan commits, for every hour (or day) of the month, the most any hour (day) of
// the month used: the covered usage always fits, and quieter hours leave part of it unused.
void Model::savings_plan_fees(Period p, const MonthTally& t, const LineSink& sink) {
    const Day d0 = first_day(p), d1 = last_day(p);
    const int slots = o_.hourly ? 24 : 1;
    for (const auto& [payer, used] : t.sp_used) {
        Amount commitment = 0;
        for (const auto& [slot, amount] : used)
            commitment = std::max(commitment, amount);
        commitment -= commitment % (kUnit / 100000);  // a commitment in 10^-5 dollars
        commitment += kUnit / 100000;
        const Account& owner = payer_account(payer);
        const std::string arn = "arn:aws:savingsplans::" + payer + ":savingsplan/cs-" + payer;
        for (Day d = d0; d <= d1; ++d)
            for (int h = 0; h < slots; ++h) {
                const int hour = o_.hourly ? h : -1;
                auto it = used.find({d, hour});
                const Amount in_use = it == used.end() ? 0 : it->second;
                Line l = account_line(owner, p, "SavingsPlanRecurringFee", &kSavingsPlanService,
                                      kSavingsPlanService.description, commitment);
                l.day = d;
                l.hour = hour;
                l.whole_period = false;
                l.usage_type = kSavingsPlanService.usage_type;
                l.unit = kSavingsPlanService.unit;
                l.usage = micro_to_amount(micro(o_.hourly ? 1.0 : 24.0));
                l.rate = commitment * kUnit / l.usage;
                l.sp_total = commitment;
                l.sp_used = in_use;
                l.amortized = commitment - in_use;  // the unused part
                l.sp_arn = arn;
                sink(l);
            }
    }
}

}  // namespace curcrunch::gen
