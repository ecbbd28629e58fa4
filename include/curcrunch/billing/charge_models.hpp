#pragma once
// The price of one usage charge for a month (the usage-billing models):
// - standard:   quantity x unit price;
// - graduated / volume: tiers.hpp;
// - package:    blocks of `package_size` units started beyond `free_units`, each at
//               `package_price` (201 units, 100 free, blocks of 100 at 5: 2 blocks, 10);
// - percentage: percent of (amount - free_amount, not below 0), plus `fixed_fee` for each
//               measurement beyond the first `free_events`.
// All exact; the invoice line rounds once.
#include <string>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/billing/meter_store.hpp"

namespace curcrunch::billing {

struct ChargePrice {
    Fraction amount;
    std::string rate_text;
};

ChargePrice price_charge(const UsageCharge& c, const PeriodUsage& usage);

}  // namespace curcrunch::billing
