#pragma once
// Tiered prices over a quantity, exact. Tiers are [from, to) ranges starting at 0, contiguous,
// the last open-ended (config_load.cpp checks this). A unit i (of a quantity q) occupies the
// interval (i-1, i], so:
// - graduated: each part of [0, q) is priced at the rate of the tier it falls in, and a tier's
//   flat fee is added once the quantity goes beyond the tier's start (q > from);
// - volume: the whole quantity is priced at the rate of the tier holding its last unit
//   (from < q <= to; the last tier for anything beyond), plus that tier's flat fee.
// A zero quantity costs nothing in either model.
#include <string>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/fraction.hpp"

namespace curcrunch::billing {

struct TieredPrice {
    Fraction amount;
    std::string rate_text;  // the tiers used, in words
};

TieredPrice price_graduated(Amount quantity, const std::vector<Tier>& tiers);
TieredPrice price_volume(Amount quantity, const std::vector<Tier>& tiers);

}  // namespace curcrunch::billing
