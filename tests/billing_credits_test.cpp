// Credits larger than the charges, from the billing audit: a percentage item never flips sign
// on a base at or below zero (a credit that would charge the customer, a fee that would pay
// them), an invoice whose pass-through AWS credits exceed its charges is said to be owed to
// the customer and its margin percentage is n/a, and the base printed for a percentage item
// that excludes Savings Plan discounts gives the line's last cent.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kPayer = "111111111111";
const char* kPrimary = "222222222222";

// EC2 usage of public on-demand 100 and an AWS credit of 500 the plan passes through.
std::vector<CurRow> credit_rows() {
    return {
        {kPayer, kPrimary, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud",
         "BoxUsage:m5.xlarge", "RunInstances", "10", "100", "100"},
        {kPayer, kPrimary, "Credit", "AmazonS3", "Amazon Simple Storage Service", "Credit", "", "0",
         "-500", "0"},
    };
}

const char* kCreditConfig = R"({
  "seller": {"name": "S", "address": ["1 Road"]},
  "customers": [{"id": "c1", "name": "One", "currency": "USD", "tax_rate": "10"}],
  "pricing_rules": [{"id": "g", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "basis": "public_on_demand", "rules": ["g"],
                     "bill": ["credits"]}],
  "billing_groups": [{"id": "g1", "customer": "c1", "primary_account": "222222222222",
    "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [
    {"id": "fee", "group": "g1", "type": "fee", "amount": "50", "description": "Mgmt fee",
     "from": "2026-03"},
    {"id": "pc", "group": "g1", "type": "credit", "percent": "10", "description": "10 pct credit",
     "from": "2026-03", "include_flat_items": true},
    {"id": "pf", "group": "g1", "type": "fee", "percent": "10", "description": "10 pct fee",
     "from": "2026-03"}]
})";

const billing::InvoiceLine* line_of(const billing::Invoice& inv, const std::string& service) {
    for (const auto& l : inv.lines)
        if (l.service == service) return &l;
    return nullptr;
}

}  // namespace

TEST(BillingCredits, APercentageItemOnABaseBelowZeroIsZeroNotASignFlip) {
    World w;
    w.ingest(credit_rows());
    w.write_config(kCreditConfig);
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto inv = w.invoice("c1-2026-03").invoice;
    // EC2 100 x 1.1 = 110.00; the AWS credit passes through at cost, -500.00: billed -390.
    // The credit's base is -390 + the flat fee 50 = -340, the fee's -390: both clamped at 0.
    // Before the clamp the credit added +34.00 and the fee took off -39.00.
    // Subtotal 110 - 500 + 50 = -340.00; tax 10 % = -34.00; total -374.00.
    EXPECT_EQ(summary(inv),
              "aws_usage|222222222222|AmazonEC2|110.00\n"
              "aws_passthrough|222222222222|AmazonS3|-500.00\n"
              "custom_fee|222222222222|fee|50.00\n"
              "custom_credit|222222222222|pc|0.00\n"
              "custom_fee|222222222222|pf|0.00\n"
              "subtotal -340.00 tax -34.00 total -374.00\n");
    const auto* pc = line_of(inv, "pc");
    ASSERT_TRUE(pc);
    EXPECT_EQ(pc->rate, "10 % of billed -390 + flat items 50 = -340, not above zero: nothing");
    EXPECT_TRUE(pc->exact.is_zero());
    const auto* pf = line_of(inv, "pf");
    ASSERT_TRUE(pf);
    EXPECT_EQ(pf->rate, "10 % of billed -390 = -390, not above zero: nothing");
    // The CSV says the same.
    EXPECT_NE(read_file(w.out + "/c1-2026-03.csv")
                  .find("10 % of billed -390 + flat items 50 = -340, not above zero: nothing"),
              std::string::npos);
}

TEST(BillingCredits, CreditsExceedingTheChargesAreSaidToBeOwedAndHaveNoMarginPercent) {
    World w;
    w.ingest(credit_rows());
    w.write_config(kCreditConfig);
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: c1-2026-03: credits exceed charges: 374.00 USD is owed to the "
                         "customer (subtotal -340.00, tax -34.00)"),
              std::string::npos)
        << r.err;
    // Margin by unblended cost: 100 - 500 = -400 against billed -340: a margin of +60 over a
    // negative billed amount has no meaningful percentage (it was -17.65).
    const std::string margin = read_file(w.out + "/margin-2026-03.csv");
    EXPECT_NE(margin.find("group,c1,g1,,,USD,-400.00,-340.00,60.00,\n"), std::string::npos)
        << margin;
    EXPECT_NE(margin.find("customer,c1,,,,USD,-400.00,-340.00,60.00,\n"), std::string::npos)
        << margin;
    // The S3 cell: the credit passed through at cost, billed -500, margin 0: n/a as well.
    EXPECT_NE(margin.find("cell,c1,g1,AmazonS3,222222222222,USD,-500.00,-500.00,0.00,\n"),
              std::string::npos)
        << margin;
    // A positive month is unaffected: the EC2 cell keeps its percentage (10 / 110).
    EXPECT_NE(margin.find("cell,c1,g1,AmazonEC2,222222222222,USD,100.00,110.00,10.00,9.09\n"),
              std::string::npos)
        << margin;
}

TEST(BillingCredits, ThePrintedSavingsPlanBaseGivesTheLinesCent) {
    World w;
    const char* arn = "arn:aws:savingsplans::222222222222:savingsplan/sp-in";
    CurRow covered{kPayer,         kPrimary,     "SavingsPlanCoveredUsage",
                   "AmazonEC2",    "Amazon EC2", "BoxUsage:c5.large",
                   "RunInstances", "1",          "1.333",
                   "1.333"};
    covered.sp_arn = arn;
    covered.effective = "1.000";
    CurRow negation{kPayer,
                    kPrimary,
                    "SavingsPlanNegation",
                    "AmazonEC2",
                    "Amazon EC2",
                    "BoxUsage:c5.large",
                    "RunInstances",
                    "0",
                    "-1.333",
                    "0"};
    negation.sp_arn = arn;
    w.ingest({covered,
              negation,
              {kPayer, kPrimary, "Usage", "AmazonS3", "Amazon S3", "TimedStorage", "PutObject", "1",
               "90", "90"}});
    w.write_config(R"({
  "seller": {"name": "S", "address": ["1 Road"]},
  "customers": [{"id": "c1", "name": "One", "currency": "USD", "tax_rate": "0"}],
  "pricing_rules": [{"id": "g", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "rules": ["g"]}],
  "billing_groups": [{"id": "g1", "customer": "c1", "primary_account": "222222222222",
    "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [{"id": "half", "group": "g1", "type": "fee", "percent": "50",
    "description": "half", "from": "2026-03", "exclude_savings_plan_discounts": true}]
})");
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto inv = w.invoice("c1-2026-03").invoice;
    // EC2 covered by the group's own plan at its effective 1.000 x 1.1 = 1.10; S3 90 x 1.1 =
    // 99.00: billed 100.10. The benefit kept: (1.333 - 1.000) x 1.1 = 0.3663, which the text
    // printed rounded (0.37), giving (100.10 + 0.37) x 50 % = 50.235 -> 50.24 against the 50.23
    // charged. Printed exactly: (100.10 + 0.3663) x 50 % = 50.23315 -> 50.23.
    const auto* half = line_of(inv, "half");
    ASSERT_TRUE(half);
    EXPECT_EQ(half->rate, "50 % of billed 100.1 + Savings Plan discounts 0.3663");
    EXPECT_EQ(half->exact.exact_text(), "50.23315");
    EXPECT_EQ(summary(inv),
              "aws_usage|222222222222|AmazonEC2|1.10\n"
              "aws_usage|222222222222|AmazonS3|99.00\n"
              "custom_fee|222222222222|half|50.23\n"
              "subtotal 150.33 tax 0.00 total 150.33\n");
}

}  // namespace CURCRUNCH_UNITY_ID
