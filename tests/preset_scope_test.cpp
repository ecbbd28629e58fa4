// The "last year" preset (the previous calendar year) on summary, report and serve, and the
// scope of a filtered report: a title of its own and every filter in full on page 1.
#include <gtest/gtest.h>

#include "curcrunch/store/query.hpp"
#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

TEST(Presets, LastYearIsThePreviousCalendarYear) {
    const auto r = store::resolve_preset("last-year", days_from_civil(2026, 12, 1));
    ASSERT_TRUE(r);
    EXPECT_EQ(format_day(r->from), "2025-01-01");
    EXPECT_EQ(format_day(r->to), "2025-12-31");
    // On the first of January it is the year that just ended.
    const auto jan = store::resolve_preset("last-year", days_from_civil(2027, 1, 1));
    EXPECT_EQ(format_day(jan->from), "2026-01-01");
    EXPECT_EQ(format_day(jan->to), "2026-12-31");
}

TEST(Presets, LastYearOnSummaryAndReportCountsOnlyThatYear) {
    // December 2025 ($10 EC2 a day) and January 2026 ($12): last year, seen from 2026-01-28,
    // is December's $352.80 alone.
    TempDir tmp;
    write_file(tmp / "dec.csv", known_month_csv("2025-12", "10.00"));
    write_file(tmp / "jan.csv", known_month_csv("2026-01", "12.00"));
    const std::string db = tmp / "years.db";
    ASSERT_EQ(
        run_cli({"ingest", "--quiet", "--db", db, tmp / "dec.csv", tmp / "jan.csv"}).exit_code, 0);
    auto sum = run_cli({"summary", "--db", db, "--preset", "last-year", "--as-of", "2026-01-28",
                        "--granularity", "total", "--format", "csv"});
    ASSERT_EQ(sum.exit_code, 0) << sum.err;
    EXPECT_NE(sum.out.find(",AmazonEC2,Amazon Elastic Compute Cloud,280,"), std::string::npos)
        << sum.out;
    EXPECT_EQ(sum.out.find(",336,"), std::string::npos) << sum.out;  // January's EC2
    const std::string pdf = tmp / "last-year.pdf";
    auto rep = run_cli(
        {"report", "--db", db, "--preset", "last-year", "--as-of", "2026-01-28", "--out", pdf});
    ASSERT_EQ(rep.exit_code, 0) << rep.err;
    const std::string info = sh("pdfinfo " + pdf).out;
    EXPECT_NE(info.find("AWS cost report 2025-01-01 to 2025-12-31"), std::string::npos) << info;
    const std::string text = sh("pdftotext -layout " + pdf + " -").out;
    EXPECT_NE(text.find("(preset last-year)"), std::string::npos) << text;
    EXPECT_NE(text.find("$352.80"), std::string::npos) << text;
    EXPECT_EQ(text.find("$336.00"), std::string::npos) << text;
}

TEST(Presets, TheDashboardOffersLastYear) {
    Served s;  // September and October 2026
    auto api = s.get("/api/overview?preset=last-year&as_of=2027-01-15");
    ASSERT_EQ(api.status, 200) << api.body;
    EXPECT_NE(api.body.find("\"from\":\"2026-01-01\""), std::string::npos) << api.body;
    EXPECT_NE(api.body.find("\"to\":\"2026-12-31\""), std::string::npos) << api.body;
    EXPECT_NE(api.body.find("761.6"), std::string::npos) << api.body;
    EXPECT_NE(s.get("/").body.find(">Last year</option>"), std::string::npos);
}

TEST(ReportScope, AFilteredReportHasItsOwnTitleAndItsWholeScopeOnPageOne) {
    TempDir t;
    write_file(t / "oct.csv", known_month_csv("2026-10", "12.00"));
    const std::string db = t / "store.db", pdf = t / "filtered.pdf";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, t / "oct.csv"}).exit_code, 0);
    auto r = run_cli({"report", "--db", db, "--from", "2026-10-01", "--to", "2026-10-28", "--as-of",
                      "2026-10-28", "--account", "111111111111,222222222222", "--service",
                      "AmazonEC2,AmazonS3,AmazonKMS", "--out", pdf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(sh("pdfinfo " + pdf)
                  .out.find("AWS cost report 2026-10-01 to 2026-10-28 \u00b7 accounts "
                            "111111111111, 222222222222, 3 services"),
              std::string::npos)
        << sh("pdfinfo " + pdf).out;
    const std::string page1 = sh("pdftotext -f 1 -l 1 " + pdf + " -").out;
    EXPECT_NE(page1.find("Services: AmazonEC2, AmazonS3, AmazonKMS"), std::string::npos) << page1;
    EXPECT_NE(page1.find("111111111111"), std::string::npos) << page1;
    EXPECT_NE(page1.find("222222222222"), std::string::npos) << page1;
}

}  // namespace CURCRUNCH_UNITY_ID
