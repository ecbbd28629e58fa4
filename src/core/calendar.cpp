#include "curcrunch/core/calendar.hpp"

#include <cstdio>
#include <ctime>

namespace curcrunch {
namespace {

inline int digit(char c) {
    return static_cast<unsigned char>(c - '0') < 10 ? c - '0' : -1;
}

// Reads `n` digits at s[pos]; -1 when any is not a digit.
int read_num(std::string_view s, size_t pos, size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        int d = digit(s[pos + i]);
        if (d < 0) return -1;
        v = v * 10 + d;
    }
    return v;
}

bool valid_date(int y, int m, int d) {
    return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           static_cast<unsigned>(d) <= days_in_month(y, static_cast<unsigned>(m));
}

}  // namespace

// Days from civil: shift the year to start in March so the leap day is the last day of the
// "year", then count 400-year eras of 146097 days.
Day days_from_civil(int y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned mp = (m + 9) % 12;  // March = 0
    const unsigned doy = (153 * mp + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

CivilDate civil_from_days(Day z) noexcept {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned days_in_month(int y, unsigned m) noexcept {
    static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return kDays[(m - 1) % 12];
}

bool parse_utc_day(std::string_view s, Day& out) noexcept {
    int y, mo, d;
    size_t pos;
    if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
        y = read_num(s, 0, 4);
        mo = read_num(s, 5, 2);
        d = read_num(s, 8, 2);
        pos = 10;
    } else if (s.size() >= 8 && (s.size() == 8 || s[8] == 'T')) {
        y = read_num(s, 0, 4);  // compact manifest form 20180501T000000.000Z
        mo = read_num(s, 4, 2);
        d = read_num(s, 6, 2);
        pos = 8;
    } else {
        return false;
    }
    if (y < 0 || mo < 0 || d < 0 || !valid_date(y, mo, d)) return false;
    Day day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    if (pos == s.size()) {
        out = day;
        return true;
    }
    if (s[pos] != 'T' && s[pos] != ' ') return false;
    ++pos;
    int hh, mi, ss;
    if (pos + 8 <= s.size() && s[pos + 2] == ':') {
        hh = read_num(s, pos, 2);
        mi = read_num(s, pos + 3, 2);
        ss = read_num(s, pos + 6, 2);
        if (s[pos + 5] != ':') return false;
        pos += 8;
    } else {
        hh = read_num(s, pos, 2);
        mi = read_num(s, pos + 2, 2);
        ss = read_num(s, pos + 4, 2);
        pos += 6;
    }
    // 24:00:00 is the end of the day (ISO 8601) and nothing later; 60 seconds, a leap second.
    if (hh < 0 || mi < 0 || ss < 0 || hh > 24 || mi > 59 || ss > 60) return false;
    if (hh == 24 && (mi != 0 || ss != 0)) return false;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        while (pos < s.size() && digit(s[pos]) >= 0) {
            if (hh == 24 && s[pos] != '0') return false;
            ++pos;
        }
        if (pos == start) return false;
    }
    int offset_min = 0;
    if (pos < s.size()) {
        char c = s[pos];
        if (c == 'Z' && pos + 1 == s.size()) {
            ++pos;
        } else if ((c == '+' || c == '-') && (s.size() - pos == 6 || s.size() - pos == 5)) {
            bool colon = s.size() - pos == 6;
            int oh = read_num(s, pos + 1, 2);
            int om = read_num(s, pos + (colon ? 4 : 3), 2);
            // No zone is further from UTC than 14 hours (Kiribati's +14:00): a larger offset,
            // or minutes past 59, is a damaged field that would move the cost to another day.
            if (oh < 0 || om < 0 || (colon && s[pos + 3] != ':')) return false;
            if (om > 59 || oh * 60 + om > 14 * 60) return false;
            offset_min = (oh * 60 + om) * (c == '+' ? 1 : -1);
            pos = s.size();
        } else {
            return false;
        }
    }
    // Local time minus the offset is UTC; only the day can move.
    int minutes = hh * 60 + mi - offset_min;
    if (minutes < 0) day -= 1;
    if (minutes >= 24 * 60) day += 1;
    out = day;
    return true;
}

std::string format_day(Day d) {
    CivilDate c = civil_from_days(d);
    if (c.year >= 0 && c.year <= 9999) {
        // Written digit by digit: snprintf's format parsing was a quarter of the data
        // generator's time, which formats every row's dates.
        const unsigned y = static_cast<unsigned>(c.year);
        const char out[10] = {static_cast<char>('0' + y / 1000),
                              static_cast<char>('0' + y / 100 % 10),
                              static_cast<char>('0' + y / 10 % 10),
                              static_cast<char>('0' + y % 10),
                              '-',
                              static_cast<char>('0' + c.month / 10),
                              static_cast<char>('0' + c.month % 10),
                              '-',
                              static_cast<char>('0' + c.day / 10),
                              static_cast<char>('0' + c.day % 10)};
        return std::string(out, sizeof out);
    }
    char buf[32];  // room for any int year and unsigned fields, so no truncation to reason about
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    return buf;
}

std::string format_period(Period p) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", p / 100, p % 100);
    return buf;
}

std::optional<Period> parse_period(std::string_view s) noexcept {
    int y = -1, m = -1;
    if (s.size() == 7 && s[4] == '-') {
        y = read_num(s, 0, 4);
        m = read_num(s, 5, 2);
    } else if (s.size() == 6) {
        y = read_num(s, 0, 4);
        m = read_num(s, 4, 2);
    }
    if (y < 1900 || m < 1 || m > 12) return std::nullopt;
    return y * 100 + m;
}

Day last_day(Period p) noexcept {
    return first_day(p) + static_cast<Day>(days_in_month(p / 100, p % 100)) - 1;
}

Period add_months(Period p, int n) noexcept {
    int idx = (p / 100) * 12 + (p % 100 - 1) + n;
    int y = idx >= 0 ? idx / 12 : (idx - 11) / 12;
    return y * 100 + (idx - y * 12) + 1;
}

Day today_utc() noexcept {
    return static_cast<Day>(std::time(nullptr) / 86400);
}

std::string utc_now(const char* format) {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

}  // namespace curcrunch
