// The dashboard's overview cards over real HTTP: the current month is forecast while days of it
// lack data, and stated as its actual cost once every day has data.
#include <gtest/gtest.h>

#include <cstdio>

#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

// October 2026 from the 1st to `last_day`: EC2 at 12.00 a day and S3 at 3.00.
std::string october_to(int last_day) {
    std::string s = kLegacyHeader;
    for (int d = 1; d <= last_day; ++d) {
        char day[32];  // room for any int, as -Wformat-truncation wants
        std::snprintf(day, sizeof day, "2026-10-%02d", d);
        s += known_row("e" + std::to_string(d), day, "111111111111", "AmazonEC2",
                       "Amazon Elastic Compute Cloud", "12.00");
        s += known_row("s" + std::to_string(d), day, "222222222222", "AmazonS3",
                       "Amazon Simple Storage Service", "3.00");
    }
    return s;
}

const std::string kOctober = "/?from=2026-10-01&to=2026-10-31&as_of=2026-10-31";

}  // namespace

TEST(ServeKpis, ACompleteMonthIsItsActualCostNotAForecast) {
    Served s(Served::Files{{"oct.csv", october_to(31)}});
    auto r = s.get(kOctober);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("Cost of 2026-10 (complete month)"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("actual, with data for all 31 days"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("$465.00"), std::string::npos);  // 31 x 15.00
    EXPECT_EQ(r.body.find("Forecast for"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("31 of 31 days"), std::string::npos);
}

TEST(ServeKpis, AMonthWithDaysMissingIsForecast) {
    Served s(Served::Files{{"oct.csv", october_to(30)}});
    auto r = s.get(kOctober);
    ASSERT_EQ(r.status, 200) << r.body;
    // 30 x 15.00 = 450.00 over 30 days, extended linearly to 31: 465.00.
    EXPECT_NE(r.body.find("Forecast for 2026-10 (estimate)"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("linear from $450.00 in 30 of 31 days"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("$465.00"), std::string::npos);
    EXPECT_EQ(r.body.find("(complete month)"), std::string::npos);
}

}  // namespace CURCRUNCH_UNITY_ID
