// Figures of a report that must not mislead (found by the audit of the PDF report), through the
// binary and the PDF it writes: a region filter leaves out the line items (which have no region)
// instead of showing every region's; months and comparison sides without data are "no data",
// never $0 or a change from $0; a month the period cuts says so; shares of a negative total are
// "n/a" and the pie names the credits it leaves out; line items rank by size; --top reaches
// page 1 and the comparison tables; a month of unknown status says so in words.
#include <gtest/gtest.h>

#include <cstdio>

#include "curcrunch/report/report_json.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// One legacy CUR row (kLegacyHeader) of a chosen line item type and region.
std::string cur_row(const std::string& id, const std::string& day, const std::string& product,
                    const std::string& name, const std::string& cost,
                    const std::string& region = "us-east-1", const std::string& type = "Usage",
                    const std::string& account = "111111111111") {
    return id + ",000011112222," + day.substr(0, 7) + "-01T00:00:00Z," + account + "," + type +
           "," + day + "T05:00:00Z," + product + ",Usage:" + product + ",Run,1.0," + cost + "," +
           cost + "," + type + " of " + name + "," + name + "," + region + ",OnDemand,Hrs,\n";
}

std::string day_of(const char* month, int d) {
    char day[32];
    std::snprintf(day, sizeof day, "%s-%02d", month, d);
    return day;
}

// March and April 2026: EC2 in us-east-1 at 10.00 a day, S3 in eu-west-1 at 2.00 a day.
std::string two_regions_csv() {
    std::string s = kLegacyHeader;
    for (const char* m : {"2026-03", "2026-04"})
        for (int d = 1; d <= (m[6] == '3' ? 31 : 30); ++d) {
            s += cur_row(std::string("e") + m + std::to_string(d), day_of(m, d), "AmazonEC2",
                         "Amazon Elastic Compute Cloud", "10.00");
            s += cur_row(std::string("s") + m + std::to_string(d), day_of(m, d), "AmazonS3",
                         "Amazon Simple Storage Service", "2.00", "eu-west-1");
        }
    return s;
}

struct Store {
    explicit Store(const std::string& csv) {
        write_file(tmp / "cur.csv", csv);
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "cur.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    // The report of these arguments: its text (pdftotext -layout) and its embedded JSON.
    std::string report(std::vector<std::string> args) {
        args.insert(args.begin(), {"report", "--db", db, "--out", pdf, "--quiet"});
        auto r = run_cli(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(sh("qpdf --check " + pdf).code, 0);
        meta = report::parse_report_json(
            sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out);
        return sh("pdftotext -layout " + pdf + " -").out;
    }
    const report::ReportTable* table(const std::string& kind) const {
        for (const auto& t : meta.tables)
            if (t.kind == kind) return &t;
        return nullptr;
    }
    TempDir tmp;
    std::string db = tmp / "store.db";
    std::string pdf = tmp / "report.pdf";
    report::ReportMeta meta;
};

// Runs of spaces (pdftotext's layout) as one space, so a sentence can be found whole.
std::string squeezed(const std::string& text) {
    std::string out;
    for (char c : text) {
        const char x = c == '\n' ? ' ' : c;
        if (x == ' ' && !out.empty() && out.back() == ' ') continue;
        out += x;
    }
    return out;
}

}  // namespace

TEST(ReportFigures, ARegionReportHasNoLineItemsAndAuditsClean) {
    Store s(two_regions_csv());
    const std::string text =
        squeezed(s.report({"--from", "2026-03-01", "--to", "2026-04-30", "--region", "us-east-1"}));
    // 61 days of EC2 at 10.00: the region's total, and no line item of every region's $732.00.
    EXPECT_NE(text.find("$610.00"), std::string::npos) << text;
    EXPECT_NE(text.find("n/a: line items have no region (the line-item rollup keeps none)"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("$732.00"), std::string::npos) << text;
    EXPECT_EQ(s.meta.params.regions, std::vector<std::string>{"us-east-1"});
    EXPECT_EQ(s.table("line_items"), nullptr);  // absent, not empty with a total
    EXPECT_EQ(s.meta.totals.total, 610 * kUnit);
    ASSERT_EQ(run_cli({"import-pdf", "--db", s.db, s.pdf}).exit_code, 0);
    auto audit = run_cli({"audit", "--db", s.db, "--all"});
    EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
    EXPECT_NE(audit.out.find("1 report(s) audited, 0 with differences"), std::string::npos)
        << audit.out;
    // A store without invoice ids: its status in words.
    EXPECT_NE(text.find("2026-04: not known whether final (its files carry no invoice id)"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("final or not unknown"), std::string::npos);
}

TEST(ReportFigures, ARegionWithATagGroupingOrAnUnknownRegionIsAUsageError) {
    Store s(two_regions_csv());
    auto by = run_cli(
        {"report", "--db", s.db, "--out", s.pdf, "--region", "us-east-1", "--by", "tag:team"});
    EXPECT_EQ(by.exit_code, 2);
    EXPECT_NE(by.err.find("--region cannot be combined with --by tag:team: the tag rollup keeps "
                          "no region"),
              std::string::npos)
        << by.err;
    auto unknown = run_cli({"report", "--db", s.db, "--out", s.pdf, "--region", "mars-1"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("mars-1"), std::string::npos) << unknown.err;
}

TEST(ReportFigures, MonthsAndSidesWithoutDataAreNoDataAndACutMonthSaysSo) {
    Store s(two_regions_csv());
    const std::string text =
        squeezed(s.report({"--from", "2026-01-01", "--to", "2026-04-20", "--top", "3"}));
    // The month x service table: January and February have no data, blank rather than $0.00.
    const report::ReportTable* months = nullptr;
    for (const auto& t : s.meta.tables)
        if (t.kind == "month_service" && t.params.at("months").rfind("2026-01", 0) == 0)
            months = &t;
    ASSERT_NE(months, nullptr);
    ASSERT_EQ(months->columns.size(), 5u);
    for (const auto& r : months->rows) {
        EXPECT_EQ(r.cells[1], "") << r.key;  // 2026-01
        EXPECT_EQ(r.cells[2], "") << r.key;  // 2026-02
    }
    EXPECT_EQ(months->rows.back().key, "total");
    EXPECT_EQ(months->rows.back().cells[3], "372");  // 2026-03: 31 x 12.00
    EXPECT_EQ(months->rows.back().cells[4], "240");  // 2026-04 1-20: 20 x 12.00
    EXPECT_NE(text.find("2026-01 (no 2026-02 (no 2026-03 2026-04 (part) data) data)"),
              std::string::npos)
        << text;
    // The previous period has no data: no change bars, and why.
    EXPECT_NE(text.find("Change by service vs the previous period (largest first): n/a: no data "
                        "for the previous period (2025-09-01 to 2025-12-20)."),
              std::string::npos)
        << text;
    EXPECT_EQ(s.table("service_change_chart"), nullptr);
    // April is plotted up to the 20th, and the monthly trend says so.
    EXPECT_NE(text.find("Monthly cost, 2025-05 to 2026-04 (2026-04: days 1-20 only)"),
              std::string::npos)
        << text;
    // --top 3 reaches page 1 and the comparison tables.
    for (const char* kind : {"top_services", "top_accounts"})
        EXPECT_EQ(s.table(kind)->params.at("limit"), "3") << kind;
    for (const auto& t : s.meta.tables)
        if (t.kind == "changes") {
            EXPECT_EQ(t.params.at("limit"), "3");
        }
    ASSERT_EQ(run_cli({"import-pdf", "--db", s.db, s.pdf}).exit_code, 0);
    auto audit = run_cli({"audit", "--db", s.db, "--all"});
    EXPECT_NE(audit.out.find("1 report(s) audited, 0 with differences"), std::string::npos)
        << audit.out;
}

TEST(ReportFigures, TopReachesPageOne) {
    std::string csv = kLegacyHeader;
    const char* services[] = {"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonSNS"};
    for (int i = 0; i < 5; ++i)
        for (int d = 1; d <= 30; ++d)
            csv += cur_row(std::string(services[i]) + std::to_string(d), day_of("2026-04", d),
                           services[i], services[i], std::to_string(10 - i) + ".00", "us-east-1",
                           "Usage", "11111111111" + std::to_string(i));
    Store s(csv);
    s.report({"--from", "2026-04-01", "--to", "2026-04-30", "--top", "3"});
    const report::ReportTable* top = s.table("top_services");
    ASSERT_NE(top, nullptr);
    std::vector<std::string> keys;
    for (const auto& r : top->rows)
        keys.push_back(r.key);
    EXPECT_EQ(keys,
              (std::vector<std::string>{"AmazonEC2", "AmazonS3", "AmazonRDS", "other", "total"}));
    EXPECT_EQ(top->rows[3].cells[0], "Other (2)");
    EXPECT_EQ(s.table("top_accounts")->rows.size(), 5u);  // 3, Other (2), total
}

TEST(ReportFigures, NegativeTotalsHaveNoSharesAndThePieNamesTheCreditsItLeavesOut) {
    std::string csv = kLegacyHeader;
    for (int d = 1; d <= 30; ++d)
        csv += cur_row("s" + std::to_string(d), day_of("2026-04", d), "AmazonS3",
                       "Amazon Simple Storage Service", "5.00");
    csv += cur_row("c1", "2026-04-10", "AmazonEC2", "Amazon Elastic Compute Cloud", "-500.00",
                   "us-east-1", "Credit", "333333333333");
    csv += cur_row("r1", "2026-04-11", "AmazonS3", "Amazon Simple Storage Service", "-20.00",
                   "us-east-1", "Refund");
    Store s(csv);
    const std::string text =
        squeezed(s.report({"--from", "2026-04-01", "--to", "2026-04-30", "--line-items", "1"}));
    // Total -370.00: S3 130.00, EC2 -500.00. No "-35.1%" or "135.1%" of a negative total.
    EXPECT_EQ(s.meta.totals.total, -370 * kUnit);
    const report::ReportTable* top = s.table("top_services");
    ASSERT_NE(top, nullptr);
    for (const auto& r : top->rows)
        EXPECT_EQ(top->cell(r, "share"), "n/a") << r.key;
    EXPECT_NE(text.find("Shares are n/a: the period's total, -$370.00, is not positive"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("135.1%"), std::string::npos) << text;
    EXPECT_NE(text.find("Not shown: credits and refunds of -$500.00 (Amazon Elastic Compute "
                        "Cloud); shares are of the $130.00 shown."),
              std::string::npos)
        << text;
    // The line items rank by size: the -500.00 credit is listed, not summed into Other.
    const report::ReportTable* items = s.table("line_items");
    ASSERT_NE(items, nullptr);
    EXPECT_EQ(items->params.at("rank"), "magnitude");
    ASSERT_EQ(items->rows.size(), 3u);  // the credit, Other (2), the total
    EXPECT_EQ(items->cell(items->rows[0], "service"), "AmazonEC2");
    EXPECT_EQ(items->cell(items->rows[0], "cost"), "-500");
    EXPECT_EQ(items->cell(items->rows[1], "cost"), "130");  // S3 usage and its refund
    EXPECT_EQ(items->cell(items->rows[2], "cost"), "-370");
    EXPECT_NE(text.find("the 1 largest by size (credits and negations as well as charges)"),
              std::string::npos)
        << text;
}

}  // namespace CURCRUNCH_UNITY_ID
