// The dashboard's Billing page and its JSON twin, over loopback, after `billing run` billed two
// months of the serve tests' known data.
#include <gtest/gtest.h>

#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

const std::string kTwoMonths = "from=2026-09-01&to=2026-10-31&as_of=2026-10-31";

// One customer for both accounts of the known months; their rows have no public price, so the
// 10 % markup applies to the cost.
const char* kConfig = R"({
  "customers": [{"id": "acme", "name": "Acme", "currency": "USD", "tax_rate": "0"}],
  "pricing_rules": [{"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "rules": ["m10"]}],
  "billing_groups": [{"id": "g", "customer": "acme", "primary_account": "111111111111",
    "accounts": ["222222222222"], "from": "2026-09", "plans": [{"plan": "p", "from": "2026-09"}]}]
})";

// Bills both known months with kConfig.
void bill_two_months(const Served& s) {
    write_file(s.tmp / "billing.json", kConfig);
    for (const char* month : {"2026-09", "2026-10"}) {
        auto r = run_cli({"billing", "run", "--db", s.db, "--config", s.tmp / "billing.json",
                          "--period", month, "--out", s.tmp / "out"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
}

}  // namespace

TEST(BillingServe, TheBillingPageShowsEachCustomersInvoiceLinesMonthOverMonthAndMargin) {
    Served s;
    auto none = s.get("/billing?" + kTwoMonths);
    EXPECT_EQ(none.status, 200);
    EXPECT_NE(none.body.find("No customer invoices in this range"), std::string::npos);
    bill_two_months(s);
    auto page = s.get("/billing?" + kTwoMonths);
    ASSERT_EQ(page.status, 200);
    const std::string& b = page.body;
    EXPECT_NE(b.find("aria-current=\"page\""), std::string::npos);
    // September: (EC2 280.00 + S3 70.00 + KMS 2.80) x 1.1 = 388.08; October: (336.00 + 70.00 +
    // 2.80) x 1.1 = 449.68, +15.9 % on September. Both drafts (no AWS invoice stored).
    EXPECT_NE(b.find(">388.08*</td>"), std::string::npos) << b;
    EXPECT_NE(b.find(">449.68*</td>"), std::string::npos) << b;
    EXPECT_NE(b.find(">+15.9%</td>"), std::string::npos) << b;
    EXPECT_NE(b.find("Invoice acme-2026-10"), std::string::npos);
    EXPECT_NE(b.find("449.68 USD"), std::string::npos);
    // Lines: EC2 336 x 1.1 = 369.60 for 111111111111.
    EXPECT_NE(b.find("Amazon Elastic Compute Cloud<br><span class=\"note\">111111111111"),
              std::string::npos)
        << b;
    EXPECT_NE(b.find(">369.60</td>"), std::string::npos);
    // Margin: AWS cost 408.80, margin 40.88 = 9.09 % of 449.68.
    EXPECT_NE(b.find("408.80 USD"), std::string::npos);
    EXPECT_NE(b.find("40.88 USD"), std::string::npos);
    EXPECT_NE(b.find("9.09 % of the billed amount"), std::string::npos) << b;
    // Only September in range: its invoice is the one shown.
    auto sep = s.get("/billing?from=2026-09-01&to=2026-09-30&as_of=2026-10-31");
    EXPECT_NE(sep.body.find("Invoice acme-2026-09"), std::string::npos);
    EXPECT_EQ(sep.body.find("acme-2026-10"), std::string::npos);

    auto api = s.get("/api/billing?" + kTwoMonths);
    ASSERT_EQ(api.status, 200);
    EXPECT_NE(api.body.find("\"month\":\"2026-10\""), std::string::npos) << api.body;
    EXPECT_NE(api.body.find("{\"period\":\"2026-09\",\"invoice_id\":\"acme-2026-09\",\"status\":"
                            "\"draft\",\"currency\":\"USD\",\"total\":\"388.08\"}"),
              std::string::npos)
        << api.body;
    EXPECT_NE(api.body.find("\"schema\":\"curcrunch-invoice\""), std::string::npos);
    EXPECT_NE(api.body.find("{\"level\":\"customer\",\"group\":\"\",\"service\":\"\",\"account\":"
                            "\"\",\"aws_cost\":\"408.80\",\"billed\":\"449.68\",\"margin_percent\":"
                            "\"9.09\"}"),
              std::string::npos)
        << api.body;
}

// A customer billed in euros from the AWS costs in dollars: the page states the rate the
// invoice states, so its lines tie back to the costs.
TEST(BillingServe, TheBillingPageStatesTheInvoicesExchangeRate) {
    // October of the known data with its currency said: USD on every row.
    std::string usd;
    const std::string oct = known_month_csv("2026-10", "12.00");
    for (size_t at = 0, eol; at < oct.size(); at = eol + 1) {
        eol = oct.find('\n', at);
        usd += oct.substr(at, eol - at) + (at == 0 ? ",lineItem/CurrencyCode\n" : ",USD\n");
    }
    Served s({{"oct.csv", usd}});
    write_file(s.tmp / "billing.json", R"({
  "customers": [{"id": "globex", "name": "Globex", "currency": "EUR", "tax_rate": "0",
    "exchange_rate": {"from": "USD", "rate": "0.9"}}],
  "pricing_rules": [{"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "rules": ["m10"]}],
  "billing_groups": [{"id": "g", "customer": "globex", "primary_account": "111111111111",
    "accounts": ["222222222222"], "from": "2026-09", "plans": [{"plan": "p", "from": "2026-09"}]}]
})");
    auto r = run_cli({"billing", "run", "--db", s.db, "--config", s.tmp / "billing.json",
                      "--period", "2026-10", "--out", s.tmp / "out"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto page = s.get("/billing?from=2026-10-01&to=2026-10-31&as_of=2026-10-31");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<p class=\"note\">AWS costs in USD converted at 1 USD = 0.9 EUR</p>"),
              std::string::npos)
        << page.body;
    // EC2 336.00 x 0.9 x 1.1 = 332.64 EUR.
    EXPECT_NE(page.body.find(">332.64</td>"), std::string::npos) << page.body;
    // The USD customer of the other test states none.
    Served u;
    bill_two_months(u);
    EXPECT_EQ(u.get("/billing?" + kTwoMonths).body.find("converted at"), std::string::npos);
}

TEST(BillingServe, ABrowserShowsTheBillingPageAtDesktopAndPhoneWidth) {
    Served s;
    bill_two_months(s);
    const std::string script = std::string(CURCRUNCH_SOURCE_DIR) + "/tests/browser/billing.mjs";
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    fs::create_directories(shots);
    const std::string cmd =
        "node " + script + " " + s.url("") + " " + shots.string() + " '" + kTwoMonths + "' 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ASSERT_EQ(::pclose(p), 0) << out;
    // Neither width makes the page scroll sideways, and no script error on either.
    EXPECT_NE(
        out.find("{\"step\":\"desktop\",\"heading\":\"Customer billing\",\"overflow\":false}"),
        std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"phone\",\"heading\":\"Customer billing\",\"overflow\":false}"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"errors\",\"errors\":[]}"), std::string::npos) << out;
    for (const char* png : {"billing-desktop.png", "billing-phone.png"})
        EXPECT_GT(fs::file_size(shots / png), 10000u) << png;
}

TEST(BillingServe, AnInvoiceWhoseCreditsExceedItsChargesHasNoMarginPercent) {
    // Found by the billing audit: a negative billed amount gave a sign-flipped percentage.
    Served s;
    std::string config = kConfig;
    config.insert(config.rfind('}'), R"(,
  "custom_line_items": [{"id": "goodwill", "group": "g", "type": "credit", "amount": "1000",
    "description": "Goodwill", "from": "2026-10"}]
)");
    write_file(s.tmp / "billing.json", config);
    auto r = run_cli({"billing", "run", "--db", s.db, "--config", s.tmp / "billing.json",
                      "--period", "2026-10", "--out", s.tmp / "out"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Billed 449.68 - 1000 = -550.32 against an AWS cost of 408.80: a margin of -959.12, which
    // is no percentage of an amount owed to the customer (it was 174.28 %).
    auto page = s.get("/billing?from=2026-10-01&to=2026-10-31&as_of=2026-10-31");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("-959.12 USD"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("n/a: credits exceed charges"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("% of the billed amount"), std::string::npos) << page.body;
}

}  // namespace CURCRUNCH_UNITY_ID
