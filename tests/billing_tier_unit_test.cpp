// A tiering rule limited to a pricing unit ("unit": the CUR's pricing/unit): only its rows in
// that unit count towards the tiers, the others are priced by the rule below it; `billing check`
// says when none of the usage the rule prices in the store is in its unit; a usage type whose
// rows are in that unit and another cannot be split and is refused.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kPayer = "500000000001";
const char* kPrimary = "500000000011";
const char* kUser = "500000000012";

CurRow usage(const char* account, const char* product, const char* usage_type,
             const char* operation, const char* quantity, const char* cost, const char* unit) {
    CurRow r{kPayer,
             account,
             "Usage",
             product,
             product == std::string("AmazonS3") ? "Amazon S3" : "AWS Lambda",
             usage_type,
             operation,
             quantity,
             cost,
             cost};
    r.unit = unit;
    r.day = "2026-05-10";
    return r;
}

// 1,500 + 700 GB-months of storage in two accounts of the group, a million requests of S3 and
// seven Lambda requests.
std::vector<CurRow> may_rows() {
    return {usage(kUser, "AmazonS3", "TimedStorage-ByteHrs", "PutObject", "1500", "30", "GB-Mo"),
            usage(kPrimary, "AmazonS3", "TimedStorage-ByteHrs", "PutObject", "700", "14", "GB-Mo"),
            usage(kUser, "AmazonS3", "Requests-Tier2", "GetObject", "1000000", "0.4", "Requests"),
            usage(kUser, "AWSLambda", "Request", "Invoke", "7", "0.001", "Requests")};
}

std::string config(const std::string& unit_field) {
    return R"J({
  "seller": {"name": "Partner Ltd", "address": ["1 Street"]},
  "customers": [{"id": "orbit", "name": "Orbit", "currency": "USD"}],
  "pricing_rules": [
    {"id": "s3t", "scope": "service", "service": "AmazonS3", "type": "tiering", )J" +
           unit_field + R"J(
     "tiers": [{"from": "0", "to": "1000", "rate": "0"}, {"from": "1000", "rate": "0.01"}]},
    {"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "od", "rules": ["s3t", "m10"]}],
  "billing_groups": [
    {"id": "g1", "customer": "orbit", "primary_account": "500000000011",
     "accounts": ["500000000012"], "from": "2026-01", "plans": [{"plan": "od", "from": "2026-01"}]}]
})J";
}

RunResult check(World& w) {
    return run_cli({"billing", "check", "--config", w.config, "--db", w.db});
}

}  // namespace

TEST(BillingTierUnit, OnlyTheRulesUnitCountsTowardsTheTiersAndTheRestFallsToTheRuleBelow) {
    World w;
    w.ingest(may_rows());
    w.write_config(config(R"("unit": "GB-Mo",)"));
    auto r = w.run("2026-05");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("sums the usage quantities"), std::string::npos) << r.err;
    // Tiered: 1500 + 700 = 2200 GB-Mo; the first 1000 at 0, the next 1200 at 0.01 = 12.00, on
    // the primary account. The requests are not storage: the global markup prices them, 0.40 x
    // 1.1 = 0.44; Lambda as before, 0.001 x 1.1 = 0.0011 -> 0.00. Subtotal 12.44, no tax.
    const auto inv = w.invoice("orbit-2026-05").invoice;
    EXPECT_EQ(summary(inv),
              "aws_usage|500000000012|AWSLambda|0.00\n"
              "aws_usage|500000000012|AmazonS3|0.44\n"
              "aws_usage|500000000011|AmazonS3|12.00\n"
              "subtotal 12.44 tax 0.00 total 12.44\n");
    ASSERT_EQ(inv.lines.size(), 3u);
    EXPECT_EQ(inv.lines[1].rate, "markup 10 % (m10) on public on-demand");
    EXPECT_EQ(inv.lines[2].description, "AmazonS3 (tiered on usage in GB-Mo)");
    EXPECT_EQ(inv.lines[2].quantity, "2200");
    EXPECT_EQ(inv.lines[2].unit, "GB-Mo");
    EXPECT_EQ(inv.lines[2].exact.exact_text(), "12");
    EXPECT_EQ(check(w).exit_code, 0);
}

TEST(BillingTierUnit, CheckSaysWhenNoneOfTheRulesUsageIsInItsUnit) {
    World w;
    w.ingest(may_rows());
    w.write_config(config(R"("unit": "GB-mo",)"));
    auto r = check(w);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: " + w.config +
                         ": $.pricing_rules[0].unit: unit 'GB-mo' matches none of the usage this "
                         "rule prices in the store: the AmazonS3 usage of its billing groups' "
                         "accounts is in 'GB-Mo', 'Requests' (units are compared exactly)"),
              std::string::npos)
        << r.err;
    // Nothing is in GB-mo: no tiered line; all of S3 is priced by the global markup, (30 + 14 +
    // 0.4) x 1.1 = 48.84, of which 33.44 on the user's account and 15.40 on the primary's.
    auto run = w.run("2026-05");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(summary(w.invoice("orbit-2026-05").invoice),
              "aws_usage|500000000011|AmazonS3|15.40\n"
              "aws_usage|500000000012|AWSLambda|0.00\n"
              "aws_usage|500000000012|AmazonS3|33.44\n"
              "subtotal 48.84 tax 0.00 total 48.84\n");
}

TEST(BillingTierUnit, AUsageTypeInTheRulesUnitAndAnotherIsRefused) {
    World w;
    std::vector<CurRow> rows = may_rows();
    rows.push_back(usage(kUser, "AmazonS3", "TimedStorage-ByteHrs", "PutObject", "5", "1", "GB"));
    w.ingest(rows);
    w.write_config(config(R"("unit": "GB-Mo",)"));
    const std::string before = dump_relation_of(w.db, "customer_invoice");
    auto r = w.run("2026-05");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("billing group g1: tiering rule s3t counts usage in GB-Mo only, but "
                         "usage type TimedStorage-ByteHrs (Usage, AmazonS3) of account "
                         "500000000012 is in several units (GB, GB-Mo): the store keeps units by "
                         "usage type, not by row, so its rows cannot be split between them; "
                         "price it with a SKU rule, or drop the unit"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(dump_relation_of(w.db, "customer_invoice"), before);
    EXPECT_FALSE(fs::exists(w.out + "/orbit-2026-05.json"));
}

TEST(BillingTierUnit, OnlyATieringRuleHasAUnitAndItIsNotEmpty) {
    World w;
    w.write_config(config(R"("unit": "",)"));
    auto r = run_cli({"billing", "check", "--config", w.config});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(
        r.err.find(w.config + ": $.pricing_rules[0].unit: must not be empty (a pricing unit of the "
                              "CUR, such as GB-Mo)"),
        std::string::npos)
        << r.err;
    std::string markup = config("");
    markup.replace(markup.find(R"("percent": "10")"), 15, R"("percent": "10", "unit": "Hrs")");
    w.write_config(markup);
    r = run_cli({"billing", "check", "--config", w.config});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find(w.config + ": $.pricing_rules[1].unit: only a tiering rule has a unit"),
              std::string::npos)
        << r.err;
}

}  // namespace CURCRUNCH_UNITY_ID
