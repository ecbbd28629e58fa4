// Currencies through the binary and the dashboard: figures are in the currency of the rows they
// sum ("$" for USD, "280.00 EUR" otherwise), a selection in more than one currency is refused
// (exit 2, the currencies and their payers named) unless --currency / currency= picks one, and
// the pick reads exactly that currency's rows. Stores are built by ingest from the three
// dialects' currency columns.
#include <gtest/gtest.h>

#include "served_dashboard.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

const char* kCurrencyLegacyHeader =
    "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,"
    "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,"
    "lineItem/ProductCode,lineItem/UsageType,lineItem/UsageAmount,lineItem/CurrencyCode,"
    "lineItem/UnblendedCost,lineItem/BlendedCost,product/ProductName,product/region\n";

// 28 February days of `cost` a day for `payer` (its own usage account), in `currency`.
std::string currency_month(const std::string& payer, const std::string& currency,
                           const std::string& cost, const std::string& id_prefix = "r") {
    std::string s;
    for (int d = 1; d <= 28; ++d) {
        char day[16];
        std::snprintf(day, sizeof day, "2026-02-%02d", d);
        s += id_prefix + std::to_string(d) + "," + payer + ",2026-02-01T00:00:00Z," + payer +
             ",Usage," + day + "T05:00:00Z,AmazonEC2,BoxUsage,1," + currency + "," + cost + "," +
             cost + ",Amazon Elastic Compute Cloud,us-east-1\n";
    }
    return s;
}

struct CurrencyWorld {
    // EUR only (280.00), or USD 280.00 for payer 111111111111 and EUR 196.00 for 222222222222.
    explicit CurrencyWorld(bool mixed) {
        std::string csv = kCurrencyLegacyHeader;
        if (mixed) {
            csv += currency_month("111111111111", "USD", "10.00", "u");
            csv += currency_month("222222222222", "EUR", "7.00", "e");
        } else {
            csv += currency_month("111111111111", "EUR", "10.00");
        }
        write_file(tmp / "cur.csv", csv);
        auto r = run_cli({"ingest", "--quiet", "--no-progress", "--db", db, tmp / "cur.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult summary(std::vector<std::string> extra) {
        std::vector<std::string> args = {"summary", "--db",          db,     "--by",
                                         "payer",   "--granularity", "total"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli(args);
    }
    RunResult report(std::vector<std::string> extra) {
        std::vector<std::string> args = {"report",     "--db",  db,           "--from",
                                         "2026-02-01", "--to",  "2026-02-28", "--as-of",
                                         "2026-02-28", "--out", pdf,          "--quiet"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli(args);
    }
    std::string pdf_text() { return sh("pdftotext -layout '" + pdf + "' -").out; }
    std::string pdf_json() {
        return sh("qpdf --show-attachment=curcrunch-report.json '" + pdf + "'").out;
    }
    TempDir tmp;
    std::string db = tmp / "store.db", pdf = tmp / "report.pdf";
};

const char* kMixedRefusal =
    "the selection holds amounts in 2 currencies, which are never added together: EUR (payer "
    "222222222222), USD (payer 111111111111); choose one with --currency EUR or --currency USD";

}  // namespace

TEST(Currency, AnEuroStoreIsPrintedInEurosEverywhere) {
    CurrencyWorld w(false);
    auto t = w.summary({});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_NE(t.out.find("total" + std::string(61, ' ') + "      280.00 EUR       280.00 EUR\n"),
              std::string::npos)
        << t.out;
    EXPECT_EQ(t.out.find('$'), std::string::npos) << t.out;
    auto c = w.summary({"--format", "csv"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(c.out,
              "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,"
              "row_count,net_amortized,currency\n"
              ",111111111111,111111111111,280,280,280,280,0,28,28,280,EUR\n");
    auto j = w.summary({"--format", "json"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    EXPECT_NE(j.out.find("\"measure\":\"unblended\",\"currency\":\"EUR\",\"rows\":["),
              std::string::npos)
        << j.out;
    EXPECT_NE(j.out.find("\"total\":\"280\""), std::string::npos) << j.out;

    auto r = w.report({});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string text = w.pdf_text();
    EXPECT_NE(text.find("280.00 EUR"), std::string::npos) << text;
    EXPECT_NE(text.find("Currency: EUR (only amounts billed in EUR)"), std::string::npos);
    EXPECT_EQ(text.find('$'), std::string::npos) << text;
    const std::string json = w.pdf_json();
    EXPECT_NE(json.find("\"schema_version\":5"), std::string::npos);
    EXPECT_NE(json.find("\"currency\":\"EUR\""), std::string::npos) << json.substr(0, 400);
    EXPECT_EQ(json.find("\"currency\":\"USD\""), std::string::npos);
}

TEST(Currency, AMixedSelectionIsRefusedAndCurrencyPicksExactlyItsRows) {
    CurrencyWorld w(true);
    for (const auto& format : {"table", "csv", "json"}) {
        auto r = w.summary({"--format", format});
        EXPECT_EQ(r.exit_code, 2) << format << r.out;
        EXPECT_EQ(r.out, "") << format;
        EXPECT_NE(r.err.find(kMixedRefusal), std::string::npos) << r.err;
    }
    auto eur = w.summary({"--currency", "EUR", "--format", "csv"});
    ASSERT_EQ(eur.exit_code, 0) << eur.err;
    EXPECT_EQ(eur.out,
              "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,"
              "row_count,net_amortized,currency\n"
              ",222222222222,222222222222,196,196,196,196,0,28,28,196,EUR\n");
    auto usd = w.summary({"--currency", "usd", "--format", "csv"});
    ASSERT_EQ(usd.exit_code, 0) << usd.err;
    EXPECT_EQ(usd.out,
              "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,"
              "row_count,net_amortized,currency\n"
              ",111111111111,111111111111,280,280,280,280,0,28,28,280,USD\n");
    auto usd_table = w.summary({"--currency", "USD"});
    EXPECT_NE(usd_table.out.find("         $280.00          $280.00"), std::string::npos)
        << usd_table.out;
    // One payer's selection holds one currency: no --currency needed.
    auto one = w.summary({"--payer", "222222222222", "--format", "json"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_NE(one.out.find("\"currency\":\"EUR\""), std::string::npos);
    EXPECT_NE(one.out.find("\"total\":\"196\""), std::string::npos) << one.out;
    // A currency the store does not hold is a usage error, like an unknown --payer.
    auto jpy = w.summary({"--currency", "JPY"});
    EXPECT_EQ(jpy.exit_code, 2);
    EXPECT_NE(jpy.err.find("--currency: no amounts in JPY in the store (its currencies: EUR, USD)"),
              std::string::npos)
        << jpy.err;
    auto bad = w.summary({"--currency", "euro"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--currency: expected a three-letter currency code"), std::string::npos);
    // Month over month and anomalies read more than the period: refused too.
    EXPECT_EQ(w.summary({"--mom", "2"}).exit_code, 2);
    auto mom = w.summary({"--mom", "2", "--currency", "EUR", "--format", "csv"});
    ASSERT_EQ(mom.exit_code, 0) << mom.err;
    EXPECT_NE(mom.out.find("2026-02,(total),Total,196,"), std::string::npos) << mom.out;
    EXPECT_EQ(w.summary({"--anomalies"}).exit_code, 2);

    // Each payer's unit states its own currency.
    auto periods = run_cli({"periods", "--db", w.db, "--format", "csv"});
    ASSERT_EQ(periods.exit_code, 0) << periods.err;
    EXPECT_NE(periods.out.find("111111111111,2026-02,28,280,"), std::string::npos) << periods.out;
    EXPECT_NE(periods.out.find("222222222222,2026-02,28,196,"), std::string::npos) << periods.out;
    EXPECT_NE(periods.out.find(",USD\n"), std::string::npos) << periods.out;
    EXPECT_NE(periods.out.find(",EUR\n"), std::string::npos) << periods.out;

    auto refused = w.report({});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find(kMixedRefusal), std::string::npos) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(w.pdf));
    auto r = w.report({"--currency", "EUR"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string text = w.pdf_text();
    EXPECT_NE(text.find("196.00 EUR"), std::string::npos) << text;
    EXPECT_EQ(text.find("476.00"), std::string::npos) << text;
    EXPECT_EQ(text.find("280.00"), std::string::npos) << text;
    EXPECT_EQ(text.find('$'), std::string::npos) << text;
    EXPECT_NE(w.pdf_json().find("\"totals\":{\"total\":\"196\""), std::string::npos);
}

TEST(Currency, TheCur2AndFocusCurrencyColumnsAreRead) {
    TempDir tmp;
    const std::string cur2 = tmp / "cur2.csv", focus = tmp / "focus.csv";
    write_file(cur2,
               "bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
               "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
               "line_item_currency_code,line_item_unblended_cost\n"
               "333333333333,2026-02-01T00:00:00Z,333333333333,Usage,2026-02-03T00:00:00Z,"
               "AmazonS3,JPY,1200\n");
    write_file(focus,
               "BillingAccountId,SubAccountId,BillingPeriodStart,ChargePeriodStart,x_ServiceCode,"
               "BillingCurrency,BilledCost\n"
               "444444444444,444444444444,2026-02-01T00:00:00Z,2026-02-04T00:00:00Z,AmazonS3,GBP,"
               "12.5\n");
    for (const auto& [file, code, total] :
         {std::tuple<std::string, std::string, std::string>{cur2, "JPY", "1200"},
          {focus, "GBP", "12.5"}}) {
        const std::string db = tmp / (code + ".db");
        auto i = run_cli({"ingest", "--quiet", "--no-progress", "--db", db, file});
        ASSERT_EQ(i.exit_code, 0) << i.err;
        auto j = run_cli(
            {"summary", "--db", db, "--by", "none", "--granularity", "total", "--format", "json"});
        ASSERT_EQ(j.exit_code, 0) << j.err;
        EXPECT_NE(j.out.find("\"currency\":\"" + code + "\""), std::string::npos) << j.out;
        EXPECT_NE(j.out.find("\"total\":\"" + total + "\""), std::string::npos) << j.out;
    }
}

TEST(Currency, TheDashboardOffersAChoiceForAMixedViewAndShowsEachCurrency) {
    std::string csv = kCurrencyLegacyHeader;
    csv += currency_month("111111111111", "USD", "10.00", "u");
    csv += currency_month("222222222222", "EUR", "7.00", "e");
    Served s(Served::Files{{"mixed.csv", csv}});
    const std::string view = "?from=2026-02-01&to=2026-02-28";
    auto refused = s.get("/api/overview" + view);
    EXPECT_EQ(refused.status, 400);
    EXPECT_NE(refused.body.find(
                  "choose one with currency=EUR or currency=USD\",\"currencies\":[{\"currency\":"
                  "\"EUR\",\"payers\":[\"222222222222\"],\"url\":\"/api/"
                  "overview?from=2026-02-01&to=2026-02-28&currency=EUR\"},{\"currency\":\"USD\","
                  "\"payers\":[\"111111111111\"],\"url\":\"/api/"
                  "overview?from=2026-02-01&to=2026-02-28&currency=USD\"}]}"),
              std::string::npos)
        << refused.body;
    auto page = s.get("/" + view);
    EXPECT_EQ(page.status, 400);
    EXPECT_NE(page.body.find("<a href=\"/?from=2026-02-01&amp;to=2026-02-28&amp;currency=EUR\">"
                             "EUR only</a> (222222222222)"),
              std::string::npos)
        << page.body;
    EXPECT_EQ(page.body.find("476"), std::string::npos);

    auto eur = s.get("/api/overview" + view + "&currency=EUR");
    ASSERT_EQ(eur.status, 200) << eur.body;
    EXPECT_NE(eur.body.find("\"currency\":\"EUR\""), std::string::npos) << eur.body;
    EXPECT_NE(eur.body.find("\"total\":\"196\""), std::string::npos) << eur.body;
    auto usd = s.get("/api/overview" + view + "&currency=USD");
    ASSERT_EQ(usd.status, 200) << usd.body;
    EXPECT_NE(usd.body.find("\"currency\":\"USD\""), std::string::npos) << usd.body;
    EXPECT_NE(usd.body.find("\"total\":\"280\""), std::string::npos) << usd.body;
    auto eur_page = s.get("/" + view + "&currency=EUR");
    ASSERT_EQ(eur_page.status, 200);
    EXPECT_NE(eur_page.body.find("196.00 EUR"), std::string::npos);
    EXPECT_EQ(eur_page.body.find("$"), std::string::npos);
    // One payer: one currency, found without currency=.
    auto one = s.get("/api/overview" + view + "&payer=222222222222");
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_NE(one.body.find("\"currency\":\"EUR\""), std::string::npos) << one.body;
    auto jpy = s.get("/api/overview" + view + "&currency=JPY");
    EXPECT_EQ(jpy.status, 400);
    EXPECT_NE(jpy.body.find("currency: no amounts in JPY in the store"), std::string::npos);
    auto pdf = s.get("/report.pdf" + view);
    EXPECT_EQ(pdf.status, 400);
    EXPECT_NE(pdf.body.find("/report.pdf?from=2026-02-01&amp;to=2026-02-28&amp;currency=EUR"),
              std::string::npos)
        << pdf.body;
}

TEST(Currency, AuditComparesAReportInItsCurrencyAndOlderReportsAsTheyWereMade) {
    CurrencyWorld w(false);
    ASSERT_EQ(w.report({}).exit_code, 0);
    auto i = run_cli({"import-pdf", "--db", w.db, w.pdf});
    ASSERT_EQ(i.exit_code, 0) << i.err;
    EXPECT_EQ(query_one(w.db, "SELECT currency FROM report"), "EUR");
    // The same report as curcrunch wrote it before version 5: "USD", every currency summed.
    {
        store::Database db(w.db, store::Database::Mode::read_write_create);
        db.exec(
            "INSERT INTO report SELECT '00000000-0000-4000-8000-000000000001', sha256, "
            "generated_at, tool_version, from_day, to_day, accounts, services, 'USD', total, "
            "fingerprint, "
            "replace(replace(replace(metadata, '\"schema_version\":5', '\"schema_version\":4'), "
            "'\"currency\":\"EUR\"', '\"currency\":\"USD\"'), report_id, "
            "'00000000-0000-4000-8000-000000000001') FROM report");
    }
    auto clean = run_cli({"audit", "--db", w.db, "--all"});
    EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;

    // Another payer's dollars arrive for the same month: the euro report still matches; the
    // old report, which summed every currency, now differs by them.
    write_file(w.tmp / "usd.csv",
               kCurrencyLegacyHeader + currency_month("555555555555", "USD", "1.00", "d"));
    ASSERT_EQ(
        run_cli({"ingest", "--quiet", "--no-progress", "--db", w.db, w.tmp / "usd.csv"}).exit_code,
        0);
    auto a = run_cli({"audit", "--db", w.db, "--all", "--format", "csv"});
    EXPECT_EQ(a.exit_code, 7) << a.out << a.err;
    EXPECT_NE(a.out.find("00000000-0000-4000-8000-000000000001,2026-02-01..2026-02-28,total,"
                         "total,,280,308,28,changed"),
              std::string::npos)
        << a.out;
    const std::string v5 = query_one(w.db,
                                     "SELECT report_id FROM report WHERE report_id <> "
                                     "'00000000-0000-4000-8000-000000000001'");
    EXPECT_EQ(a.out.find(v5), std::string::npos) << a.out;
}

}  // namespace CURCRUNCH_UNITY_ID
