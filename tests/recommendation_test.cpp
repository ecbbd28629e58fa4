// Recommendations size commitments from on-demand usage only: usage a Savings Plan already
// covers (SavingsPlanCoveredUsage) and its negation are not on-demand spend, and counting them
// would advise buying the same commitment twice. The numbers the text states are in the JSON.
#include <gtest/gtest.h>

#include "curcrunch/report/report_json.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string cur_row(int id, const std::string& day, const std::string& type,
                    const std::string& product, const std::string& usage_type,
                    const std::string& usage, const std::string& cost, const std::string& term) {
    return "r" + std::to_string(id) + ",000011112222," + day.substr(0, 7) +
           "-01T00:00:00Z,111111111111," + type + "," + day + "T00:00:00Z," + product + "," +
           usage_type + ",Run," + usage + "," + cost + "," + cost + ",line," + product +
           ",us-east-1," + term + ",Hrs,\n";
}

// July to September 2026, every day: 48 on-demand m5.large hours ($4.608); 240 c5.xlarge hours
// covered by a Savings Plan ($40.80 at on-demand rates, taken back by its negation) and the
// plan's daily fee ($30); one RDS db.r5.large running all day on demand ($6).
std::string committed_csv() {
    std::string s = kLegacyHeader;
    int n = 0;
    for (Day d = days_from_civil(2026, 7, 1); d <= days_from_civil(2026, 9, 30); ++d) {
        const std::string day = format_day(d);
        s +=
            cur_row(++n, day, "Usage", "AmazonEC2", "BoxUsage:m5.large", "48", "4.608", "OnDemand");
        s += cur_row(++n, day, "SavingsPlanCoveredUsage", "AmazonEC2", "BoxUsage:c5.xlarge", "240",
                     "40.8", "OnDemand");
        s += cur_row(++n, day, "SavingsPlanNegation", "AmazonEC2", "BoxUsage:c5.xlarge", "0",
                     "-40.8", "");
        s += cur_row(++n, day, "SavingsPlanRecurringFee", "ComputeSavingsPlans",
                     "ComputeSP:1yrNoUpfront", "24", "30", "");
        s += cur_row(++n, day, "Usage", "AmazonRDS", "InstanceUsage:db.r5.large", "24", "6",
                     "OnDemand");
    }
    return s;
}

std::string figure(const report::ReportMeta& m, const std::string& key) {
    for (const auto& t : m.tables)
        if (t.kind == "recommendations")
            for (const auto& r : t.rows)
                if (r.key == key)
                    for (const char* col : {"amount", "percent", "value"})
                        if (!t.cell(r, col).empty()) return t.cell(r, col);
    return "(none)";
}

}  // namespace

TEST(Recommendations, CommitmentsAreSizedFromOnDemandUsageOnly) {
    TempDir tmp;
    const std::string db = tmp / "store.db", pdf = tmp / "r.pdf";
    write_file(tmp / "q.csv", committed_csv());
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, tmp / "q.csv"}).exit_code, 0);
    auto r = run_cli({"report", "--db", db, "--from", "2026-07-01", "--to", "2026-09-30", "--as-of",
                      "2026-09-30", "--out", pdf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Covered usage and its negation cancel: the bill is on-demand usage plus the plan's fee.
    // 92 days x (4.608 + 40.80 - 40.80 + 30 + 6) = 92 x 40.608
    EXPECT_NE(r.out.find("total $3,735.94"), std::string::npos) << r.out;
    const report::ReportMeta m =
        report::parse_report_json(sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out);
    // The lowest month of on-demand m5.large: September, 30 x $4.608 in 30 x 48 hours. Counting
    // the covered c5.xlarge hours would have made it $1,362.24.
    EXPECT_EQ(figure(m, "savings_plan.lowest_month"), "138.24");
    EXPECT_EQ(figure(m, "savings_plan.lowest_month_hours"), "1440");
    EXPECT_EQ(figure(m, "savings_plan.highest_month"), "142.848");
    EXPECT_EQ(figure(m, "savings_plan.covered_hours_excluded"), "22080");  // 92 x 240
    EXPECT_EQ(figure(m, "savings_plan.hourly_commitment"), "0.192");       // 138.24 / 720 h
    // One RDS instance ran all month, every month: one Reserved Instance, from its hours.
    EXPECT_EQ(figure(m, "reserved_instances.AmazonRDS.InstanceUsage:db.r5.large.instances"), "1");
    EXPECT_EQ(figure(m, "reserved_instances.AmazonRDS.InstanceUsage:db.r5.large.hours"), "720");
    EXPECT_EQ(figure(m, "reserved_instances.AmazonRDS.InstanceUsage:db.r5.large.on_demand_cost"),
              "180");
    const std::string text = sh("pdftotext -layout " + pdf + " -").out;
    EXPECT_NE(text.find("1,440 h"), std::string::npos) << text;
    EXPECT_NE(text.find("(22,080 h in the period)"), std::string::npos) << text;
    // The charge types break the bill down: the covered usage and its negation side by side.
    const std::string json = sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out;
    EXPECT_NE(json.find("{\"key\":\"negations\",\"cells\":[\"Savings Plan negations\",\"-3753.6\""),
              std::string::npos)
        << json;
}

}  // namespace CURCRUNCH_UNITY_ID
