// `billing check` and `billing run` on bad configurations: exit 3, the JSON path of the bad
// value in the message, and nothing written.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

// A valid configuration; each test breaks one thing in it.
std::string base(
    const std::string& rules =
        R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"}])",
    const std::string& groups = R"([{"id": "g1", "customer": "c", "primary_account": "100000000001",
      "accounts": ["200000000002"], "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}])",
    const std::string& currency = "USD", const std::string& plan_rules = R"(["m"])") {
    return R"({
  "customers": [{"id": "c", "name": "C", "currency": ")" +
           currency + R"("}],
  "pricing_rules": )" +
           rules + R"(,
  "pricing_plans": [{"id": "p", "rules": )" +
           plan_rules + R"(}],
  "billing_groups": )" +
           groups + "\n}";
}

struct Case {
    const char* name;
    std::string config;
    std::string message;  // expected in stderr after "<file>: "
};

}  // namespace

TEST(BillingConfig, TheBaseConfigurationIsValid) {
    World w;
    w.write_config(base());
    auto r = run_cli({"billing", "check", "--config", w.config});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("ok: 1 customer(s), 1 billing group(s), 1 pricing rule(s) in 1 plan(s)"),
              std::string::npos)
        << r.out;
}

TEST(BillingConfig, BadValuesExitThreeWithTheirJsonPathAndNothingIsWritten) {
    const std::vector<Case> cases = {
        {"overlapping groups",
         base(R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"}])",
              R"([{"id": "g1", "customer": "c", "primary_account": "100000000001",
                   "from": "2026-01", "to": "2026-06", "plans": [{"plan": "p", "from": "2026-01"}]},
                  {"id": "g2", "customer": "c", "primary_account": "300000000003",
                   "accounts": ["100000000001"], "from": "2026-06",
                   "plans": [{"plan": "p", "from": "2026-06"}]}])"),
         "$.billing_groups[1].accounts[0]: account 100000000001 is also in billing group 'g1' for "
         "overlapping months"},
        {"rule without scope fields",
         base(
             R"([{"id": "m", "scope": "sku", "service": "AmazonEC2", "type": "markup", "percent": "10"}])"),
         "$.pricing_rules[0].usage_type: missing: a sku rule needs 'usage_type'"},
        {"percentage over the range",
         base(R"([{"id": "m", "scope": "global", "type": "discount", "percent": "100.5"}])"),
         "$.pricing_rules[0].percent: out of range: 100.5 (must be between 0 and 100)"},
        {"tiers not starting at 0",
         base(R"([{"id": "m", "scope": "service", "service": "AWSLambda", "type": "tiering",
                   "tiers": [{"from": "1", "to": "10", "rate": "1"}, {"from": "10", "rate": "0.5"}]}])"),
         "$.pricing_rules[0].tiers[0].from: the first tier must start at 0, not 1"},
        {"overlapping tiers",
         base(R"([{"id": "m", "scope": "service", "service": "AWSLambda", "type": "tiering",
                   "tiers": [{"from": "0", "to": "10", "rate": "1"}, {"from": "5", "rate": "0.5"}]}])"),
         "$.pricing_rules[0].tiers[1].from: overlaps the previous tier (which ends at 10)"},
        {"a plan referencing a missing rule",
         base(
             R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"}])",
             R"([{"id": "g1", "customer": "c", "primary_account": "100000000001", "from": "2026-01",
                   "plans": [{"plan": "p", "from": "2026-01"}]}])",
             "USD", R"(["m", "nope"])"),
         "$.pricing_plans[0].rules[1]: no pricing rule 'nope'"},
        {"an unknown currency",
         base(
             R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"}])",
             R"([{"id": "g1", "customer": "c", "primary_account": "100000000001", "from": "2026-01",
                   "plans": [{"plan": "p", "from": "2026-01"}]}])",
             "ZZZ"),
         "$.customers[0].currency: unknown currency 'ZZZ'"},
        {"an unknown field",
         base(
             R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10", "precent": "1"}])"),
         "$.pricing_rules[0].precent: unknown field"},
        {"a price with more than 10 fraction digits",
         base(R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10.00000000001"}])"),
         "$.pricing_rules[0].percent: more than 10 fraction digits"},
        {"a key given twice",
         R"({"customers": [{"id": "c", "id": "d", "name": "C", "currency": "USD"}]})",
         "$.customers[0].id: key given twice"},
        {"two rules of a plan with the same scope",
         base(
             R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"},
                  {"id": "n", "scope": "global", "type": "discount", "percent": "1"}])",
             R"([{"id": "g1", "customer": "c", "primary_account": "100000000001", "from": "2026-01",
                   "plans": [{"plan": "p", "from": "2026-01"}]}])",
             "USD", R"(["m", "n"])"),
         "$.pricing_plans[0].rules[1]: rule 'n' has the same scope (global) as rule 'm'"},
        {"a month without a plan",
         base(
             R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"}])",
             R"([{"id": "g1", "customer": "c", "primary_account": "100000000001", "from": "2026-01",
                   "plans": [{"plan": "p", "from": "2026-03"}]}])"),
         "$.billing_groups[0].plans[0].from: the group has no pricing plan for 2026-01"},
        {"a bad account id",
         base(R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"}])",
              R"([{"id": "g1", "customer": "c", "primary_account": "12345", "from": "2026-01",
                   "plans": [{"plan": "p", "from": "2026-01"}]}])"),
         "$.billing_groups[0].primary_account: expected a 12-digit AWS account id, found '12345'"},
        {"not JSON", "{\"customers\": [", "line 1, column 16: not valid JSON"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        World w;
        w.write_config(c.config);
        auto check = run_cli({"billing", "check", "--config", w.config});
        EXPECT_EQ(check.exit_code, 3) << check.err;
        EXPECT_NE(check.err.find(w.config + ": " + c.message), std::string::npos) << check.err;
        auto run = w.run("2026-03");
        EXPECT_EQ(run.exit_code, 3) << run.err;
        EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
        EXPECT_FALSE(fs::exists(w.out)) << "no invoice folder";
        EXPECT_FALSE(fs::exists(w.db)) << "the configuration is read before the store is opened";
    }
}

TEST(BillingConfig, UnknownAccountsAreWarningsOnly) {
    World w;
    w.ingest({{"100000000001", "100000000001", "Usage", "AmazonEC2", "EC2", "BoxUsage", "Run", "1",
               "1.00", "1.00"}});
    w.write_config(base());
    auto r = run_cli({"billing", "check", "--config", w.config, "--db", w.db});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: " + w.config +
                         ": $.billing_groups[0].accounts[0]: account 200000000002 has no costs in "
                         "the store"),
              std::string::npos)
        << r.err;
}

TEST(BillingConfig, CheckWithAStoreRefusesACurrencyTheCustomerHasNoExchangeRateFor) {
    // Found by the billing audit: `billing check --db` passed a EUR customer whose group's costs
    // are in USD, which `billing run` then refused; the run's error did not name the file.
    World w;
    w.ingest({{"100000000001", "100000000001", "Usage", "AmazonEC2", "EC2", "BoxUsage", "Run", "1",
               "1.00", "1.00"}});
    w.write_config(base(R"([{"id": "m", "scope": "global", "type": "markup", "percent": "10"}])",
                        R"([{"id": "g1", "customer": "c", "primary_account": "100000000001",
                        "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}])",
                        "EUR"));
    const std::string message =
        w.config +
        ": $.customers[0]: customer c is billed in EUR but the costs of billing group g1 are in "
        "USD: give the customer an exchange_rate from USD";
    auto check = run_cli({"billing", "check", "--config", w.config, "--db", w.db});
    EXPECT_EQ(check.exit_code, 3) << check.err;
    EXPECT_NE(check.err.find(message), std::string::npos) << check.err;
    EXPECT_EQ(check.out, "");
    auto run = w.run("2026-03");
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
    // Without the store nothing is known about the costs' currency: the configuration is valid.
    EXPECT_EQ(run_cli({"billing", "check", "--config", w.config}).exit_code, 0);
}

TEST(BillingConfig, AJsonSyntaxErrorNamesItsLineAndColumn) {
    // Found by the billing audit: a syntax error named neither line nor column.
    const std::string head = "{\n \"seller\": {\"name\": \"S\", \"address\": [\"1 Road\"]},\n";
    const std::vector<Case> cases = {
        {"a trailing comma",
         head + " \"customers\": [{\"id\": \"c\", \"name\": \"C\", \"currency\": \"USD\",}]\n}\n",
         // The comma is column 58 of line 3; the error is where the key should be, the brace.
         "line 3, column 59: not valid JSON (The JSON document has an improper structure"},
        {"a string never closed",
         "{\n \"seller\": {\"name\": \"S, \"address\": [\"1 Road\"]},\n \"customers\": []\n}\n",
         // The quotes pair up wrongly from "S on: the string opened after 1 Road is the first to
         // run into a line break, at column 48 of line 2 (just past its end).
         "line 2, column 48: not valid JSON (A string is opened, but never closed.)"},
        {"a bad number",
         head + " \"customers\": [{\"id\": \"c\", \"name\": \"C\", \"currency\": \"USD\",\n"
                "   \"tax_rate\": 2026-03}]\n}\n",
         "line 4, column 16: not valid JSON (Problem while parsing a number)"},
        {"a control character in a string",
         head + " \"customers\": [{\"id\": \"c\", \"name\": \"C\tD\", \"currency\": \"USD\"}]\n}\n",
         "line 3, column 38: not valid JSON ("},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        World w;
        w.write_config(c.config);
        auto check = run_cli({"billing", "check", "--config", w.config});
        EXPECT_EQ(check.exit_code, 3) << check.err;
        EXPECT_NE(check.err.find(w.config + ": " + c.message), std::string::npos) << check.err;
    }
}

}  // namespace CURCRUNCH_UNITY_ID
