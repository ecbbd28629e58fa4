#include "curcrunch/billing/charge_models.hpp"

#include "curcrunch/billing/money_rules.hpp"
#include "curcrunch/billing/tiers.hpp"

namespace curcrunch::billing {
namespace {

ChargePrice package(const UsageCharge& c, Amount q) {
    ChargePrice p;
    if (q <= c.free_units) {
        p.rate_text = "package: within " + to_plain_string(c.free_units) + " free units";
        return p;
    }
    // Blocks started: ceil((q - free) / size), from the exact quotient.
    const Fraction blocks_exact =
        Fraction::of_amount(q - c.free_units) / Fraction::of_amount(c.package_size);
    Amount blocks = blocks_exact.floor();
    if (!(Fraction::of_integer(blocks) == blocks_exact)) blocks += 1;
    p.amount = Fraction::of_integer(blocks) * Fraction::of_amount(c.package_price);
    p.rate_text = "package: " + std::to_string(static_cast<long long>(blocks)) + " block(s) of " +
                  to_plain_string(c.package_size) + " at " + to_plain_string(c.package_price);
    if (c.free_units) p.rate_text += " after " + to_plain_string(c.free_units) + " free";
    return p;
}

ChargePrice percentage(const UsageCharge& c, const PeriodUsage& u) {
    ChargePrice p;
    const Amount base = u.value > c.free_amount ? u.value - c.free_amount : 0;
    p.amount = Fraction::of_amount(base) * percent_fraction(c.percent);
    p.rate_text = "percentage: " + c.percent_text + " % of " + to_plain_string(base);
    if (c.fixed_fee) {
        const Amount free = c.free_events / kUnit;
        const Amount charged = u.events > free ? u.events - free : 0;
        p.amount += Fraction::of_integer(charged) * Fraction::of_amount(c.fixed_fee);
        p.rate_text += " + " + to_plain_string(c.fixed_fee) + " x " +
                       std::to_string(static_cast<long long>(charged)) + " measurement(s)";
    }
    return p;
}

}  // namespace

ChargePrice price_charge(const UsageCharge& c, const PeriodUsage& u) {
    switch (c.model) {
        case ChargeModel::standard:
            return {Fraction::of_amount(u.value) * Fraction::of_amount(c.unit_price),
                    "standard: " + to_plain_string(c.unit_price) + " per unit"};
        case ChargeModel::graduated: {
            TieredPrice t = price_graduated(u.value, c.tiers);
            return {t.amount, "graduated: " + (t.rate_text.empty() ? "no usage" : t.rate_text)};
        }
        case ChargeModel::volume: {
            TieredPrice t = price_volume(u.value, c.tiers);
            return {t.amount, "volume: " + (t.rate_text.empty() ? "no usage" : t.rate_text)};
        }
        case ChargeModel::package:
            return package(c, u.value);
        case ChargeModel::percentage:
            return percentage(c, u);
    }
    return {};
}

}  // namespace curcrunch::billing
