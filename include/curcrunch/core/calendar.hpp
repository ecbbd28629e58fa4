#pragma once
// Calendar arithmetic on UTC days. A day is an int32 count of days since 1970-01-01; a billing
// period is a month written as yyyymm (201811). Everything here is proleptic Gregorian.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace curcrunch {

using Day = int32_t;
using Period = int32_t;  // yyyymm

struct CivilDate {
    int year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

Day days_from_civil(int y, unsigned m, unsigned d) noexcept;
CivilDate civil_from_days(Day z) noexcept;
unsigned days_in_month(int y, unsigned m) noexcept;

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff]Z", "YYYY-MM-DD HH:MM:SS[.fff]", a trailing
// "+hh:mm"/"-hh:mm" offset, and the compact manifest form "YYYYMMDDTHHMMSS.fffZ". Returns the UTC
// day the instant falls on. Never allocates.
bool parse_utc_day(std::string_view text, Day& out) noexcept;

std::string format_day(Day d);                                       // "2018-11-05"
std::string format_period(Period p);                                 // "2018-11"
std::optional<Period> parse_period(std::string_view text) noexcept;  // "2018-11" or "201811"
inline Period period_of(Day d) noexcept {
    CivilDate c = civil_from_days(d);
    return c.year * 100 + static_cast<int>(c.month);
}
inline Day first_day(Period p) noexcept {
    return days_from_civil(p / 100, p % 100, 1);
}
Day last_day(Period p) noexcept;
Period add_months(Period p, int n) noexcept;
Day today_utc() noexcept;
// The current UTC time in strftime `format` ("%Y-%m-%dT%H:%M:%SZ", "%Y%m%dT%H%M%SZ", ...).
std::string utc_now(const char* format);
// The store's integer day form: 20181105.
inline int32_t to_yyyymmdd(Day d) noexcept {
    CivilDate c = civil_from_days(d);
    return c.year * 10000 + static_cast<int32_t>(c.month * 100 + c.day);
}
inline Day from_yyyymmdd(int32_t v) noexcept {
    return days_from_civil(v / 10000, static_cast<unsigned>(v / 100 % 100),
                           static_cast<unsigned>(v % 100));
}

}  // namespace curcrunch
