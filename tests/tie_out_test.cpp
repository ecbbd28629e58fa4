// Complete tie-outs: a threshold hides rows and nothing else (totals and shares unchanged, the
// hidden rows summed as "Below threshold (N)"), every cut table ends with "Other (N)" and a total
// row that its rows add up to — in summary, in the report's tables and on the dashboard alike.
#include <gtest/gtest.h>

#include <simdjson.h>

#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_json.hpp"
#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// Two months of known data: EC2 $616, S3 $140, KMS $5.60; $761.60 in all.
struct TwoMonths {
    TwoMonths() {
        write_file(tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
        write_file(tmp / "oct.csv", known_month_csv("2026-10", "12.00"));
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv", tmp / "oct.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult summary(std::vector<std::string> extra) {
        std::vector<std::string> a = {"summary",    "--db", db,          "--from",
                                      "2026-09-01", "--to", "2026-10-31"};
        a.insert(a.end(), extra.begin(), extra.end());
        return run_cli(a);
    }
    report::ReportMeta report(std::vector<std::string> extra) {
        const std::string pdf = tmp / ("r" + std::to_string(++n) + ".pdf");
        std::vector<std::string> a = {"report",     "--db",  db,           "--from",
                                      "2026-09-01", "--to",  "2026-10-31", "--as-of",
                                      "2026-10-31", "--out", pdf};
        a.insert(a.end(), extra.begin(), extra.end());
        auto r = run_cli(a);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return report::parse_report_json(
            sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out);
    }
    TempDir tmp;
    std::string db = tmp / "store.db";
    int n = 0;
};

const report::ReportTable* table(const report::ReportMeta& m, const std::string& kind,
                                 const std::string& of = "") {
    for (const auto& t : m.tables)
        if (t.kind == kind && (of.empty() || (t.params.count("of") && t.params.at("of") == of)))
            return &t;
    return nullptr;
}

const report::TableRow* row(const report::ReportTable& t, const std::string& key) {
    for (const auto& r : t.rows)
        if (r.key == key) return &r;
    return nullptr;
}

}  // namespace

TEST(TieOut, SummaryThresholdKeepsTheTotalAndSumsWhatItHides) {
    TwoMonths w;
    auto r = w.summary({"--granularity", "total", "--min-cost", "10"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Below threshold (1)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("5.60"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("total of all 3 rows"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("761.60"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("AmazonKMS"), std::string::npos);

    auto j = w.summary({"--granularity", "month", "--min-cost", "10", "--format", "json"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    simdjson::dom::parser p;
    simdjson::dom::element e;
    ASSERT_FALSE(p.parse(j.out).get(e)) << j.out;
    EXPECT_EQ(std::string_view(e["total"]), "761.6");
    // Per month: KMS is under $10 in each, summed in its month's "below threshold" row.
    ASSERT_EQ(e["below_threshold"].get_array().size(), 2u);
    EXPECT_EQ(std::string_view(e["below_threshold"].at(0)["bucket"]), "2026-09");
    EXPECT_EQ(std::string_view(e["below_threshold"].at(0)["unblended"]), "2.8");
    EXPECT_EQ(std::string_view(e["below_threshold"].at(0)["label"]), "Below threshold (1)");

    // The limit: the rest is one "other" row; rows + other = total.
    auto l = w.summary({"--granularity", "total", "--limit", "1", "--format", "csv"});
    EXPECT_EQ(l.out,
              "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,"
              "row_count,net_amortized,currency\n"
              ",AmazonEC2,Amazon Elastic Compute Cloud,616,616,616,616,0,56,56,616,USD\n"
              ",(other),Other (2),145.6,145.6,145.6,145.6,0,112,112,145.6,USD\n");
}

TEST(TieOut, ReportThresholdHidesRowsAndNothingElse) {
    TwoMonths w;
    const report::ReportMeta all = w.report({});
    const report::ReportMeta cut = w.report({"--min-cost", "10"});
    EXPECT_EQ(cut.totals.total, 7616 * kUnit / 10);
    EXPECT_EQ(cut.totals.by_service, all.totals.by_service);  // totals unchanged
    for (const char* kind : {"top_services", "service_chart", "changes", "account_breakdown"}) {
        const report::ReportTable* a =
            table(all, kind, kind == std::string("changes") ? "services" : "");
        const report::ReportTable* c =
            table(cut, kind, kind == std::string("changes") ? "services" : "");
        ASSERT_TRUE(a && c) << kind;
        // Same total row, shares of the same total.
        EXPECT_EQ(row(*a, "total")->cells, row(*c, "total")->cells) << kind;
        if (const report::TableRow* ec2 = row(*c, "AmazonEC2")) {
            EXPECT_EQ(ec2->cells, row(*a, "AmazonEC2")->cells) << kind;
        }
        EXPECT_EQ(report::check_table_adds_up(*c), "") << kind;
    }
    const report::ReportTable& top = *table(cut, "top_services");
    EXPECT_EQ(row(top, "AmazonKMS"), nullptr);
    ASSERT_NE(row(top, "below_threshold"), nullptr);
    EXPECT_EQ(row(top, "below_threshold")->cells,
              (std::vector<std::string>{"Below threshold (1)", "", "5.6", "0.7%"}));
    EXPECT_EQ(row(top, "AmazonEC2")->cells[3], "80.9%");  // 616 / 761.60, as without threshold
}

TEST(TieOut, EveryCutTableEndsWithOtherAndATotalItsRowsAddUpTo) {
    TwoMonths w;
    const report::ReportMeta m = w.report({"--top", "1", "--line-items", "1"});
    for (const auto& t : m.tables)
        EXPECT_EQ(report::check_table_adds_up(t), "") << t.kind;
    const report::ReportTable& chart = *table(m, "service_chart");
    ASSERT_NE(row(chart, "other"), nullptr);
    EXPECT_EQ(row(chart, "other")->cells, (std::vector<std::string>{"Other (2)", "145.6"}));
    EXPECT_EQ(row(chart, "total")->cells[1], "761.6");
    const report::ReportTable& items = *table(m, "line_items");
    ASSERT_EQ(items.rows.size(), 3u);  // the largest group, Other (2), Total
    EXPECT_EQ(items.cell(items.rows[1], "description"), "Other (2)");
    EXPECT_EQ(items.cell(items.rows[1], "cost"), "145.6");
    EXPECT_EQ(items.cell(items.rows[2], "cost"), "761.6");
    // Month x service: each column adds up to its month.
    const report::ReportTable& ms = *table(m, "month_service");
    EXPECT_EQ(ms.cell(*row(ms, "total"), "2026-09"), "352.8");
    EXPECT_EQ(ms.cell(*row(ms, "total"), "2026-10"), "408.8");
    // The charge types cover everything: usage here.
    const report::ReportTable& ct = *table(m, "charge_types");
    EXPECT_EQ(ct.cell(*row(ct, "usage"), "cost"), "761.6");
    EXPECT_EQ(ct.cell(*row(ct, "total"), "cost"), "761.6");

    const report::ReportMeta full = w.report({"--line-items", "all"});
    const report::ReportTable& every = *table(full, "line_items");
    EXPECT_EQ(every.rows.size(), 4u);  // three groups and the total, no Other
    EXPECT_EQ(row(every, "other"), nullptr);
}

TEST(TieOut, DashboardThresholdHidesRowsOnEveryPage) {
    Served s;
    const std::string q = "from=2026-09-01&to=2026-10-31&as_of=2026-10-31&min_cost=10";
    for (const char* path : {"/", "/services", "/compare", "/line-items"}) {
        auto r = s.get(std::string(path) + "?" + q);
        EXPECT_EQ(r.status, 200) << path;
        EXPECT_NE(r.body.find("Below threshold (1)"), std::string::npos) << path;
        EXPECT_NE(r.body.find("$761.60"), std::string::npos) << path;
    }
    // Trends: the 28 September days ($12.60) are hidden and summed; the days without data
    // (29-30 September, 29-31 October) are "no data" rows, not rows under the threshold.
    auto t = s.get("/trends?from=2026-09-01&to=2026-10-31&as_of=2026-10-31&min_cost=14");
    EXPECT_NE(t.body.find("<td>Below threshold (28)</td><td class=\"num\">$352.80</td>"),
              std::string::npos)
        << t.body;
    EXPECT_NE(t.body.find("<td>2026-09-29</td><td class=\"num\"></td><td>no data</td>"),
              std::string::npos);
    EXPECT_NE(t.body.find("<strong>$761.60</strong>"), std::string::npos);
    auto api = s.get("/api/line-items?" + q);
    EXPECT_NE(
        api.body.find("\"below_threshold\":{\"rows\":1,\"cost\":\"5.6\"},\"total\":\"761.6\""),
        std::string::npos)
        << api.body;
    auto services = s.get("/api/services?" + q);
    EXPECT_NE(services.body.find("\"total\":\"761.6\""), std::string::npos);
    EXPECT_NE(services.body.find("\"below_threshold\":{\"rows\":1,\"cost\":\"5.6\"}"),
              std::string::npos)
        << services.body;
}

TEST(TieOut, RatesKeepTheirSignificantDigits) {
    EXPECT_EQ(report::rate_text(0), "0.00");
    Amount lambda = 0;
    parse_amount("0.0000166667", lambda);
    EXPECT_EQ(report::rate_text(lambda), "0.00001667");
    Amount box = 0;
    parse_amount("0.096", box);
    EXPECT_EQ(report::rate_text(box), "0.09600");
    EXPECT_EQ(report::rate_text(125 * kUnit / 10), "12.50");
    Amount big = 0;
    parse_amount("1259894123.5", big);
    EXPECT_EQ(report::abbreviated_cell_text(report::CellKind::quantity, "1259894123.5", "USD"),
              "\u22481.26 bn");
    EXPECT_EQ(report::abbreviated_cell_text(report::CellKind::money, "-1234567", "USD"),
              "\u2248-$1.23 M");
}

// The Sources page lists the files behind the report's months, each with the periods it fed,
// its full sha256 and assembly id: never a file a later delivery replaced, never one of a month
// outside the report.
TEST(TieOut, SourcesAreTheFilesBehindTheReportsMonths) {
    TempDir tmp;
    const std::string db = tmp / "store.db";
    write_file(tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
    write_file(tmp / "oct.csv", known_month_csv("2026-10", "12.00"));
    write_file(tmp / "oct-restated.csv", known_month_csv("2026-10", "13.00"));
    ASSERT_EQ(
        run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv", tmp / "oct.csv"}).exit_code, 0);
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, tmp / "oct-restated.csv"}).exit_code, 0);
    auto sources = [&](const std::string& from, const std::string& to) {
        const std::string pdf = tmp / "s.pdf";
        auto r = run_cli({"report", "--db", db, "--from", from, "--to", to, "--out", pdf});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        const report::ReportMeta m = report::parse_report_json(
            sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out);
        std::vector<std::vector<std::string>> rows;
        for (const auto& t : m.tables)
            if (t.kind == "sources")
                for (const auto& row : t.rows)
                    rows.push_back(row.cells);
        return rows;
    };
    const std::string sep_sha = Sha256::of_file(tmp / "sep.csv");
    const std::string oct_sha = Sha256::of_file(tmp / "oct-restated.csv");
    const auto october = sources("2026-10-01", "2026-10-31");
    ASSERT_EQ(october.size(), 1u);  // the restated file, not the one it replaced nor September's
    EXPECT_EQ(october[0][0], "2026-10");
    EXPECT_EQ(october[0][1], tmp / "oct-restated.csv");
    EXPECT_EQ(october[0][3], oct_sha);  // in full
    const auto both = sources("2026-09-01", "2026-10-31");
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0][0], "2026-09");
    EXPECT_EQ(both[0][3], sep_sha);
    EXPECT_EQ(both[1][0], "2026-10");
}

}  // namespace CURCRUNCH_UNITY_ID
