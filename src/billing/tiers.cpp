#include "curcrunch/billing/tiers.hpp"

namespace curcrunch::billing {
namespace {

std::string range_text(const Tier& t) {
    return to_plain_string(t.from) + (t.to ? "-" + to_plain_string(*t.to) : "+");
}

}  // namespace

TieredPrice price_graduated(Amount q, const std::vector<Tier>& tiers) {
    TieredPrice p;
    if (q <= 0) return p;
    for (const Tier& t : tiers) {
        if (q <= t.from) break;
        const Amount top = t.to && *t.to < q ? *t.to : q;
        const Amount in_tier = top - t.from;
        p.amount += Fraction::of_amount(in_tier) * Fraction::of_amount(t.unit_price);
        p.amount += Fraction::of_amount(t.flat_fee);
        p.rate_text += (p.rate_text.empty() ? "" : "; ") + to_plain_string(in_tier) + " in " +
                       range_text(t) + " at " + to_plain_string(t.unit_price);
        if (t.flat_fee) p.rate_text += " + " + to_plain_string(t.flat_fee) + " flat";
    }
    return p;
}

TieredPrice price_volume(Amount q, const std::vector<Tier>& tiers) {
    TieredPrice p;
    if (q <= 0 || tiers.empty()) return p;
    const Tier* hit = &tiers.back();
    for (const Tier& t : tiers)
        if (t.to && q <= *t.to) {
            hit = &t;
            break;
        }
    p.amount = Fraction::of_amount(q) * Fraction::of_amount(hit->unit_price) +
               Fraction::of_amount(hit->flat_fee);
    p.rate_text =
        "all units at " + to_plain_string(hit->unit_price) + " (tier " + range_text(*hit) + ")";
    if (hit->flat_fee) p.rate_text += " + " + to_plain_string(hit->flat_fee) + " flat";
    return p;
}

}  // namespace curcrunch::billing
