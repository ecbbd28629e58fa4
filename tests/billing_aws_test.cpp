// The AWS side of billing from the store itself: CUR files ingested by the real binary into the
// (payer, billing period) store, then `billing run`. Commitments bought inside and outside a
// billing group, across two payers whose months are in different states (final / accruing),
// and the real workshop CUR of November 2018 (../shared/samples/real) billed to two customers
// with invoice totals tied out to the cent against sums of the raw file.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

// Payer A's month is invoiced (its rows carry the invoice id); payer B's is still accruing.
const char* kPayerA = "500000000001";
const char* kPayerB = "600000000001";
const char* kOwner = "500000000011";    // in group g1: owns a Savings Plan and an RI
const char* kUser = "500000000012";     // in group g1
const char* kSolo = "500000000013";     // group g3, another customer
const char* kLinkedB = "600000000021";  // group g2, under payer B
const char* kSpIn = "arn:aws:savingsplans::500000000011:savingsplan/sp-in";
const char* kSpPayer = "arn:aws:savingsplans::500000000001:savingsplan/sp-payer";
const char* kRiIn = "arn:aws:rds:us-east-1:500000000011:ri:ri-in";
const char* kRiPayerB = "arn:aws:ec2:us-east-1:600000000001:reserved-instances/ri-b";

CurRow row(const char* payer, const char* account, const char* type, const char* product,
           const char* pub, const char* unblended, const char* effective = "") {
    CurRow r{payer, account, type, product, product, "Usage", "Run", "1", unblended, pub};
    r.effective = effective;
    r.day = "2026-05-10";
    r.invoice = std::string(payer) == kPayerA ? "INV-A-1" : "";
    return r;
}

std::vector<CurRow> two_payers() {
    std::vector<CurRow> v;
    auto sp = [&](CurRow r, const char* arn) {
        r.sp_arn = arn;
        return r;
    };
    auto ri = [&](CurRow r, const char* arn) {
        r.ri_arn = arn;
        return r;
    };
    v.push_back(row(kPayerA, kUser, "Usage", "AmazonEC2", "100", "100"));
    // The in-group Savings Plan covers 50 of public on-demand usage at an effective 30; its
    // fee commits 40 of which 30 were used.
    v.push_back(
        sp(row(kPayerA, kUser, "SavingsPlanCoveredUsage", "AmazonEC2", "50", "50", "30"), kSpIn));
    v.push_back(sp(row(kPayerA, kUser, "SavingsPlanNegation", "AmazonEC2", "0", "-50"), kSpIn));
    CurRow fee = sp(
        row(kPayerA, kOwner, "SavingsPlanRecurringFee", "ComputeSavingsPlans", "0", "40"), kSpIn);
    fee.sp_total = "40";
    fee.sp_used = "30";
    v.push_back(fee);
    // The payer's Savings Plan covers g1 usage (public 20) and g3 usage (public 80).
    v.push_back(sp(row(kPayerA, kUser, "SavingsPlanCoveredUsage", "AmazonEC2", "20", "20", "12"),
                   kSpPayer));
    v.push_back(sp(row(kPayerA, kUser, "SavingsPlanNegation", "AmazonEC2", "0", "-20"), kSpPayer));
    v.push_back(sp(row(kPayerA, kSolo, "SavingsPlanCoveredUsage", "AmazonEC2", "80", "80", "48"),
                   kSpPayer));
    v.push_back(sp(row(kPayerA, kSolo, "SavingsPlanNegation", "AmazonEC2", "0", "-80"), kSpPayer));
    CurRow payer_fee =
        sp(row(kPayerA, kPayerA, "SavingsPlanRecurringFee", "ComputeSavingsPlans", "0", "100"),
           kSpPayer);
    payer_fee.sp_total = "100";
    payer_fee.sp_used = "60";
    v.push_back(payer_fee);
    // The in-group RI: RDS usage of public 10 at an effective 6; its fee leaves 2 + 3 unused.
    v.push_back(ri(row(kPayerA, kUser, "DiscountedUsage", "AmazonRDS", "10", "0", "6"), kRiIn));
    CurRow rifee = ri(row(kPayerA, kOwner, "RIFee", "AmazonRDS", "0", "15"), kRiIn);
    rifee.ri_unused_upfront = "2";
    rifee.ri_unused_recurring = "3";
    v.push_back(rifee);
    // Payer B: plain usage and usage covered by the payer's own RI (outside every group).
    v.push_back(row(kPayerB, kLinkedB, "Usage", "AmazonEC2", "100", "90"));
    v.push_back(
        ri(row(kPayerB, kLinkedB, "DiscountedUsage", "AmazonEC2", "40", "0", "25"), kRiPayerB));
    return v;
}

const char* kTwoPayerConfig = R"J({
  "seller": {"name": "Partner Ltd", "address": ["1 Street"]},
  "customers": [{"id": "orbit", "name": "Orbit", "currency": "USD", "tax_rate": "10"},
                {"id": "solo", "name": "Solo", "currency": "USD"}],
  "pricing_rules": [{"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "od", "basis": "public_on_demand", "rules": ["m10"]}],
  "billing_groups": [
    {"id": "g1", "customer": "orbit", "primary_account": "500000000011",
     "accounts": ["500000000012"], "from": "2026-01", "plans": [{"plan": "od", "from": "2026-01"}]},
    {"id": "g2", "customer": "orbit", "primary_account": "600000000021",
     "from": "2026-01", "plans": [{"plan": "od", "from": "2026-01"}]},
    {"id": "g3", "customer": "solo", "primary_account": "500000000013",
     "from": "2026-01", "plans": [{"plan": "od", "from": "2026-01"}]}],
  "custom_line_items": [
    {"id": "partner", "group": "g1", "type": "credit", "percent": "10", "from": "2026-01",
     "to": "2026-12",
     "description": "Partner credit (10 % before Savings Plan benefit)",
     "exclude_savings_plan_discounts": true}]
})J";

}  // namespace

TEST(BillingAws, CommitmentsInAndOutOfTheGroupFromTheStoreAcrossTwoPayers) {
    World w;
    w.ingest(two_payers());
    w.write_config(kTwoPayerConfig);
    auto r = w.run("2026-05");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("AWS costs of payer 500000000001 2026-05: final (invoice id in rows), "
                         "data through 2026-05-10"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("AWS costs of payer 600000000001 2026-05: accruing (no invoice id yet)"),
              std::string::npos)
        << r.out;
    const auto orbit = w.invoice("orbit-2026-05").invoice;
    // g1, public on-demand basis, markup 10 %:
    //   EC2 of 500000000012: usage 100 + covered by the in-group plan at its effective 30 +
    //     covered by the payer's plan at public on-demand 20 (no benefit) = 150 -> 165.00;
    //     negations never priced.
    //   RDS of 500000000012: covered by the in-group RI at its effective 6 -> 6.60.
    //   The in-group plan's fee: the unused commitment 40 - 30 = 10 -> 11.00; the RI's fee:
    //     unused 2 + 3 = 5 -> 5.50. The payer's own plan fee is nobody's.
    //   Credit 10 % of billed 165 + 6.60 + 11 + 5.50 = 188.10 plus the Savings Plan benefit kept
    //     (50 - 30) x 1.1 = 22: 210.10 -> -21.01.
    // g2 (payer B): usage 100 + RI-covered usage of the payer's RI at public 40 -> 154.00.
    // Subtotal 188.10 - 21.01 + 154.00 = 321.09; tax 10 % = 32.109 -> 32.11; total 353.20.
    EXPECT_EQ(summary(orbit),
              "aws_usage|500000000012|AmazonEC2|165.00\n"
              "aws_usage|500000000012|AmazonRDS|6.60\n"
              "aws_commitment|500000000011|AmazonRDS|5.50\n"
              "aws_commitment|500000000011|ComputeSavingsPlans|11.00\n"
              "custom_credit|500000000011|partner|-21.01\n"
              "aws_usage|600000000021|AmazonEC2|154.00\n"
              "subtotal 321.09 tax 32.11 total 353.20\n");
    // Payer B's month may still change: the whole invoice is a draft.
    EXPECT_EQ(orbit.status, "draft");
    // g3 (payer A only): covered by the payer's plan, no benefit: 80 x 1.1 = 88.00; final on the
    // AWS invoice id its rows carry.
    const auto solo = w.invoice("solo-2026-05").invoice;
    EXPECT_EQ(summary(solo),
              "aws_usage|500000000013|AmazonEC2|88.00\nsubtotal 88.00 tax 0.00 total 88.00\n");
    EXPECT_EQ(solo.status, "final");
    EXPECT_EQ(solo.aws_invoices, std::vector<std::string>{"INV-A-1"});
    // Margin by unblended cost: EC2 of 500000000012 is 100 + 50 - 50 + 20 - 20 = 100.
    const std::string margin = read_file(w.out + "/margin-2026-05.csv");
    EXPECT_NE(margin.find("cell,orbit,g1,AmazonEC2,500000000012,USD,100.00,165.00,65.00,39.39\n"),
              std::string::npos)
        << margin;

    // Payer B's invoice arrives (fetch): the draft turns final, amounts unchanged.
    aws_invoice_arrives(w.db, kPayerB, 202605, "INV-B-7");
    auto again = w.run("2026-05");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("orbit 2026-05: draft orbit-2026-05 unchanged, now final (AWS "
                             "invoice INV-A-1, INV-B-7)"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(w.invoice("orbit-2026-05").invoice.status, "final");
}

namespace {

// Billing Conductor-style set-up over the real November 2018 workshop CUR (one payer,
// 836060457634, which owns the RIs; one linked account, 011254002932, whose EC2 usage those
// RIs cover).
const char* kWorkshopConfig = R"J({
  "seller": {"name": "Partner Ltd", "address": ["1 Street"]},
  "margin_measure": "unblended",
  "customers": [
    {"id": "northwind", "name": "Northwind", "currency": "USD", "tax_rate": "0"},
    {"id": "contoso", "name": "Contoso", "currency": "USD", "tax_rate": "20"}],
  "pricing_rules": [
    {"id": "plus10", "scope": "global", "type": "markup", "percent": "10"},
    {"id": "s3-half", "scope": "service", "service": "AmazonS3", "type": "discount", "percent": "50"},
    {"id": "plus5", "scope": "global", "type": "markup", "percent": "5"},
    {"id": "aws-7", "scope": "billing_entity", "billing_entity": "AWS", "type": "markup",
     "percent": "7"},
    {"id": "glue-10", "scope": "service", "service": "AWSGlue", "type": "discount", "percent": "10"},
    {"id": "r4-list", "scope": "sku", "service": "AmazonRDS",
     "usage_type": "InstanceUsage:db.r4.large", "operation": "CreateDBInstance:0016",
     "type": "markup", "percent": "0"}],
  "pricing_plans": [
    {"id": "cost-plus", "basis": "unblended", "rules": ["plus10", "s3-half"]},
    {"id": "amortized", "basis": "amortized", "rules": ["plus5", "aws-7", "glue-10", "r4-list"]}],
  "billing_groups": [
    {"id": "linked", "customer": "northwind", "primary_account": "011254002932",
     "from": "2018-01", "plans": [{"plan": "cost-plus", "from": "2018-01"}]},
    {"id": "payer", "customer": "contoso", "primary_account": "836060457634",
     "from": "2018-01", "plans": [{"plan": "amortized", "from": "2018-01"}]}],
  "custom_line_items": [
    {"id": "welcome", "group": "linked", "type": "credit", "amount": "5", "from": "2018-11",
     "description": "Welcome credit"},
    {"id": "platform", "group": "payer", "type": "fee", "amount": "100", "from": "2018-11",
     "description": "Platform fee"},
    {"id": "mgmt", "group": "payer", "type": "fee", "percent": "2", "from": "2018-11",
     "description": "Management fee"}]
})J";

}  // namespace

TEST(BillingAws, TheRealWorkshopCurTiesOutToTheCent) {
    World w;
    auto in = run_cli({"ingest", "--quiet", "--db", w.db,
                       real_samples() + "/derived/cur-snake-csv_wal-workshop_2018-11.csv.gz"});
    ASSERT_EQ(in.exit_code, 0) << in.err;
    w.write_config(kWorkshopConfig);
    auto r = w.run("2018-11");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("AWS costs of payer 836060457634 2018-11: final (invoice id in rows), "
                         "data through 2018-11-30"),
              std::string::npos)
        << r.out;
    // The expected amounts come from the raw CSV summed with Python's decimal module (each value
    // taken at 10 fraction digits, as the store keeps it; none of this file's values has more),
    // grouped by account, service and line item type, then priced by hand:
    //
    // northwind (011254002932, cost-plus on unblended, +10 %, S3 -50 %). Its DiscountedUsage
    // (720 rows) is covered by RIs the payer owns, outside the group: no benefit, public
    // on-demand 11.6640.
    //   Athena  unblended 0.00295                      x 1.1 = 0.003245      -> 0.00
    //   EC2     usage 60.3204443337 + covered 11.6640  x 1.1 = 79.18288876707 -> 79.18
    //   S3      unblended 0.1623530                    x 0.5 = 0.0811765     -> 0.08
    //   Services with no unblended cost (Glue, CloudTrail, ...) get no line.
    //   Welcome credit -5.00. Subtotal 74.26, no tax.
    const auto northwind = w.invoice("northwind-2018-11").invoice;
    EXPECT_EQ(summary(northwind),
              "aws_usage|011254002932|AmazonAthena|0.00\n"
              "aws_usage|011254002932|AmazonEC2|79.18\n"
              "aws_usage|011254002932|AmazonS3|0.08\n"
              "custom_credit|011254002932|welcome|-5.00\n"
              "subtotal 74.26 tax 0.00 total 74.26\n");
    EXPECT_EQ(northwind.status, "final");
    EXPECT_EQ(northwind.aws_invoices, std::vector<std::string>{"159263274"});
    // contoso (836060457634, amortized basis). The billing-entity rule (AWS, +7 %) beats the
    // global one (+5 %); Glue has its service rule (-10 %); one RDS SKU is at list price. The
    // RIs are the group's own: their usage (6,482 rows) at the effective cost 222.90444001, and
    // the RI fees (9 rows, unblended 147.384) at their amortized cost, the unused part
    // 21.61643836 + 21.6.
    //   Budgets     0.30                                   x 1.07 = 0.321           -> 0.32
    //   Config      11.099                                 x 1.07 = 11.87593        -> 11.88
    //   Events      0.000572                               x 1.07 = 0.00061204      -> 0.00
    //   Glue        2005.38293120                          x 0.9  = 1804.84463808   -> 1804.84
    //   Athena      0.02283                                x 1.07 = 0.0244281       -> 0.02
    //   EC2         527.2987536163 + 222.90444001          x 1.07 = 802.717417180141 -> 802.72
    //   GuardDuty   0.9546686007                           x 1.07 = 1.021495402749  -> 1.02
    //   QuickSight  36.9166669620                          x 1.07 = 39.50083364934  -> 39.50
    //   RDS         332.63 (the SKU, x 1) + 382.6356168141 x 1.07 = 742.050109991087 -> 742.05
    //   S3          0.2161816                              x 1.07 = 0.231314312     -> 0.23
    //   EC2 unused RIs 43.21643836                         x 1.07 = 46.2415890452   -> 46.24
    //   Platform fee 100.00; management fee 2 % of the billed 3448.82 = 68.9764 -> 68.98.
    //   Subtotal 3617.80; tax 20 % = 723.56; total 4341.36.
    const auto contoso = w.invoice("contoso-2018-11").invoice;
    EXPECT_EQ(summary(contoso),
              "aws_usage|836060457634|AWSBudgets|0.32\n"
              "aws_usage|836060457634|AWSConfig|11.88\n"
              "aws_usage|836060457634|AWSEvents|0.00\n"
              "aws_usage|836060457634|AWSGlue|1804.84\n"
              "aws_usage|836060457634|AmazonAthena|0.02\n"
              "aws_usage|836060457634|AmazonEC2|802.72\n"
              "aws_usage|836060457634|AmazonGuardDuty|1.02\n"
              "aws_usage|836060457634|AmazonQuickSight|39.50\n"
              "aws_usage|836060457634|AmazonRDS|742.05\n"
              "aws_usage|836060457634|AmazonS3|0.23\n"
              "aws_commitment|836060457634|AmazonEC2|46.24\n"
              "custom_fee|836060457634|platform|100.00\n"
              "custom_fee|836060457634|mgmt|68.98\n"
              "subtotal 3617.80 tax 723.56 total 4341.36\n");
    // The exact amounts are kept to the last digit (the JSON's "exact").
    int ec2_lines = 0;
    for (const auto& l : contoso.lines) {
        if (l.kind != billing::LineKind::aws_usage || l.service != "AmazonEC2") continue;
        EXPECT_EQ(l.exact.exact_text(), "802.717417180141");
        ++ec2_lines;
    }
    EXPECT_EQ(ec2_lines, 1);
    // The margin report: AWS cost (unblended) against billed, per cell. contoso's EC2: usage
    // 527.2987536163 + RI fees 147.384 = 674.68 against 802.72 + 46.24.
    const std::string margin = read_file(w.out + "/margin-2018-11.csv");
    EXPECT_NE(margin.find("cell,contoso,payer,AmazonEC2,836060457634,USD,674.68,848.96,174.28,"),
              std::string::npos)
        << margin;
    EXPECT_NE(margin.find("cell,northwind,linked,AmazonEC2,011254002932,USD,60.32,79.18,18.86,"),
              std::string::npos)
        << margin;
}

TEST(BillingAws, CoveredUsageOfAnOutsideCommitmentWithoutAPublicPriceIsBilledAtUnblended) {
    // Found by the billing audit: the payer's Savings Plan covers EC2 usage of the group whose
    // row has no public on-demand cost (the CUR leaves pricing/publicOnDemandCost empty). Its
    // unblended cost, 50, is the on-demand equivalent of SavingsPlanCoveredUsage; it was billed
    // at 0, the line missing and nothing said. An RI-covered row without either cost (RDS,
    // unblended 0) cannot be priced: the run warns.
    World w;
    const char* sp = "arn:aws:savingsplans::500000000001:savingsplan/sp-payer";
    const char* ri = "arn:aws:rds:us-east-1:500000000001:ri:ri-payer";
    CurRow covered = row(kPayerA, kUser, "SavingsPlanCoveredUsage", "AmazonEC2", "", "50", "30");
    covered.sp_arn = sp;
    CurRow negation = row(kPayerA, kUser, "SavingsPlanNegation", "AmazonEC2", "", "-50");
    negation.sp_arn = sp;
    CurRow rds = row(kPayerA, kUser, "DiscountedUsage", "AmazonRDS", "", "0", "6");
    rds.ri_arn = ri;
    w.ingest({covered, negation, rds});
    w.write_config(R"J({
  "seller": {"name": "Partner Ltd", "address": ["1 Street"]},
  "customers": [{"id": "orbit", "name": "Orbit", "currency": "USD"}],
  "pricing_rules": [{"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "od", "basis": "public_on_demand", "rules": ["m10"]}],
  "billing_groups": [
    {"id": "g1", "customer": "orbit", "primary_account": "500000000011",
     "accounts": ["500000000012"], "from": "2026-01", "plans": [{"plan": "od", "from": "2026-01"}]}]
})J");
    auto r = w.run("2026-05");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // 50 x 1.1 = 55.00, priced as covered from outside the group (at 0 there was nothing to
    // bill, and no invoice).
    ASSERT_TRUE(fs::exists(w.out + "/orbit-2026-05.json")) << r.out << r.err;
    const auto orbit = w.invoice("orbit-2026-05").invoice;
    EXPECT_EQ(summary(orbit),
              "aws_usage|500000000012|AmazonEC2|55.00\nsubtotal 55.00 tax 0.00 total 55.00\n");
    ASSERT_EQ(orbit.lines.size(), 1u);
    EXPECT_EQ(orbit.lines[0].rate, "markup 10 % (m10) on unblended (no public on-demand cost)");
    EXPECT_NE(r.err.find("warning: billing group g1: usage of 500000000012 (AmazonRDS) covered by "
                         "a commitment owned outside the group has neither a public on-demand nor "
                         "an unblended cost: billed at 0"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("AmazonEC2"), std::string::npos) << r.err;
}

TEST(BillingAws, ATieringRuleOverRowsOfSeveralUsageTypesWarnsThatTheirUnitsMayDiffer) {
    // Found by the billing audit: a tiering rule adds up the usage quantities of every row it
    // matches, 1,500 GB-months of storage and 1,000,000 requests alike. The store keeps no
    // pricing unit; the usage type names it, and the run warns when a rule sums several.
    World w;
    CurRow storage{kPayerA,     kUser,  "Usage", "AmazonS3", "Amazon S3", "TimedStorage-ByteHrs",
                   "PutObject", "1500", "30",    "30"};
    CurRow requests{kPayerA,          kUser,       "Usage",   "AmazonS3", "Amazon S3",
                    "Requests-Tier2", "GetObject", "1000000", "0.4",      "0.4"};
    CurRow lambda{kPayerA,   kUser,    "Usage", "AWSLambda", "AWS Lambda",
                  "Request", "Invoke", "7",     "0.001",     "0.001"};
    for (CurRow* r : {&storage, &requests, &lambda})
        r->day = "2026-05-10";
    w.ingest({storage, requests, lambda});
    w.write_config(R"J({
  "seller": {"name": "Partner Ltd", "address": ["1 Street"]},
  "customers": [{"id": "orbit", "name": "Orbit", "currency": "USD"}],
  "pricing_rules": [{"id": "s3t", "scope": "service", "service": "AmazonS3", "type": "tiering",
    "tiers": [{"from": "0", "to": "1000", "rate": "0"}, {"from": "1000", "rate": "0.01"}]}],
  "pricing_plans": [{"id": "od", "rules": ["s3t"]}],
  "billing_groups": [
    {"id": "g1", "customer": "orbit", "primary_account": "500000000011",
     "accounts": ["500000000012"], "from": "2026-01", "plans": [{"plan": "od", "from": "2026-01"}]}]
})J");
    auto r = w.run("2026-05");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: billing group g1: tiering rule s3t sums the usage quantities "
                         "of 2 usage types (Requests-Tier2, TimedStorage-ByteHrs), whose units "
                         "may differ: 1001500 is priced over its tiers as one quantity"),
              std::string::npos)
        << r.err;
    // The amounts are as before: (1001500 - 1000) x 0.01 = 10005.00; Lambda at list, 0.001.
    EXPECT_EQ(summary(w.invoice("orbit-2026-05").invoice),
              "aws_usage|500000000012|AWSLambda|0.00\n"
              "aws_usage|500000000011|AmazonS3|10005.00\n"
              "subtotal 10005.00 tax 0.00 total 10005.00\n");
}

}  // namespace CURCRUNCH_UNITY_ID
