// The views of issue 13 through the binary: summary by tag and cost category, by payer and
// measure, month over month; report --payer/--measure (every page states the measure, the JSON
// records both, audit recomputes with them); bad values are usage errors. Expected figures are
// summed by hand from the rows of views_fixture.hpp.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "unity_id.hpp"
#include "views_fixture.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
using namespace views_fixture;

namespace {

struct ViewsWorld {
    TempDir tmp;
    std::string db = tmp / "s.db";
    ViewsWorld() {
        write_file(tmp / "cur.csv", views_fixture_csv());
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "cur.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult summary(std::vector<std::string> args) {
        args.insert(args.begin(), {"summary", "--db", db});
        return run_cli(args);
    }
};

// The pages of a PDF's text (pdftotext separates them with form feeds).
std::vector<std::string> pages_of(const std::string& pdf) {
    const std::string text = sh("pdftotext -layout " + pdf + " -").out;
    std::vector<std::string> pages;
    for (size_t at = 0, ff; at < text.size(); at = ff + 1) {
        ff = text.find('\f', at);
        if (ff == std::string::npos) ff = text.size();
        if (ff > at) pages.push_back(text.substr(at, ff - at));
    }
    return pages;
}

}  // namespace

TEST(ViewsCli, SummaryByTagWithUntaggedEveryMeasure) {
    ViewsWorld w;
    // "Team" is stored as "team". web: rows 1, 4, 5, 8; data: rows 3, 9, 10; untagged: rows 2,
    // 6, 7. Columns: unblended, net, amortized (= unblended: no commitments), blended,
    // on-demand, usage, rows, net amortized (= net; added last).
    auto r = w.summary({"--by", "tag:Team", "--granularity", "total", "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,"
              "row_count,net_amortized,currency\n"
              ",web,web,37,34,37,39,44,67,4,34,USD\n"
              ",data,data,17,15,17,17,20,37,3,15,USD\n"
              ",,untagged,14,13,14,14,14,104,3,13,USD\n");
    // The table names the untagged row and the grouping.
    r = w.summary({"--by", "tag:team", "--granularity", "total"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("tag:team"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(untagged)"), std::string::npos) << r.out;
    // Net amortized in every format; beside amortized the table shows unblended, not amortized
    // twice.
    r = w.summary({"--by", "tag:team", "--granularity", "total", "--measure", "net-amortized",
                   "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"key\":\"web\",\"label\":\"web\",\"unblended\":\"37\","
                         "\"net_unblended\":\"34\",\"amortized\":\"37\",\"net_amortized\":\"34\""),
              std::string::npos)
        << r.out;
    r = w.summary({"--by", "tag:team", "--granularity", "total", "--measure", "amortized"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.substr(0, r.out.find('\n')).substr(r.out.find("amortized")),
              "amortized        unblended        rows");
}

TEST(ViewsCli, SummaryByCategoryForOnePayerInNetCost) {
    ViewsWorld w;
    // Payer B: CC2 = rows 6, 10 (net 8 + 3, unblended 9 + 3); untagged = rows 3, 7 (net 5 + 1,
    // unblended 6 + 1).
    auto r = w.summary({"--by", "category:CostCenter", "--payer", kPayerB, "--measure", "net",
                        "--granularity", "total", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(
        r.out.find(
            "{\"granularity\":\"total\",\"by\":\"category:cost_center\","
            "\"measure\":\"net\",\"currency\":\"USD\",\"rows\":[{\"bucket\":\"\",\"key\":\"CC2\","
            "\"label\":\"CC2\",\"unblended\":\"12\",\"net_unblended\":\"11\""),
        std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("{\"bucket\":\"\",\"key\":\"\",\"label\":\"untagged\",\"unblended\":"
                         "\"7\",\"net_unblended\":\"6\""),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\"matching_rows\":2,\"total\":\"17\""), std::string::npos) << r.out;
}

TEST(ViewsCli, MonthOverMonthByPayer) {
    ViewsWorld w;
    // September against August: A rows 4, 5, 8 (27) vs 1, 2 (14); B rows 6, 7 (10) vs 3 (6).
    // October: each payer's row over its own days, like for like. A's data ends on the 4th: its
    // October 1-4, row 9 (8), against September 1-4 (nothing); B's on the 15th: row 10 (3)
    // against nothing in September 1-15. The total is partial: A lacks 11 of the 15 days (the
    // union of the payers' days compared one payer's days 5-15 with two payers', -56.0%).
    auto r = w.summary({"--mom", "2", "--by", "payer", "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string sep = ",no,unknown,2026-09-01..2026-09-30 vs 2026-08-01..2026-08-31,USD\n";
    const std::string oct = ",yes,unknown,2026-10-01..2026-10-15 vs 2026-09-01..2026-09-15,USD\n";
    EXPECT_EQ(r.out,
              "month,key,label,unblended,previous,change,change_percent,partial,status,compared,"
              "currency\n"
              "2026-09,111111111111,111111111111,27,14,13,+92.9%" +
                  sep + "2026-09,999999999999,999999999999,10,6,4,+66.7%" + sep +
                  "2026-09,(total),Total,37,20,17,+85.0%" + sep +
                  "2026-10,111111111111,111111111111,8,0,8,n/a,yes,unknown,2026-10-01..2026-10-04 "
                  "vs 2026-09-01..2026-09-04,USD\n"
                  "2026-10,999999999999,999999999999,3,0,3,n/a" +
                  oct +
                  "2026-10,(total),Total,11,25,-14,partial: payer 111111111111 lacks 11 of 15 "
                  "days (2026-10)" +
                  oct);
}

TEST(ViewsCli, BadValuesAreUsageErrors) {
    ViewsWorld w;
    const std::string before = dump_store(w.db);
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--by", "tag:"}, "--by: tag: needs a key (tag:KEY, e.g. tag:team)"},
        {{"--by", "category:"},
         "--by: category: needs a key (category:KEY, e.g. category:CostCenter)"},
        {{"--by", "tag:--"},
         "--by: tag key '--' has no letters or digits (keys are stored normalized: CostCenter is "
         "cost_center)"},
        {{"--by", "tags:team"},
         "--by: expected service, account, payer, region, usage-type, line-item-type, operation, "
         "none, tag:KEY or category:KEY; got 'tags:team'"},
        {{"--measure", "gross"},
         "--measure: expected unblended, net, amortized, net-amortized, blended, on-demand or "
         "usage; got 'gross'"},
        // Any printable id (FOCUS's BillingAccountId is free-form), one the store holds.
        {{"--payer", "12345"},
         "--payer: no payer '12345' in the store (its payers: 111111111111, 999999999999)"},
        {{"--payer", "11111111111x"}, "--payer: no payer '11111111111x' in the store"},
        {{"--payer", std::string("12\x01")},
         "--payer: expected a payer id (an AWS account's 12 digits, or a FOCUS "
         "BillingAccountId), got '12\\x01'"},
        {{"--by", "tag:team", "--region", "us-east-1"},
         "--region cannot be combined with --by tag:team: the tag rollup keeps no region"},
        {{"--mom", "0"}, "--mom: expected an integer in 1..120, got '0'"},
        {{"--mom", "3", "--anomalies"}, "--mom and --anomalies are two different listings"},
    };
    for (const auto& [args, message] : cases) {
        auto r = w.summary(args);
        EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1];
        EXPECT_EQ(r.err.substr(0, r.err.find(message)), "curcrunch: error: ") << r.err;
    }
    auto r = run_cli({"report", "--db", w.db, "--measure", "usage", "--out", w.tmp / "u.pdf"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "curcrunch: error: --measure usage: a report states money; usage quantities (mixed "
              "units) are in summary --measure usage\n");
    r = run_cli({"report", "--db", w.db, "--payer", "abc", "--out", w.tmp / "u.pdf"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "curcrunch: error: --payer: no payer 'abc' in the store (its payers: 111111111111, "
              "999999999999)\n");
    EXPECT_FALSE(std::filesystem::exists(w.tmp / "u.pdf"));
    r = run_cli({"periods", "--db", w.db, "--payer", "999999999998"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "curcrunch: error: --payer: no payer '999999999998' in the store (its payers: "
              "111111111111, 999999999999)\n");
    EXPECT_EQ(first_difference(dump_store(w.db), before), "");
}

TEST(ViewsCli, ReportOfOnePayerInNetCostStatesItAndAuditsWithIt) {
    ViewsWorld w;
    const std::string b = w.tmp / "b.pdf", all = w.tmp / "all.pdf";
    auto r = run_cli({"report", "--db", w.db, "--payer", kPayerB, "--measure", "net", "--from",
                      "2026-08-01", "--to", "2026-10-31", "--out", b});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Payer B's net cost: Aug row 3 (5), Sep rows 6, 7 (8 + 1), Oct row 10 (3).
    EXPECT_NE(r.out.find("total $17.00"), std::string::npos) << r.out;
    const std::string json = sh("qpdf --show-attachment=curcrunch-report.json " + b).out;
    EXPECT_NE(json.find("\"measure\":\"net\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"payers\":[\"999999999999\"]"), std::string::npos) << json;
    EXPECT_NE(json.find("\"totals\":{\"total\":\"17\",\"by_month\":{\"2026-08\":\"5\","
                        "\"2026-09\":\"9\",\"2026-10\":\"3\"}"),
              std::string::npos)
        << json;
    // Month over month by service for B, net: S3 Oct row 10 (3) against nothing in Sep 1-15;
    // EC2 Aug row 3 (5), Sep rows 6, 7 (8 + 1), nothing in October.
    EXPECT_NE(json.find("\"params\":{\"limit\":\"10\",\"months\":\"2026-08,2026-09,2026-10\","
                        "\"of\":\"services\"},\"columns\":[{\"key\":\"name\",\"kind\":\"text\"},"
                        "{\"key\":\"2026-08\",\"kind\":\"money\"},{\"key\":\"2026-09\",\"kind\":"
                        "\"money\"},{\"key\":\"2026-10\",\"kind\":\"money\"},{\"key\":\"change\","
                        "\"kind\":\"money\"},{\"key\":\"change_percent\",\"kind\":\"percent\"}],"
                        "\"rows\":[{\"key\":\"AmazonS3\",\"cells\":[\"AmazonS3\",\"0\",\"0\",\"3\","
                        "\"3\",\"n/a\"]},{\"key\":\"AmazonEC2\",\"cells\":[\"AmazonEC2\",\"5\","
                        "\"9\",\"0\",\"0\",\"n/a\"]},{\"key\":\"total\",\"cells\":[\"Total\",\"5\","
                        "\"9\",\"3\",\"3\",\"n/a\"]}]}"),
              std::string::npos)
        << json;
    // The stacked monthly bars draw this table: the top 6 services by month.
    EXPECT_NE(json.find("{\"kind\":\"month_service\",\"params\":{\"limit\":\"6\",\"months\":"
                        "\"2026-08,2026-09,2026-10\"}"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find("\"rows\":[{\"key\":\"AmazonEC2\",\"cells\":[\"AmazonEC2\",\"5\",\"9\","
                        "\"0\"]},{\"key\":\"AmazonS3\",\"cells\":[\"AmazonS3\",\"0\",\"0\",\"3\"]},"
                        "{\"key\":\"total\",\"cells\":[\"Total\",\"5\",\"9\",\"3\"]"),
              std::string::npos)
        << json;
    EXPECT_EQ(sh("qpdf --check " + b).code, 0);
    const Shell render = sh("pdftoppm -r 40 -png " + b + " " + (w.tmp / "page"));
    EXPECT_EQ(render.code, 0);
    EXPECT_EQ(render.out, "");  // no warning
    // Every page states the measure and the payer.
    const std::vector<std::string> pages = pages_of(b);
    ASSERT_GE(pages.size(), 8u);
    for (size_t i = 0; i < pages.size(); ++i)
        EXPECT_NE(pages[i].find("payer 999999999999 \u00b7 net unblended cost"), std::string::npos)
            << "page " << i + 1 << ":\n"
            << pages[i];
    // The month-over-month page: B's services, October (partial, data through the 15th) against
    // September 1-15 (nothing of B's); no payer table for one payer.
    bool mom = false, stacked = false;
    for (const std::string& p : pages)
        stacked = stacked ||
                  p.find("Monthly cost by service (top 6, the rest as Other)") != std::string::npos;
    EXPECT_TRUE(stacked);
    for (const std::string& p : pages)
        if (p.find("Month over month\n") == 0 ||
            p.find("\nMonth over month\n") != std::string::npos) {
            mom = true;
            EXPECT_NE(p.find("(partial)"), std::string::npos) << p;
            EXPECT_EQ(p.find("By payer"), std::string::npos) << p;
            EXPECT_NE(p.find("AmazonS3"), std::string::npos) << p;
        }
    EXPECT_TRUE(mom);
    ASSERT_EQ(run_cli({"report", "--db", w.db, "--from", "2026-08-01", "--to", "2026-10-31",
                       "--out", all, "--quiet"})
                  .exit_code,
              0);
    ASSERT_EQ(run_cli({"import-pdf", "--db", w.db, b, all}).exit_code, 0);
    auto audit = run_cli({"audit", "--db", w.db});
    EXPECT_EQ(audit.exit_code, 0) << audit.err;
    EXPECT_NE(audit.out.find("2 report(s) audited, 0 with differences above 0.01"),
              std::string::npos)
        << audit.out;
    // Payer A restates October: the report of every payer changed, payer B's did not.
    write_file(w.tmp / "a-oct.csv",
               std::string(kHeader) +
                   "111111111111,222222222222,Usage,2026-10-04T00:00:00Z,AmazonEC2,us-east-1,80,70,"
                   "80,100,4,data,CC1\n");
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, w.tmp / "a-oct.csv"}).exit_code, 0);
    audit = run_cli({"audit", "--db", w.db, "--format", "csv"});
    // Every payer's unblended total: 68 with row 9 at 8, 140 with it at 80.
    EXPECT_NE(audit.out.find(",2026-08-01..2026-10-31,total,total,,68,140,72,changed\n"),
              std::string::npos)
        << audit.out;
    const std::string b_id =
        query_one(w.db, "SELECT report_id FROM report WHERE metadata LIKE '%\"payers\":[%'");
    ASSERT_EQ(b_id.size(), 36u);
    EXPECT_EQ(audit.out.find(b_id), std::string::npos) << audit.out;
    audit = run_cli({"audit", "--db", w.db, "--report-id", b_id});
    EXPECT_NE(audit.out.find("1 report(s) audited, 0 with differences above 0.01"),
              std::string::npos)
        << audit.out;
}

}  // namespace CURCRUNCH_UNITY_ID
