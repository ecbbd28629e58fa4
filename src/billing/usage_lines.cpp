#include "curcrunch/billing/usage_lines.hpp"

#include "curcrunch/billing/charge_models.hpp"
#include "curcrunch/billing/proration.hpp"

namespace curcrunch::billing {
namespace {

std::string days_text(const ActiveDays& a) {
    if (a.whole()) return "";
    return " (" + std::to_string(a.days) + " of " + std::to_string(a.month_days) + " days, " +
           format_day(a.first) + " to " + format_day(a.last) + ")";
}

}  // namespace

std::vector<InvoiceLine> subscription_lines(store::Database& db, const BillingConfig& c,
                                            const Subscription& s, Period period, int minor_units) {
    std::vector<InvoiceLine> out;
    const UsagePlan* plan = c.usage_plan(s.plan);
    const ActiveDays active = active_days(period, s.start, s.end);
    if (!plan || active.days == 0) return out;
    auto line = [&](LineKind kind, const std::string& service) {
        InvoiceLine l;
        l.kind = kind;
        l.account = s.account;
        l.service = service;
        return l;
    };
    Fraction plan_total;  // the plan's lines as rounded, for the minimum
    if (plan->standing_charge) {
        InvoiceLine l = line(LineKind::standing_charge, plan->id);
        l.description = plan->name + " standing charge" + days_text(active);
        l.exact = Fraction::of_amount(plan->standing_charge) * active.share();
        l.rate = to_plain_string(plan->standing_charge) + " per month" +
                 (active.whole() ? ""
                                 : " x " + std::to_string(active.days) + "/" +
                                       std::to_string(active.month_days));
        plan_total += Fraction::of_amount(round_line(l.exact, minor_units));
        out.push_back(std::move(l));
    }
    for (const UsageCharge& ch : plan->charges) {
        const Meter* m = c.meter(ch.meter);
        const MeterAggregation* agg = nullptr;
        for (const auto& a : m->aggregations)
            if (a.id == ch.aggregation) agg = &a;
        const PeriodUsage u = read_period_usage(db, s.account, *m, *agg, active.first, active.last);
        const ChargePrice price = price_charge(ch, u);
        InvoiceLine l = line(LineKind::usage_charge, m->id);
        l.description = (ch.description.empty() ? m->name + " (" + agg->id + ")" : ch.description) +
                        days_text(active);
        l.quantity = to_plain_string(u.value);
        l.unit = agg->type == Aggregation::count || agg->type == Aggregation::unique_count
                     ? "count"
                     : m->unit;
        l.rate = price.rate_text;
        l.exact = price.amount;
        plan_total += Fraction::of_amount(round_line(l.exact, minor_units));
        out.push_back(std::move(l));
    }
    if (plan->minimum) {
        const Fraction minimum = Fraction::of_amount(plan->minimum) * active.share();
        if (plan_total < minimum) {
            InvoiceLine l = line(LineKind::minimum_true_up, plan->id);
            l.description = plan->name + " minimum commitment true-up" + days_text(active);
            l.exact = minimum - plan_total;
            l.rate = "minimum " + to_plain_string(plan->minimum) + " per month" +
                     (active.whole() ? ""
                                     : " x " + std::to_string(active.days) + "/" +
                                           std::to_string(active.month_days)) +
                     " less " + plan_total.exact_text() + " billed";
            out.push_back(std::move(l));
        }
    }
    return out;
}

}  // namespace curcrunch::billing
