// audit through the binary: every table a report printed is recomputed from today's store and
// compared cell by cell; a figure whose data left the store is "no data", not "changed".
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// One October of EC2 for one account: instance hours and EBS storage, 28 days.
std::string ec2_month(const std::string& box, const std::string& ebs,
                      const std::string& box_on_15th, const std::string& ebs_on_15th) {
    std::string s = kLegacyHeader;
    auto row = [&](const std::string& id, const std::string& day, const std::string& usage_type,
                   const std::string& desc, const std::string& unit, const std::string& cost) {
        s += id + ",000011112222,2026-10-01T00:00:00Z,111111111111,Usage," + day +
             "T05:00:00Z,AmazonEC2," + usage_type + ",RunInstances,24," + cost + "," + cost + "," +
             desc + ",Amazon Elastic Compute Cloud,us-east-1,OnDemand," + unit + ",\n";
    };
    for (int d = 1; d <= 28; ++d) {
        char day[16];
        std::snprintf(day, sizeof day, "2026-10-%02d", d);
        const bool moved = d == 15;
        row("b" + std::to_string(d), day, "BoxUsage:m5.large", "m5.large instance hours", "Hrs",
            moved ? box_on_15th : box);
        row("v" + std::to_string(d), day, "EBS:VolumeUsage.gp3", "gp3 storage", "GB-Mo",
            moved ? ebs_on_15th : ebs);
    }
    return s;
}

struct AuditWorld {
    RunResult report_and_import(const std::string& from, const std::string& to) {
        auto r = run_cli(
            {"report", "--db", db, "--from", from, "--to", to, "--as-of", to, "--out", pdf});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        auto i = run_cli({"import-pdf", "--db", db, pdf});
        EXPECT_EQ(i.exit_code, 0) << i.err;
        return r;
    }
    TempDir tmp;
    std::string db = tmp / "store.db", pdf = tmp / "report.pdf";
};

}  // namespace

TEST(Audit, TenDollarsMovedBetweenUsageTypesIsADifference) {
    AuditWorld w;
    write_file(w.tmp / "oct.csv", ec2_month("20.00", "15.00", "20.00", "15.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, w.tmp / "oct.csv"}).exit_code, 0);
    w.report_and_import("2026-10-01", "2026-10-31");
    EXPECT_EQ(run_cli({"audit", "--db", w.db, "--all"}).exit_code, 0);

    // AWS restates the 15th: $10 of EBS was instance hours. Every total stays the same.
    write_file(w.tmp / "oct.csv", ec2_month("20.00", "15.00", "30.00", "5.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, w.tmp / "oct.csv"}).exit_code, 0);
    auto a = run_cli({"audit", "--db", w.db, "--all", "--format", "csv"});
    EXPECT_EQ(a.exit_code, 7) << a.out << a.err;
    const std::string id = query_one(w.db, "SELECT report_id FROM report");
    const std::string p = id + ",2026-10-01..2026-10-31,";
    for (const std::string& line :
         {p + "line_items,AmazonEC2|BoxUsage:m5.large|m5.large instance hours|Hrs,rate,"
              "0.8333333333,0.8482142857,,changed",
          p + "line_items,AmazonEC2|BoxUsage:m5.large|m5.large instance hours|Hrs,cost,560,570,10,"
              "changed",
          p + "line_items,AmazonEC2|EBS:VolumeUsage.gp3|gp3 "
              "storage|GB-Mo,cost,420,410,-10,changed"})
        EXPECT_NE(a.out.find(line + "\n"), std::string::npos) << line << "\n" << a.out;
    // Nothing else moved: no total, service, account or month.
    EXPECT_EQ(a.out.find(",total,"), std::string::npos) << a.out;
    EXPECT_EQ(a.out.find(",summary_figures,"), std::string::npos) << a.out;
    EXPECT_EQ(a.out.find(",top_services,"), std::string::npos) << a.out;
}

TEST(Audit, APeriodGoneFromTheStoreIsNoDataNotAChange) {
    AuditWorld w;
    write_file(w.tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
    write_file(w.tmp / "oct.csv", known_month_csv("2026-10", "12.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, w.tmp / "sep.csv", w.tmp / "oct.csv"})
                  .exit_code,
              0);
    w.report_and_import("2026-09-01", "2026-10-31");
    const std::string id = query_one(w.db, "SELECT report_id FROM report");
    const std::string p = id + ",2026-09-01..2026-10-31,";

    // An auditor's store that holds October only.
    const std::string october = w.tmp / "october.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", october, w.tmp / "oct.csv"}).exit_code, 0);
    ASSERT_EQ(run_cli({"import-pdf", "--db", october, w.pdf}).exit_code, 0);
    auto part = run_cli({"audit", "--db", october, "--all", "--format", "csv"});
    EXPECT_EQ(part.exit_code, 7);
    for (const std::string& line :
         {p + "month,2026-09,,352.8,0,-352.8,no data",
          p + "total,total,,761.6,408.8,-352.8,partial data",
          p + "summary_figures,month_over_month.previous,amount,352.8,,-352.8,"
              "partial data"})
        EXPECT_NE(part.out.find(line + "\n"), std::string::npos) << line << "\n" << part.out;
    EXPECT_EQ(part.out.find(p + "month,2026-10,"), std::string::npos) << part.out;
    auto table = run_cli({"audit", "--db", october, "--all"});
    EXPECT_NE(table.out.find("report " + id + ": partial data: 2026-09 no longer in the store"),
              std::string::npos)
        << table.out;

    // A store with neither month: every difference is "no data", none "changed".
    const std::string none = w.tmp / "none.db";
    ASSERT_EQ(run_cli({"import-pdf", "--db", none, w.pdf}).exit_code, 0);
    auto gone = run_cli({"audit", "--db", none, "--all", "--format", "csv"});
    EXPECT_EQ(gone.exit_code, 7);
    EXPECT_NE(gone.out.find(p + "total,total,,761.6,0,-761.6,no data\n"), std::string::npos)
        << gone.out;
    EXPECT_EQ(gone.out.find(",changed\n"), std::string::npos) << gone.out;
    EXPECT_EQ(gone.out.find(",partial data\n"), std::string::npos) << gone.out;
    EXPECT_NE(run_cli({"audit", "--db", none, "--all"})
                  .out.find("report " + id +
                            ": no data any more: 2026-09, 2026-10 no longer in "
                            "the store"),
              std::string::npos);
}

TEST(Audit, AVersionTwoReportIsHeldToTheAmountsOfItsOwnPeriod) {
    AuditWorld w;
    write_file(w.tmp / "oct.csv", ec2_month("20.00", "15.00", "20.00", "15.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, w.tmp / "oct.csv"}).exit_code, 0);
    w.report_and_import("2026-10-01", "2026-10-31");
    // What curcrunch wrote before the coverage rules: version 2, a bare "n/a" against the
    // September it had no data for, where version 3 names the window.
    {
        store::Database db(w.db, store::Database::Mode::read_write_create);
        db.exec(
            "UPDATE report SET metadata = replace(replace(metadata, '\"schema_version\":5', "
            "'\"schema_version\":2'), 'n/a: no data for 2026-09-01 to 2026-09-30', 'n/a')");
    }
    ASSERT_EQ(query_one(w.db, "SELECT instr(metadata, '\"schema_version\":2') > 0 FROM report"),
              "1");
    auto clean = run_cli({"audit", "--db", w.db, "--all", "--format", "csv"});
    EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;

    // The restatement of the 15th still shows in its line items' amounts; the rate, a figure
    // whose rules version 3 may have changed, is not compared.
    write_file(w.tmp / "oct.csv", ec2_month("20.00", "15.00", "30.00", "5.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, w.tmp / "oct.csv"}).exit_code, 0);
    auto a = run_cli({"audit", "--db", w.db, "--all", "--format", "csv"});
    EXPECT_EQ(a.exit_code, 7) << a.out << a.err;
    const std::string p =
        query_one(w.db, "SELECT report_id FROM report") + ",2026-10-01..2026-10-31,";
    for (const std::string& line :
         {p + "line_items,AmazonEC2|BoxUsage:m5.large|m5.large instance hours|Hrs,cost,560,570,10,"
              "changed",
          p + "line_items,AmazonEC2|EBS:VolumeUsage.gp3|gp3 "
              "storage|GB-Mo,cost,420,410,-10,changed"})
        EXPECT_NE(a.out.find(line + "\n"), std::string::npos) << line << "\n" << a.out;
    EXPECT_EQ(a.out.find(",rate,"), std::string::npos) << a.out;
}

}  // namespace CURCRUNCH_UNITY_ID
