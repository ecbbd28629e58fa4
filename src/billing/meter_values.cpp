#include "curcrunch/billing/meter_values.hpp"

#include <cstdio>
#include <cstring>

namespace curcrunch::billing {
namespace {

// The constants and the order of operations below are frozen: stored uid keys depend on them.
constexpr uint64_t kM1 = 0x9E3779B97F4A7C15ull, kM2 = 0xBF58476D1CE4E5B9ull,
                   kM3 = 0x94D049BB133111EBull;

inline uint64_t finalize(uint64_t x) noexcept {
    x ^= x >> 30;
    x *= kM2;
    x ^= x >> 27;
    x *= kM3;
    x ^= x >> 31;
    return x;
}

inline uint64_t load_le64(const unsigned char* p) noexcept {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

bool digits(std::string_view s, size_t at, size_t n, int& out) noexcept {
    if (at + n > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

}  // namespace

uint64_t stable_hash64(std::string_view bytes, uint64_t seed) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    size_t n = bytes.size();
    uint64_t h = seed ^ (static_cast<uint64_t>(n) * kM1);
    while (n >= 8) {
        h = finalize(h ^ (load_le64(p) * kM1));
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < n; ++i)
        tail |= static_cast<uint64_t>(p[i]) << (8 * i);
    return finalize(h ^ (tail * kM3) ^ n);
}

std::optional<Micros> parse_timestamp(std::string_view s) noexcept {
    int y, mo, d;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 ||
        d > static_cast<int>(days_in_month(y, static_cast<unsigned>(mo))))
        return std::nullopt;
    const int64_t day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    if (s.size() == 10) return day * 86400000000;
    int hh, mm, ss;
    if ((s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, hh) || s.size() < 19 || s[13] != ':' ||
        !digits(s, 14, 2, mm) || s[16] != ':' || !digits(s, 17, 2, ss))
        return std::nullopt;
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    size_t i = 19;
    int64_t micros = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        int n = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (n < 6) micros = micros * 10 + (s[i] - '0');
            ++n;
            ++i;
        }
        if (n == 0 || n > 9) return std::nullopt;
        for (int k = n; k < 6; ++k)
            micros *= 10;
    }
    int64_t offset_s = 0;
    if (i < s.size() && s[i] == 'Z') {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int oh, om;
        if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
            !digits(s, i + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset_s = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
        i += 6;
    } else {
        return std::nullopt;  // an instant needs its zone: Z or an offset
    }
    if (i != s.size()) return std::nullopt;
    const int64_t secs = day * 86400 + hh * 3600 + mm * 60 + ss - offset_s;
    return secs * 1000000 + micros;
}

std::string format_timestamp(Micros t) {
    const Day d = day_of(t);
    int64_t rest = t - static_cast<int64_t>(d) * 86400000000;
    const CivilDate c = civil_from_days(d);
    char b[40];
    std::snprintf(b, sizeof b, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", c.year, c.month, c.day,
                  static_cast<int>(rest / 3600000000), static_cast<int>(rest / 60000000 % 60),
                  static_cast<int>(rest / 1000000 % 60), static_cast<int>(rest % 1000000));
    return b;
}

}  // namespace curcrunch::billing
