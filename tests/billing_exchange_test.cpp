// The exchange rate an invoice's AWS costs were converted at, stated on the invoice: in its JSON
// (version 3, "exchange"), its CSV (two columns) and its PDF, exactly as configured. Invoices
// stored before invoices stated it (JSON version 1 or 2) are neither changed nor reported when
// final, and a draft among them takes the rate, saying so.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kPayer = "100000000001";  // euro's group (its primary account)
const char* kLinked = "200000000002";
const char* kOther = "300000000003";  // dollar's group

// The CUR is in USD (billing_world's rows): EC2 public on-demand 100.00 and S3 23.00 for euro,
// EC2 50.00 for dollar.
std::vector<CurRow> march_rows(const std::string& invoice_id = "") {
    std::vector<CurRow> v = {
        {kPayer, kPayer, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:m5.xlarge",
         "RunInstances", "100", "90.00", "100.00"},
        {kPayer, kLinked, "Usage", "AmazonS3", "Amazon Simple Storage Service",
         "TimedStorage-ByteHrs", "StandardStorage", "1000", "23.00", "23.00"},
        {kPayer, kOther, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:m5.xlarge",
         "RunInstances", "50", "45.00", "50.00"},
    };
    for (CurRow& r : v)
        r.invoice = invoice_id;
    return v;
}

const char* kConfig = R"({
  "seller": {"name": "Partner GmbH", "address": ["1 Strasse"]},
  "customers": [
    {"id": "euro", "name": "Euro AG", "currency": "EUR", "tax_rate": "20",
     "exchange_rate": {"from": "USD", "rate": 0.9213}},
    {"id": "dollar", "name": "Dollar Inc", "currency": "USD"}],
  "pricing_rules": [{"id": "m10", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "basis": "public_on_demand", "rules": ["m10"]}],
  "billing_groups": [
    {"id": "ge", "customer": "euro", "primary_account": "100000000001",
     "accounts": ["200000000002"], "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]},
    {"id": "gd", "customer": "dollar", "primary_account": "300000000003",
     "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [
    {"id": "ops", "group": "ge", "type": "fee", "amount": "10.00", "description": "Ops fee",
     "from": "2026-03"}]
})";

const char* kStated = R"("exchange":{"from":"USD","to":"EUR","rate":"0.9213"})";

// A run writing into another folder than the first run's (whose files are those of the
// documents before store_as_version_1).
RunResult run_into(World& w, const std::string& folder) {
    return run_cli({"billing", "run", "--db", w.db, "--config", w.config, "--period", "2026-03",
                    "--out", w.tmp / folder});
}

// The stored document of `id` rewritten as an older curcrunch wrote it: version 1, without the
// exchange, nor the pages digest (a drawing without the rate would give another).
std::string store_as_version_1(const std::string& db_path, const std::string& id) {
    std::string doc =
        query_one(db_path, "SELECT document FROM customer_invoice WHERE invoice_id = '" + id + "'");
    const size_t v = doc.find("\"version\":3,");
    const size_t x = doc.find(",\"exchange\":"), end = doc.find(",\"aws_invoices\":");
    EXPECT_NE(v, std::string::npos) << doc;
    EXPECT_NE(x, std::string::npos) << doc;
    if (v == std::string::npos || x == std::string::npos || end < x) return doc;
    doc.erase(x, end - x);
    doc.replace(v, 12, "\"version\":1,");
    const size_t pages = doc.find(",\"pages_sha256\":\"");
    EXPECT_NE(pages, std::string::npos) << doc;
    if (pages != std::string::npos) doc.erase(pages, 17 + 64 + 1);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "UPDATE customer_invoice SET document = ? WHERE invoice_id = ?", -1, &st,
                       nullptr);
    sqlite3_bind_text(st, 1, doc.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return doc;
}

std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

}  // namespace

TEST(BillingExchange, AnInvoiceStatesTheRateItsAwsCostsWereConvertedAt) {
    World w;
    w.ingest(march_rows());
    w.write_config(kConfig);
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // EC2: 100.00 x 1.1 = 110 USD x 0.9213 = 101.343 -> 101.34 EUR; S3: 23.00 x 1.1 = 25.3 USD
    // x 0.9213 = 23.30889 -> 23.31 EUR; the fee is in EUR already: 10.00. Subtotal 134.65,
    // tax 20 % = 26.93, total 161.58.
    const auto euro = w.invoice("euro-2026-03").invoice;
    EXPECT_EQ(summary(euro),
              "aws_usage|100000000001|AmazonEC2|101.34\n"
              "aws_usage|200000000002|AmazonS3|23.31\n"
              "custom_fee|100000000001|ops|10.00\n"
              "subtotal 134.65 tax 26.93 total 161.58\n");
    ASSERT_TRUE(euro.exchange.has_value());
    EXPECT_EQ(euro.exchange->from, "USD");
    EXPECT_EQ(euro.exchange->rate, "0.9213");  // the configured number, not a binary double
    EXPECT_EQ(exchange_statement(euro), "AWS costs in USD converted at 1 USD = 0.9213 EUR");
    const std::string json = read_file(w.out + "/euro-2026-03.json");
    EXPECT_NE(json.find("\"version\":3,"), std::string::npos) << json;
    EXPECT_NE(json.find(std::string("\"tax_rate\":\"20\",") + kStated + ",\"aws_invoices\""),
              std::string::npos)
        << json;
    EXPECT_EQ(query_one(w.db,
                        "SELECT document FROM customer_invoice WHERE invoice_id = "
                        "'euro-2026-03'"),
              json);
    // Nothing of dollar's was converted: it says so (null), and its CSV columns are empty.
    const std::string dollar_json = read_file(w.out + "/dollar-2026-03.json");
    EXPECT_NE(dollar_json.find("\"exchange\":null,"), std::string::npos) << dollar_json;
    EXPECT_FALSE(w.invoice("dollar-2026-03").invoice.exchange.has_value());
    EXPECT_EQ(read_file(w.out + "/dollar-2026-03.csv"),
              "invoice_id,line,kind,group,account,service,description,quantity,unit,rate,exact,"
              "amount,currency,exchange_from,exchange_rate\n"
              "dollar-2026-03,1,aws_usage,gd,300000000003,AmazonEC2,Amazon Elastic Compute "
              "Cloud,,,markup 10 % (m10) on public on-demand,55,55.00,USD,,\n");
    const std::string csv = read_file(w.out + "/euro-2026-03.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "invoice_id,line,kind,group,account,service,description,quantity,unit,rate,exact,"
              "amount,currency,exchange_from,exchange_rate");
    EXPECT_NE(csv.find(",101.343,101.34,EUR,USD,0.9213\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",23.30889,23.31,EUR,USD,0.9213\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",10,10.00,EUR,USD,0.9213\n"), std::string::npos) << csv;
    const std::string pdf = w.out + "/euro-2026-03.pdf";
    EXPECT_NE(
        one_line(shell("pdftotext '" + pdf + "' -").out)
            .find("Exchange rate AWS costs in USD converted at 1 USD = 0.9213 EUR (as configured"),
        std::string::npos);
    EXPECT_EQ(
        one_line(shell("pdftotext '" + w.out + "/dollar-2026-03.pdf' -").out).find("converted at"),
        std::string::npos);
    EXPECT_EQ(shell("qpdf --check '" + pdf + "'").code, 0);
    // The document's exchange must agree with the invoice it is in.
    std::string bad = json;
    bad.replace(bad.find("\"to\":\"EUR\""), 10, "\"to\":\"GBP\"");
    try {
        billing::parse_invoice_json(bad);
        ADD_FAILURE() << "accepted an exchange to another currency";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("$.exchange.to: is not the invoice's currency (EUR)"),
                  std::string::npos)
            << e.what();
    }
    // Run again: nothing changed, nothing is rewritten.
    auto again = w.run("2026-03");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("euro 2026-03: euro-2026-03 unchanged (draft), total 161.58 EUR"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(read_file(w.out + "/euro-2026-03.json"), json);
}

TEST(BillingExchange, AFinalInvoiceStoredBeforeRatesWereStatedIsKeptAsIssued) {
    World w;
    w.ingest(march_rows("INV-1"));
    w.write_config(kConfig);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const std::string old = store_as_version_1(w.db, "euro-2026-03");
    ASSERT_EQ(old.find("exchange"), std::string::npos) << old;
    // The same bill: kept, and no difference reported for the rate it does not state (its
    // amounts follow it all the same). Its files are drawn from it as it was issued: no
    // exchange, the CSV of the columns it had, version 2 (it gains the pages digest only).
    auto r = run_into(w, "again");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("euro 2026-03: euro-2026-03 unchanged (final), total 161.58 EUR"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.err.find("exchange"), std::string::npos) << r.err;
    const std::string json = read_file(w.tmp / "again/euro-2026-03.json");
    EXPECT_EQ(query_one(w.db,
                        "SELECT document FROM customer_invoice WHERE invoice_id = "
                        "'euro-2026-03'"),
              json);
    std::string stripped = json;
    ASSERT_NE(stripped.find("\"version\":2,"), std::string::npos) << json;
    stripped.replace(stripped.find("\"version\":2,"), 12, "\"version\":1,");
    ASSERT_NE(stripped.find(",\"pages_sha256\":\""), std::string::npos) << json;
    stripped.erase(stripped.find(",\"pages_sha256\":\""), 17 + 64 + 1);
    EXPECT_EQ(stripped, old);
    const std::string csv = read_file(w.tmp / "again/euro-2026-03.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "invoice_id,line,kind,group,account,service,description,quantity,unit,rate,exact,"
              "amount,currency");
    EXPECT_NE(csv.find(",101.343,101.34,EUR\n"), std::string::npos) << csv;
    EXPECT_EQ(one_line(shell("pdftotext '" + w.tmp / "again/euro-2026-03.pdf' -").out)
                  .find("converted at"),
              std::string::npos);
    // And those files are the issued ones from then on.
    r = run_into(w, "again");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("not the issued"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("exchange"), std::string::npos) << r.err;
}

TEST(BillingExchange, ADraftStoredBeforeRatesWereStatedTakesTheRate) {
    World w;
    w.ingest(march_rows());
    w.write_config(kConfig);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    store_as_version_1(w.db, "euro-2026-03");
    store_as_version_1(w.db, "dollar-2026-03");
    auto r = run_into(w, "again");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("euro 2026-03: draft euro-2026-03 updated from the configuration, total "
                         "161.58 EUR\n"
                         "    ~ exchange rate: not stated -> AWS costs in USD converted at 1 "
                         "USD = 0.9213 EUR\n"),
              std::string::npos)
        << r.out;
    const std::string doc =
        query_one(w.db, "SELECT document FROM customer_invoice WHERE invoice_id = 'euro-2026-03'");
    EXPECT_NE(doc.find(kStated), std::string::npos) << doc;
    EXPECT_EQ(read_file(w.tmp / "again/euro-2026-03.json"), doc);
    // dollar's draft stated nothing either, and nothing of it was converted: kept, and now
    // stating so.
    EXPECT_NE(r.out.find("dollar 2026-03: dollar-2026-03 unchanged (draft), total 55.00 USD"),
              std::string::npos)
        << r.out;
    const std::string dollar = query_one(
        w.db, "SELECT document FROM customer_invoice WHERE invoice_id = 'dollar-2026-03'");
    EXPECT_NE(dollar.find("\"version\":3,"), std::string::npos) << dollar;
    EXPECT_NE(dollar.find("\"exchange\":null,"), std::string::npos) << dollar;
}

TEST(BillingExchange, AReissueStatesItsNewRateAndTheCreditNoteNone) {
    World w;
    w.ingest(march_rows("INV-1"));
    w.write_config(kConfig);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    // The same rate written otherwise is the same rate: nothing changes, nothing is said.
    std::string cfg = kConfig;
    cfg.replace(cfg.find("0.9213"), 6, "\"0.92130\"");
    w.write_config(cfg);
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("euro-2026-03 unchanged (final), total 161.58 EUR"), std::string::npos)
        << r.out;
    EXPECT_EQ(r.err.find("exchange"), std::string::npos) << r.err;
    // Another rate changes the bill: EC2 110 x 0.95 = 104.50; S3 25.3 x 0.95 = 24.035 -> 24.04;
    // the fee 10.00. Subtotal 138.54, tax 27.708 -> 27.71, total 166.25; the credit note is
    // 166.25 - 161.58 = 4.67 (subtotal 3.89, tax 0.78).
    cfg = kConfig;
    cfg.replace(cfg.find("0.9213"), 6, "0.95");
    w.write_config(cfg);
    EXPECT_EQ(w.run("2026-03").exit_code, 2);
    r = w.run("2026-03", {"--reissue"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v2 = w.invoice("euro-2026-03-v2");
    EXPECT_EQ(summary(v2.invoice),
              "aws_usage|100000000001|AmazonEC2|104.50\n"
              "aws_usage|200000000002|AmazonS3|24.04\n"
              "custom_fee|100000000001|ops|10.00\n"
              "subtotal 138.54 tax 27.71 total 166.25\n");
    EXPECT_NE(read_file(w.out + "/euro-2026-03-v2.json")
                  .find(R"("exchange":{"from":"USD","to":"EUR","rate":"0.95"})"),
              std::string::npos);
    const std::string cn = read_file(w.out + "/euro-2026-03-CN2.json");
    EXPECT_NE(cn.find("\"exchange\":null,"), std::string::npos) << cn;
    EXPECT_NE(cn.find(R"("totals":{"subtotal":"3.89","tax":"0.78","total":"4.67"})"),
              std::string::npos)
        << cn;
    EXPECT_EQ(one_line(shell("pdftotext '" + w.out + "/euro-2026-03-CN2.pdf' -").out)
                  .find("converted at"),
              std::string::npos);
    EXPECT_NE(one_line(shell("pdftotext '" + w.out + "/euro-2026-03-v2.pdf' -").out)
                  .find("AWS costs in USD converted at 1 USD = 0.95 EUR"),
              std::string::npos);
}

}  // namespace CURCRUNCH_UNITY_ID
