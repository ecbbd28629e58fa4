// `curcrunch cost-explorer` (alias ce) through the binary, on a store whose Cost Explorer rows
// were written by the same store API fetch uses (store::replace_ce_costs): exact sums, the
// monthly and daily series kept apart, every filter and grouping, the three formats, and a
// reconciliation against the CUR rollups of the same costs.
#include <gtest/gtest.h>

#include "curcrunch/store/billing_records.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

const char* kProd = "111111111111";
const char* kShared = "222222222222";
const char* kS3 = "Amazon Simple Storage Service";
const char* kEc2 = "Amazon Elastic Compute Cloud - Compute";

aws::CeCostRow cell(const std::string& day, const std::string& account, const std::string& service,
                    const std::string& amount, bool estimated = false) {
    aws::CeCostRow r;
    Day d;
    parse_utc_day(day, d);
    r.start = d;
    r.account = account;
    r.service = service;
    r.unit = "USD";
    EXPECT_EQ(parse_amount(amount, r.amount), ParseStatus::ok) << amount;
    r.estimated = estimated;
    return r;
}

Day day(const char* text) {
    Day d;
    parse_utc_day(text, d);
    return d;
}

class CostExplorerCommand : public ::testing::Test {
  protected:
    void SetUp() override {
        // CUR for September: the same money the CE rows below state for September.
        std::string csv = kLegacyHeader;
        csv += known_row("1", "2026-09-03", kProd, "AmazonS3", kS3, "1234.5678901234");
        csv += known_row("2", "2026-09-04", kShared, "AmazonEC2", "Amazon Elastic Compute Cloud",
                         "0.0000000001");
        write_file(tmp / "sep.csv", csv);
        ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv"}).exit_code, 0);

        auto store = store::Store::open(db);
        store::put_accounts(store->db(), "main", {{kProd, "", "", "Production", "ACTIVE", "", 0}});
        store::replace_ce_costs(store->db(), "main", aws::CeGranularity::monthly, day("2026-09-01"),
                                day("2026-10-31"),
                                {cell("2026-09-01", kProd, kS3, "1234.5678901234"),
                                 cell("2026-09-01", kShared, kEc2, "0.0000000001"),
                                 cell("2026-10-01", kProd, kS3, "13.00", true),
                                 cell("2026-10-01", kShared, kEc2, "20.25", true)});
        store::replace_ce_costs(store->db(), "second", aws::CeGranularity::monthly,
                                day("2026-10-01"), day("2026-10-31"),
                                {cell("2026-10-01", "333333333333", kS3, "7.5")});
        // The current month by day (here October): never added to the monthly series.
        store::replace_ce_costs(store->db(), "main", aws::CeGranularity::daily, day("2026-10-01"),
                                day("2026-10-31"),
                                {cell("2026-10-04", kProd, kS3, "1.25", true),
                                 cell("2026-10-05", kProd, kS3, "2", true),
                                 cell("2026-10-05", kShared, kEc2, "0.5", true)});
    }

    RunResult ce(std::vector<std::string> args) {
        args.insert(args.begin(), {"cost-explorer", "--db", db});
        return run_cli(args);
    }

    TempDir tmp;
    std::string db = tmp / "ce.db";
};

TEST_F(CostExplorerCommand, MonthlyRowsByServiceAreExactInCsv) {
    auto r = ce({"--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "bucket,key,label,unit,unblended,estimated,row_count\n"
              "2026-09,Amazon Simple Storage Service,Amazon Simple Storage Service,USD,"
              "1234.5678901234,no,1\n"
              "2026-09,Amazon Elastic Compute Cloud - Compute,Amazon Elastic Compute Cloud - "
              "Compute,USD,0.0000000001,no,1\n"
              "2026-10,Amazon Simple Storage Service,Amazon Simple Storage Service,USD,20.5,yes,2\n"
              "2026-10,Amazon Elastic Compute Cloud - Compute,Amazon Elastic Compute Cloud - "
              "Compute,USD,20.25,yes,1\n");
    EXPECT_EQ(r.err, "");
}

// The rows past the limit are summed as "Other (N)": rows, other and totals tie out.
TEST_F(CostExplorerCommand, TotalsInJsonCoverEveryMatchingRowDespiteTheLimit) {
    auto r = ce({"--granularity", "total", "--by", "account", "--sort", "cost", "--limit", "1",
                 "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "{\"source\":\"cost-explorer\",\"metric\":\"unblended\",\"granularity\":\"total\","
              "\"by\":\"account\",\"rows\":[{\"bucket\":\"\",\"key\":\"111111111111\",\"label\":"
              "\"Production\",\"unit\":\"USD\",\"unblended\":\"1247.5678901234\",\"estimated\":"
              "true,\"row_count\":2}],\"below_threshold\":[],\"other\":[{\"bucket\":\"\","
              "\"key\":\"(other)\",\"label\":\"Other (2)\",\"unit\":\"USD\",\"unblended\":"
              "\"27.7500000001\",\"estimated\":true,\"row_count\":3}],\"matching_rows\":3,"
              "\"totals\":[{\"unit\":\"USD\",\"unblended\":\"1275.3178901235\"}]}\n");
}

TEST_F(CostExplorerCommand, DayAndWeekReadOnlyTheDailySeries) {
    auto days = ce({"--granularity", "day", "--by", "none", "--format", "csv"});
    ASSERT_EQ(days.exit_code, 0) << days.err;
    EXPECT_EQ(days.out,
              "bucket,key,label,unit,unblended,estimated,row_count\n"
              "2026-10-04,,,USD,1.25,yes,1\n"
              "2026-10-05,,,USD,2.5,yes,2\n");
    // 2026-10-04 is a Sunday, 2026-10-05 a Monday: two weeks, named by their Mondays.
    auto weeks = ce({"--granularity", "week", "--by", "none", "--format", "csv"});
    EXPECT_EQ(weeks.out,
              "bucket,key,label,unit,unblended,estimated,row_count\n"
              "2026-09-28,,,USD,1.25,yes,1\n"
              "2026-10-05,,,USD,2.5,yes,2\n");
}

TEST_F(CostExplorerCommand, FiltersAndGroupingsLikeSummary) {
    auto csv = [&](std::vector<std::string> a) {
        a.insert(a.end(), {"--format", "csv"});
        auto r = ce(a);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    };
    const std::string head = "bucket,key,label,unit,unblended,estimated,row_count\n";
    EXPECT_EQ(csv({"--by", "profile", "--granularity", "year"}),
              head + "2026,main,main,USD,1267.8178901235,yes,4\n2026,second,second,USD,7.5,no,1\n");
    EXPECT_EQ(csv({"--account", std::string(kShared) + ",444444444444",
                   "--account=" + std::string(kProd), "--service", kEc2, "--granularity", "total"}),
              head +
                  ",Amazon Elastic Compute Cloud - Compute,Amazon Elastic Compute Cloud - "
                  "Compute,USD,20.2500000001,yes,2\n");
    EXPECT_EQ(csv({"--profile", "second", "--by", "account", "--granularity", "total"}),
              head + ",333333333333,333333333333,USD,7.5,no,1\n");
    // Monthly rows count by their first day: --from 2026-09-02 leaves September out.
    EXPECT_EQ(csv({"--from", "2026-09-02", "--to", "2026-10-31", "--by", "none", "--granularity",
                   "total"}),
              head + ",,,USD,40.75,yes,3\n");
    EXPECT_EQ(csv({"--preset", "month-to-date", "--as-of", "2026-10-20", "--by", "none"}),
              head + "2026-10,,,USD,40.75,yes,3\n");
    EXPECT_EQ(
        csv({"--min-cost", "13", "--sort", "key", "--by", "account", "--granularity", "total"}),
        head +
            ",111111111111,Production,USD,1247.5678901234,yes,2\n"
            ",222222222222,222222222222,USD,20.2500000001,yes,2\n"
            ",(below threshold),Below threshold (1),USD,7.5,no,1\n");
}

TEST_F(CostExplorerCommand, TableRoundsToCentsAndMarksEstimates) {
    auto r = run_cli({"ce", "--db", db, "--by", "account", "--granularity", "total"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("111111111111"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Production"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1,247.57 USD"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2 estimated"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1,275.32 USD"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("estimated: Cost Explorer had not finalised"), std::string::npos);
}

TEST_F(CostExplorerCommand, ReconcilesWithTheCurWithoutSqlite) {
    // September's CE total and the CUR's unblended total are the same exact number.
    auto c = ce({"--from", "2026-09-01", "--to", "2026-09-30", "--granularity", "total", "--by",
                 "none", "--format", "json"});
    auto s = run_cli({"summary", "--db", db, "--from", "2026-09-01", "--to", "2026-09-30",
                      "--granularity", "total", "--by", "none", "--format", "json"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_NE(c.out.find("\"totals\":[{\"unit\":\"USD\",\"unblended\":\"1234.5678901235\"}]"),
              std::string::npos)
        << c.out;
    EXPECT_NE(s.out.find("\"total\":\"1234.5678901235\""), std::string::npos) << s.out;
}

TEST_F(CostExplorerCommand, BadOptionsAreUsageErrors) {
    for (auto args :
         std::vector<std::vector<std::string>>{{"--by", "region"},
                                               {"--granularity", "hour"},
                                               {"--sort", "size"},
                                               {"--limit", "0"},
                                               {"--min-cost", "-1"},
                                               {"--format", "xml"},
                                               {"--preset", "year", "--from", "2026-01-01"}}) {
        auto r = ce(args);
        EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
        EXPECT_EQ(r.out, "");
    }
}

TEST(CostExplorerCommandWithoutData, SaysHowToGetIt) {
    TempDir tmp;
    write_file(tmp / "a.csv", std::string(kLegacyHeader) + legacy_row("1", "2026-09-03", "1"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", tmp / "s.db", tmp / "a.csv"}).exit_code, 0);
    auto r = run_cli({"cost-explorer", "--db", tmp / "s.db", "--format", "csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "bucket,key,label,unit,unblended,estimated,row_count\n");
    EXPECT_NE(r.err.find("no Cost Explorer costs: run `curcrunch fetch --cost-explorer`"),
              std::string::npos)
        << r.err;
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
