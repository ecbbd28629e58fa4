#include "curcrunch/billing/custom_items.hpp"

#include "curcrunch/billing/money_rules.hpp"

namespace curcrunch::billing {
namespace {

InvoiceLine item_line(const CustomLineItem& it, const BillingGroup& g) {
    InvoiceLine l;
    l.kind = it.type == ItemType::fee ? LineKind::custom_fee : LineKind::custom_credit;
    l.group = g.id;
    l.account = it.account.empty() ? g.primary_account : it.account;
    l.service = it.id;
    l.description = it.description;
    return l;
}

}  // namespace

std::vector<InvoiceLine> custom_item_lines(const BillingConfig& c, const BillingGroup& g,
                                           Period period,
                                           const std::vector<InvoiceLine>& group_lines,
                                           const Fraction& savings_plan_benefit, int minor_units) {
    std::vector<InvoiceLine> out;
    Fraction billed, flat_items;
    for (const InvoiceLine& l : group_lines)
        billed += Fraction::of_amount(l.amount);
    for (const CustomLineItem& it : c.items) {
        if (it.group != g.id || !it.months.contains(period) || !it.flat) continue;
        InvoiceLine l = item_line(it, g);
        const Fraction v = Fraction::of_amount(*it.flat);
        l.exact = it.type == ItemType::fee ? v : -v;
        l.rate = "flat";
        flat_items += Fraction::of_amount(round_line(l.exact, minor_units));
        out.push_back(std::move(l));
    }
    for (const CustomLineItem& it : c.items) {
        if (it.group != g.id || !it.months.contains(period) || !it.percent) continue;
        Fraction base = billed;
        std::string what = "billed " + billed.exact_text();
        if (it.include_flat_items) {
            base += flat_items;
            what += " + flat items " + flat_items.exact_text();
        }
        if (it.exclude_savings_plan_discounts) {
            // The benefit is printed exactly, as it enters the base (it is no invoice line and
            // is never rounded), so that the reader can re-derive the line's last cent.
            base += savings_plan_benefit;
            what += " + Savings Plan discounts " + savings_plan_benefit.exact_text();
        }
        InvoiceLine l = item_line(it, g);
        l.rate = it.percent_text + " % of " + what;
        // The base is clamped at zero: a credit must never raise the amount due nor a fee
        // lower it, which a percentage of a negative base (pass-through AWS credits larger
        // than the charges) would do. The line stays, at 0, and says why.
        if (base.sign() <= 0) {
            l.rate += " = " + base.exact_text() + ", not above zero: nothing";
            out.push_back(std::move(l));
            continue;
        }
        const Fraction v = base * percent_fraction(*it.percent);
        l.exact = it.type == ItemType::fee ? v : -v;
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace curcrunch::billing
