// Worked examples of billing, with every expected amount computed by hand in the comments:
// pricing rules by scope with a fee and a (half-cent) credit, a graduated meter with a standing
// charge, proration, a minimum true-up, VAT and a repeated uid, and a billing group with
// commitments bought inside and outside it and a percentage item.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "curcrunch/billing/config_load.hpp"
#include "curcrunch/billing/customer_bill.hpp"
#include "curcrunch/store/store.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kPayer = "100000000001";  // also the group's primary account
const char* kLinked = "200000000002";

std::vector<CurRow> march_rows() {
    return {
        // EC2 m5.xlarge: public on-demand 20.00 (the SKU rule applies)
        {kPayer, kPayer, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:m5.xlarge",
         "RunInstances", "100", "18.00", "20.00"},
        // EC2 t3.micro: public 0.52 (only the global rule applies)
        {kPayer, kPayer, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:t3.micro",
         "RunInstances", "50", "0.52", "0.52"},
        // S3: public 23.00 (the service rule)
        {kPayer, kLinked, "Usage", "AmazonS3", "Amazon Simple Storage Service",
         "TimedStorage-ByteHrs", "StandardStorage", "1000", "23.00", "23.00"},
        // Lambda: public 0.40 (global rule)
        {kPayer, kLinked, "Usage", "AWSLambda", "AWS Lambda", "Request", "Invoke", "2000000",
         "0.40", "0.40"},
        // AWS tax and an AWS credit: not billed (the plan does not say so), but AWS cost.
        {kPayer, kLinked, "Tax", "AmazonEC2", "Amazon Elastic Compute Cloud", "Tax", "", "0",
         "4.00", "0"},
        {kPayer, kPayer, "Credit", "AmazonEC2", "Amazon Elastic Compute Cloud", "Credit", "", "0",
         "-5.00", "0"},
    };
}

std::string scope_config(const std::string& fee = "99.99") {
    return R"({
  "seller": {"name": "Partner Ltd", "address": ["1 Street"]},
  "customers": [{"id": "acme", "name": "Acme", "currency": "USD", "tax_rate": "20"}],
  "pricing_rules": [
    {"id": "all-10", "scope": "global", "type": "markup", "percent": "10"},
    {"id": "s3-5", "scope": "service", "service": "AmazonS3", "type": "discount", "percent": "5"},
    {"id": "m5-12.5", "scope": "sku", "service": "AmazonEC2", "usage_type": "BoxUsage:m5.xlarge",
     "operation": "RunInstances", "type": "discount", "percent": "12.5"}],
  "pricing_plans": [{"id": "p", "basis": "public_on_demand", "rules": ["all-10", "s3-5", "m5-12.5"]}],
  "billing_groups": [{"id": "g", "customer": "acme", "primary_account": "100000000001",
    "accounts": ["200000000002"], "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [
    {"id": "ops", "group": "g", "type": "fee", "amount": ")" +
           fee + R"(", "description": "Ops fee", "from": "2026-03"},
    {"id": "goodwill", "group": "g", "type": "credit", "amount": "10.005",
     "description": "Goodwill credit", "from": "2026-03", "to": "2026-04"}]
})";
}

}  // namespace

TEST(BillingInvoice, MarkupAndDiscountByScopeWithAFeeAndAHalfCentCredit) {
    World w;
    w.ingest(march_rows());
    w.write_config(scope_config());
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("acme 2026-03: new draft acme-2026-03, total 156.41 USD"),
              std::string::npos)
        << r.out;
    const auto doc = w.invoice("acme-2026-03");
    // EC2 (account 100000000001): the SKU rule (discount 12.5 %) beats the global markup for
    //   m5.xlarge: 20.00 x 0.875 = 17.50; t3.micro has only the global rule: 0.52 x 1.1 = 0.572;
    //   one line, exact 18.072 -> 18.07 (rounded once, not 17.50 + 0.57 = 18.07 by luck: the
    //   exact sum is what is rounded).
    // Lambda (200000000002): 0.40 x 1.1 = 0.44.
    // S3 (200000000002): the service discount 5 % beats the global markup: 23.00 x 0.95 = 21.85.
    // The AWS tax (4.00) and credit (-5.00) are not billed.
    // Fee 99.99; credit 10.005 -> -10.01 (half a cent, away from zero).
    // Subtotal 18.07 + 0.44 + 21.85 + 99.99 - 10.01 = 130.34; tax 20 % = 26.068 -> 26.07;
    // total 156.41.
    EXPECT_EQ(summary(doc.invoice),
              "aws_usage|100000000001|AmazonEC2|18.07\n"
              "aws_usage|200000000002|AWSLambda|0.44\n"
              "aws_usage|200000000002|AmazonS3|21.85\n"
              "custom_fee|100000000001|ops|99.99\n"
              "custom_credit|100000000001|goodwill|-10.01\n"
              "subtotal 130.34 tax 26.07 total 156.41\n");
    EXPECT_EQ(doc.invoice.lines[0].exact.exact_text(), "18.072");
    EXPECT_EQ(doc.invoice.lines[4].exact.exact_text(), "-10.005");
    EXPECT_EQ(doc.invoice.status, "draft");
    // The CSV has the same lines, exact and rounded (and no exchange: nothing was converted).
    const std::string csv = read_file(w.out + "/acme-2026-03.csv");
    EXPECT_NE(csv.find("acme-2026-03,1,aws_usage,g,100000000001,AmazonEC2,Amazon Elastic Compute "
                       "Cloud,,,"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find(",18.072,18.07,USD,,\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",-10.005,-10.01,USD,,\n"), std::string::npos) << csv;
    // Margin, by unblended cost: EC2 of 100000000001 cost 18.00 + 0.52 - 5.00 = 13.52 and billed
    // 18.07 (margin 4.55, 25.18 % of 18.07); the tax is cost without a billed line.
    const std::string margin = read_file(w.out + "/margin-2026-03.csv");
    EXPECT_NE(margin.find("cell,acme,g,AmazonEC2,100000000001,USD,13.52,18.07,4.55,25.18\n"),
              std::string::npos)
        << margin;
    EXPECT_NE(margin.find("cell,acme,g,AmazonEC2,200000000002,USD,4.00,0.00,-4.00,\n"),
              std::string::npos)
        << margin;
    // Group: cost 13.52 + 4.00 + 0.40 + 23.00 = 40.92; billed 130.34 -> margin 89.42, 68.61 %.
    EXPECT_NE(margin.find("group,acme,g,,,USD,40.92,130.34,89.42,68.61\n"), std::string::npos)
        << margin;
}

TEST(BillingInvoice, GraduatedMeterWithStandingChargeProrationMinimumVatAndARepeatedUid) {
    World w;
    w.write_config(R"({
  "customers": [{"id": "eu", "name": "EU GmbH", "currency": "EUR", "tax_rate": "21"}],
  "products": [{"id": "api", "name": "API"}],
  "meters": [{"id": "compute", "product": "api", "name": "Compute and Requests", "unit": "GB-s",
    "fields": {"duration": "decimal", "requests": "integer"},
    "aggregations": [{"id": "seconds", "type": "sum", "field": "duration"},
                     {"id": "calls", "type": "count"}]}],
  "usage_plans": [{"id": "pro", "name": "Pro", "currency": "EUR", "standing_charge": "30.00",
    "minimum": "100.00", "charges": [
      {"meter": "compute", "aggregation": "seconds", "model": "graduated",
       "tiers": [{"from": "0", "to": "100", "unit_price": "0.10"},
                 {"from": "100", "unit_price": "0.05", "flat_fee": "2.00"}]},
      {"meter": "compute", "aggregation": "calls", "model": "standard", "unit_price": "0.01"}]}],
  "subscriptions": [{"account": "eu-app", "customer": "eu", "plan": "pro", "start": "2026-03-11"}]
})");
    // m1 is before the subscription's start, m5 after the month: both excluded at billing.
    // m3 comes twice with the same values: the second is a duplicate and ignored.
    const std::string m =
        R"({"uid":"m1","account":"eu-app","timestamp":"2026-03-05T10:00:00Z","meter":"compute","values":{"duration":500,"requests":1}}
{"uid":"m2","account":"eu-app","timestamp":"2026-03-11T08:00:00Z","meter":"compute","values":{"duration":60.5,"requests":3}}
{"uid":"m3","account":"eu-app","timestamp":"2026-03-20T12:00:00+02:00","meter":"compute","values":{"duration":70.25,"requests":2}}
{"uid":"m4","account":"eu-app","timestamp":"2026-03-31T23:59:59Z","meter":"compute","values":{"duration":9.25,"requests":1}}
{"uid":"m5","account":"eu-app","timestamp":"2026-04-01T00:00:00Z","meter":"compute","values":{"duration":1000,"requests":1}}
{"uid":"m3","account":"eu-app","timestamp":"2026-03-20T12:00:00+02:00","meter":"compute","values":{"duration":70.25,"requests":2}}
)";
    write_file(w.tmp / "usage.jsonl", m);
    auto in = w.meters({w.tmp / "usage.jsonl"});
    ASSERT_EQ(in.exit_code, 0) << in.err;
    EXPECT_NE(in.out.find("5 new measurement(s) stored, 1 duplicate(s) ignored"), std::string::npos)
        << in.out;
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto inv = w.invoice("eu-2026-03").invoice;
    // Active 2026-03-11..31: 21 of 31 days.
    // Standing charge 30.00 x 21/31 = 630/31 = 20.3225... -> 20.32.
    // Compute, m2 + m3 + m4 = 60.5 + 70.25 + 9.25 = 140 GB-s, graduated:
    //   100 x 0.10 = 10.00; 40 x 0.05 = 2.00 plus the second tier's flat fee 2.00 -> 14.00.
    // Calls: 3 measurements x 0.01 = 0.03.
    // Minimum 100.00 x 21/31 = 2100/31 = 67.7419...; lines so far 20.32 + 14.00 + 0.03 = 34.35;
    //   true-up 2100/31 - 34.35 = 33.3919... -> 33.39.
    // Subtotal 20.32 + 14.00 + 0.03 + 33.39 = 67.74; VAT 21 % = 14.2254 -> 14.23; total 81.97.
    EXPECT_EQ(summary(inv),
              "standing_charge|eu-app|pro|20.32\n"
              "usage_charge|eu-app|compute|14.00\n"
              "usage_charge|eu-app|compute|0.03\n"
              "minimum_true_up|eu-app|pro|33.39\n"
              "subtotal 67.74 tax 14.23 total 81.97\n");
    EXPECT_EQ(inv.lines[0].exact.exact_text(), "630/31");
    EXPECT_EQ(inv.lines[1].quantity, "140");
    EXPECT_EQ(inv.lines[2].quantity, "3");
    // 2100/31 - 687/20 = (42000 - 21297)/620
    EXPECT_EQ(inv.lines[3].exact.exact_text(), "20703/620");
    // The same uid with other values is refused with both places named; nothing is stored.
    write_file(
        w.tmp / "late.jsonl",
        R"({"uid":"m3","account":"eu-app","timestamp":"2026-03-20T10:00:00Z","meter":"compute","values":{"duration":71,"requests":2}}
)");
    const std::string before = dump_store(w.db);
    auto bad = w.meters({w.tmp / "late.jsonl"});
    EXPECT_EQ(bad.exit_code, 3);
    EXPECT_NE(bad.err.find(w.tmp / "late.jsonl" +
                           ":1: field 'uid': 'm3' was ingested before with other values "
                           "(meter ingest #1)"),
              std::string::npos)
        << bad.err;
    EXPECT_EQ(dump_store(w.db), before);
}

TEST(BillingInvoice, CommitmentsInsideAndOutsideTheGroupAndAPercentageItem) {
    // Priced in memory (the rows carry the commitment owner, a dimension of the store's
    // payer/period schema); the store only holds the (empty) usage side.
    TempDir tmp;
    auto st = store::Store::open(tmp / "s.db");
    const auto cfg = billing::parse_billing_config(R"({
  "customers": [{"id": "c", "name": "C", "currency": "USD"}],
  "pricing_rules": [{"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "basis": "public_on_demand", "rules": ["m10"]}],
  "billing_groups": [{"id": "g", "customer": "c", "primary_account": "300000000001",
    "accounts": ["300000000002"], "from": "2026-03", "plans": [{"plan": "p", "from": "2026-03"}]}],
  "custom_line_items": [
    {"id": "flat", "group": "g", "type": "fee", "amount": "100", "description": "Flat", "from": "2026-03"},
    {"id": "pct", "group": "g", "type": "fee", "percent": "5", "description": "5 %",
     "from": "2026-03", "exclude_savings_plan_discounts": true}]
})",
                                                   "cfg.json");
    billing::CostRowSet rows;
    auto row = [&](const char* account, const char* type, const char* service, const char* owner,
                   const char* pub, const char* unb, const char* amo) {
        billing::CostRow r;
        r.payer = rows.intern("900000000009");
        r.account = rows.intern(account);
        r.line_item_type = rows.intern(type);
        r.service = rows.intern(service);
        r.commitment_owner = rows.intern(owner);
        r.currency = rows.intern("USD");
        parse_amount(pub, r.public_on_demand);
        parse_amount(unb, r.unblended);
        parse_amount(amo, r.amortized);
        r.net_unblended = r.unblended;
        r.net_amortized = r.amortized;
        rows.rows.push_back(r);
    };
    const char* in = "300000000001";   // owns a Savings Plan inside the group
    const char* out = "900000000009";  // the payer, outside every group
    row("300000000002", "Usage", "AmazonEC2", "", "100", "100", "100");
    row("300000000002", "SavingsPlanCoveredUsage", "AmazonEC2", in, "50", "50", "30");
    row("300000000002", "SavingsPlanNegation", "AmazonEC2", in, "0", "-50", "0");
    row("300000000001", "SavingsPlanRecurringFee", "ComputeSavingsPlans", in, "0", "40", "10");
    row("300000000002", "SavingsPlanCoveredUsage", "AmazonEC2", out, "80", "80", "48");
    row("300000000002", "SavingsPlanNegation", "AmazonEC2", out, "0", "-80", "0");
    row("300000000002", "DiscountedUsage", "AmazonRDS", out, "20", "0", "12");
    rows.index_accounts();
    const auto bill = billing::bill_customer(st->db(), cfg, cfg.customers[0], 202603, rows);
    // EC2 (300000000002): plain usage 100 + in-group covered usage at its effective cost 30 +
    //   out-of-group covered usage at public on-demand 80 (no benefit) = 210; negations are never
    //   priced; markup 10 %: 231.00.
    // RDS (300000000002): an RI owned outside: public on-demand 20 x 1.1 = 22.00.
    // Savings Plan fee (300000000001): owned in the group, billed at its amortized cost, the
    //   unused commitment 10 (40 committed, 30 used); x 1.1 = 11.00.
    // Flat fee 100.00.
    // 5 % item excluding Savings Plan discounts: base = billed 231 + 22 + 11 = 264 plus the
    //   in-group Savings Plan benefit (50 public - 30 effective) x 1.1 = 22 -> 286; 5 % = 14.30.
    // Subtotal 264 + 100 + 14.30 = 378.30, no tax.
    EXPECT_EQ(summary(bill.invoice),
              "aws_usage|300000000002|AmazonEC2|231.00\n"
              "aws_usage|300000000002|AmazonRDS|22.00\n"
              "aws_commitment|300000000001|ComputeSavingsPlans|11.00\n"
              "custom_fee|300000000001|flat|100.00\n"
              "custom_fee|300000000001|pct|14.30\n"
              "subtotal 378.30 tax 0.00 total 378.30\n");
    // Margin by unblended cost: EC2 100 + 50 - 50 + 80 - 80 = 100 against 231 billed.
    bool seen = false;
    for (const auto& m : bill.margin)
        if (m.service == "AmazonEC2") {
            EXPECT_EQ(to_plain_string(m.cost), "100");
            EXPECT_EQ(to_plain_string(m.billed), "231");
            seen = true;
        }
    EXPECT_TRUE(seen);
}

TEST(BillingInvoice, AwsCostsNoCustomerIsBilledForAreInTheMarginReportAsNotBilled) {
    World w;
    // Account 300000000003 is in no billing group: EC2 7.25 plus its tax 1.00 (AmazonEC2 8.25),
    // S3 2.50; nobody is billed for them, and the customer's invoice does not change.
    std::vector<CurRow> rows = march_rows();
    const char* kOutside = "300000000003";
    rows.push_back({kPayer, kOutside, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud",
                    "BoxUsage:t3.large", "RunInstances", "10", "7.25", "7.25"});
    rows.push_back({kPayer, kOutside, "Tax", "AmazonEC2", "Amazon Elastic Compute Cloud", "Tax", "",
                    "0", "1.00", "0"});
    rows.push_back({kPayer, kOutside, "Usage", "AmazonS3", "Amazon Simple Storage Service",
                    "TimedStorage-ByteHrs", "StandardStorage", "100", "2.50", "2.50"});
    w.ingest(rows);
    w.write_config(scope_config());
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("acme 2026-03: new draft acme-2026-03, total 156.41 USD"),
              std::string::npos)
        << r.out;
    // After every customer: each (service, account) nobody bills, then the total per currency;
    // billed 0, so the margin is minus the cost and there is no percentage.
    const std::string margin = read_file(w.out + "/margin-2026-03.csv");
    const std::string tail =
        "customer,acme,,,,USD,40.92,130.34,89.42,68.61\n"
        "not_billed,,,AmazonEC2,300000000003,USD,8.25,0.00,-8.25,\n"
        "not_billed,,,AmazonS3,300000000003,USD,2.50,0.00,-2.50,\n"
        "not_billed_total,,,,,USD,10.75,0.00,-10.75,\n";
    ASSERT_GE(margin.size(), tail.size());
    EXPECT_EQ(margin.substr(margin.size() - tail.size()), tail) << margin;
    const std::string json = read_file(w.out + "/margin-2026-03.json");
    EXPECT_NE(json.find("{\"level\":\"not_billed\",\"customer\":\"\",\"group\":\"\",\"service\":"
                        "\"AmazonS3\",\"account\":\"300000000003\",\"currency\":\"USD\","
                        "\"aws_cost\":\"2.50\",\"billed\":\"0.00\",\"margin\":\"-2.50\","
                        "\"margin_percent\":null}"),
              std::string::npos)
        << json;
    // Stored with the month's margin: 10.75 of cost under an empty customer.
    EXPECT_EQ(query_one(w.db,
                        "SELECT count(*) || ' ' || sum(cost) FROM billing_margin WHERE "
                        "period = 202603 AND customer = ''"),
              "2 107500000000");
}

}  // namespace CURCRUNCH_UNITY_ID
