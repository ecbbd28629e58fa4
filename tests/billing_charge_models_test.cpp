// The usage-billing charge models, each priced exactly against amounts computed by hand: volume
// (every unit at the tier reached, plus its flat fee), graduated with a flat fee, package (blocks
// started beyond the free units) and percentage (of the amount above the free amount, plus a fee
// per measurement beyond the free events). The plan-level lines (standing charge, proration,
// minimum) are covered end to end in billing_invoice_test.cpp.
#include <gtest/gtest.h>

#include "curcrunch/billing/charge_models.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::billing;

namespace {

Amount units(Amount n) {
    return n * kUnit;
}

// n / 100 as an Amount (a price in cents).
Amount cents(Amount n) {
    return n * (kUnit / 100);
}

std::string priced(const UsageCharge& c, Amount quantity, int64_t events = 0) {
    return price_charge(c, PeriodUsage{quantity, events}).amount.exact_text();
}

UsageCharge tiered(ChargeModel model) {
    UsageCharge c;
    c.model = model;
    // [0, 100) at 0.10, [100, 1000) at 0.08 + 5 flat, [1000, ...) at 0.05 + 20 flat.
    c.tiers = {{0, units(100), cents(10), 0},
               {units(100), units(1000), cents(8), units(5)},
               {units(1000), std::nullopt, cents(5), units(20)}};
    return c;
}

}  // namespace

TEST(BillingChargeModels, VolumePricesEveryUnitAtTheTierReached) {
    const UsageCharge c = tiered(ChargeModel::volume);
    EXPECT_EQ(priced(c, 0), "0");               // nothing used costs nothing
    EXPECT_EQ(priced(c, units(100)), "10");     // 100 x 0.10: the tier holding its last unit
    EXPECT_EQ(priced(c, units(101)), "13.08");  // 101 x 0.08 + 5
    EXPECT_EQ(priced(c, units(1500)), "95");    // 1500 x 0.05 + 20
    EXPECT_EQ(priced(c, units(1000)), "85");    // 1000 x 0.08 + 5 (from < q <= to)
}

TEST(BillingChargeModels, GraduatedPricesEachPartAtItsTierAndAddsFlatFeesOnce) {
    const UsageCharge c = tiered(ChargeModel::graduated);
    EXPECT_EQ(priced(c, units(50)), "5");  // 50 x 0.10
    // 100 x 0.10 + 900 x 0.08 + 5 + 500 x 0.05 + 20 = 10 + 72 + 5 + 25 + 20.
    EXPECT_EQ(priced(c, units(1500)), "132");
    // A fractional quantity stays exact: 100 x 0.10 + 0.5 x 0.08 + 5.
    EXPECT_EQ(priced(c, units(100) + kUnit / 2), "15.04");
}

TEST(BillingChargeModels, PackageCountsBlocksStartedBeyondTheFreeUnits) {
    UsageCharge c;
    c.model = ChargeModel::package;
    c.package_size = units(100);
    c.package_price = units(5);
    c.free_units = units(100);
    EXPECT_EQ(priced(c, units(100)), "0");
    EXPECT_EQ(priced(c, units(101)), "5");
    EXPECT_EQ(priced(c, units(201)), "10");  // the header's example
    EXPECT_EQ(priced(c, units(300)), "10");
}

TEST(BillingChargeModels, PercentageOfTheAmountAboveTheFreeAmountPlusAFeePerEvent) {
    UsageCharge c;
    c.model = ChargeModel::percentage;
    c.percent = Fraction::of_ratio(5, 2);  // 2.5 %
    c.percent_text = "2.5";
    c.fixed_fee = cents(30);
    c.free_amount = units(1000);
    c.free_events = units(10);  // a count, as an amount (the config loader checks it is whole)
    // (10,000 - 1,000) x 2.5 % + (25 - 10) x 0.30 = 225 + 4.5.
    EXPECT_EQ(priced(c, units(10000), 25), "229.5");
    // Below the free amount and the free events: nothing.
    EXPECT_EQ(priced(c, units(999), 10), "0");
    // Fractions of a cent stay exact until the invoice line rounds them: (1000.30 - 1000) x 2.5 %.
    EXPECT_EQ(priced(c, units(1000) + cents(30), 0), "0.0075");
}

}  // namespace CURCRUNCH_UNITY_ID
