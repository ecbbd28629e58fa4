#include <gtest/gtest.h>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/query.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;

namespace {
std::string day_of(const char* s) {
    Day d;
    return parse_utc_day(s, d) ? format_day(d) : "invalid";
}
}  // namespace

TEST(Calendar, CivilRoundTrip) {
    for (Day d = days_from_civil(1970, 1, 1) - 800; d < days_from_civil(2100, 1, 1); d += 37) {
        CivilDate c = civil_from_days(d);
        EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
    }
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(format_day(days_from_civil(2024, 2, 29)), "2024-02-29");
}

TEST(Calendar, ParsesEveryTimestampFormAwsWrites) {
    EXPECT_EQ(day_of("2018-11-01T00:00:00Z"), "2018-11-01");
    EXPECT_EQ(day_of("2025-08-01T00:00:00.000Z"), "2025-08-01");
    EXPECT_EQ(day_of("2024-09-18 22:00:00"), "2024-09-18");
    EXPECT_EQ(day_of("2019-11-26 00:00:00"), "2019-11-26");
    EXPECT_EQ(day_of("2018-11-05"), "2018-11-05");
    EXPECT_EQ(day_of("20180501T000000.000Z"), "2018-05-01");
    // Offsets move the UTC day.
    EXPECT_EQ(day_of("2024-01-01T01:00:00+02:00"), "2023-12-31");
    EXPECT_EQ(day_of("2024-01-01T23:30:00-01:00"), "2024-01-02");
    EXPECT_EQ(day_of("2024-01-01T01:00:00+14:00"), "2023-12-31");
    EXPECT_EQ(day_of("2024-01-01T12:00:00-0930"), "2024-01-01");
    // 24:00:00 is the end of the day, the next day's start.
    EXPECT_EQ(day_of("2024-01-31T24:00:00Z"), "2024-02-01");
    EXPECT_EQ(day_of("2024-01-31T24:00:00.000Z"), "2024-02-01");
}

TEST(Calendar, RejectsBadTimestamps) {
    for (const char* s :
         {"", "2018-13-01T00:00:00Z", "2018-02-30", "2018-11-01X00:00:00Z", "yesterday",
          "2018-11-01T25:00:00Z", "2018-11-01T00:00:00ZZ", "2018/11/01",
          // Past the end of the day, and offsets no zone has: each would move the cost to
          // another UTC day.
          "2024-01-31T24:30:00Z", "2024-01-31T24:00:01Z", "2024-01-31T24:00:00.5Z",
          "2024-01-31T00:00:00+99:99", "2024-01-31T00:00:00+25:00", "2024-01-31T00:00:00+14:01",
          "2024-01-31T00:00:00-15:00", "2024-01-31T00:00:00+01:60", "2024-01-31T00:00:00+0199"})
        EXPECT_EQ(day_of(s), "invalid") << s;
}

TEST(Calendar, Periods) {
    EXPECT_EQ(add_months(202401, -1), 202312);
    EXPECT_EQ(add_months(202412, 1), 202501);
    EXPECT_EQ(add_months(202403, -15), 202212);
    EXPECT_EQ(format_day(last_day(202402)), "2024-02-29");
    EXPECT_EQ(*parse_period("2018-11"), 201811);
    EXPECT_FALSE(parse_period("2018-13").has_value());
}

TEST(Calendar, Presets) {
    Day today = days_from_civil(2026, 3, 15);
    auto r = store::resolve_preset("last-7-days", today);
    EXPECT_EQ(format_day(r->from), "2026-03-09");
    EXPECT_EQ(format_day(r->to), "2026-03-15");
    EXPECT_EQ(format_day(store::resolve_preset("last-30-days", today)->from), "2026-02-14");
    EXPECT_EQ(format_day(store::resolve_preset("month-to-date", today)->from), "2026-03-01");
    EXPECT_EQ(format_day(store::resolve_preset("last-12-months", today)->from), "2025-04-01");
    EXPECT_EQ(format_day(store::resolve_preset("year", today)->from), "2026-01-01");
    EXPECT_FALSE(store::resolve_preset("fortnight", today).has_value());
}

}  // namespace CURCRUNCH_UNITY_ID
