#include "curcrunch/core/money.hpp"

#include <algorithm>
#include <limits>

namespace curcrunch {
namespace {

// 10^n for n in [0, 38]; computed once at compile time.
struct Pow10Table {
    Amount p[39];
    constexpr Pow10Table() : p() {
        p[0] = 1;
        for (int i = 1; i < 39; ++i)
            p[i] = p[i - 1] * 10;
    }
};
constexpr Pow10Table kPow10;
// Largest mantissa we accumulate before refusing: keeps every later multiply in range.
constexpr Amount kMantissaLimit = kPow10.p[36];

inline bool is_digit(char c) {
    return static_cast<unsigned char>(c - '0') < 10;
}

// Divides by 10^k rounding half to even; sets `inexact` when any discarded digit was non-zero.
// `sticky`: non-zero digits below v's last were dropped already (a mantissa past 36 digits), so
// a remainder of exactly half is more than half, not a tie.
Amount shift_down(Amount v, int k, bool& inexact, bool sticky = false) {
    if (k > 38) {
        inexact = v != 0 || sticky;
        return 0;
    }
    Amount d = kPow10.p[k];
    Amount q = v / d;
    Amount r = v % d;
    if (r == 0) return q;
    inexact = true;
    Amount twice = (r < 0 ? -r : r) * 2;
    bool up = twice > d || (twice == d && (sticky || (q % 2) != 0));
    if (up) q += (v < 0 ? -1 : 1);
    return q;
}

std::string digits_of(Amount v) {
    // v >= 0. Values within 64 bits (every amount below 1.8e9 units) are divided as such: a
    // 128-bit division is a library call per digit, which was a fifth of the data generator's
    // time.
    char buf[48];
    int n = 0;
    if (v <= static_cast<Amount>(UINT64_MAX)) {
        uint64_t u = static_cast<uint64_t>(v);
        do {
            buf[n++] = static_cast<char>('0' + u % 10);
            u /= 10;
        } while (u != 0);
    } else {
        while (v > 0) {
            buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
            v /= 10;
        }
    }
    std::string s(static_cast<size_t>(n), '0');
    for (int i = 0; i < n; ++i)
        s[static_cast<size_t>(i)] = buf[n - 1 - i];
    return s;
}

}  // namespace

// The common case, [-]digits[.digits] with at most 18 digits and 10 fraction digits, in 64-bit
// arithmetic; anything else (exponents, long mantissas, rounding) goes to the general parser.
inline bool parse_amount_fast(std::string_view s, Amount& out) noexcept {
    size_t i = 0;
    const size_t n = s.size();
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    uint64_t m = 0;
    int digits = 0, frac = -1;
    for (; i < n; ++i) {
        const unsigned d = static_cast<unsigned char>(s[i] - '0');
        if (d < 10) {
            m = m * 10 + d;
            ++digits;
            if (frac >= 0) ++frac;
        } else if (s[i] == '.' && frac < 0) {
            frac = 0;
        } else {
            return false;
        }
    }
    if (digits == 0 || digits > 18 || frac > kScale) return false;
    const Amount v = static_cast<Amount>(m) * kPow10.p[kScale - (frac < 0 ? 0 : frac)];
    if (v > kMaxAmount) return false;  // the general parser says overflow
    out = neg ? -v : v;
    return true;
}

ParseStatus parse_amount(std::string_view s, Amount& out) noexcept {
    if (parse_amount_fast(s, out)) return ParseStatus::ok;
    size_t i = 0, n = s.size();
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    Amount mant = 0;
    int frac_digits = 0;
    int dropped_int_digits = 0;  // integer digits beyond the mantissa limit (overflow)
    bool any_digit = false, dropped_nonzero = false;
    for (; i < n && is_digit(s[i]); ++i) {
        any_digit = true;
        if (mant < kMantissaLimit)
            mant = mant * 10 + (s[i] - '0');
        else
            ++dropped_int_digits;
    }
    if (i < n && s[i] == '.') {
        ++i;
        for (; i < n && is_digit(s[i]); ++i) {
            any_digit = true;
            if (mant < kMantissaLimit) {
                mant = mant * 10 + (s[i] - '0');
                ++frac_digits;
            } else if (s[i] != '0') {
                dropped_nonzero = true;
            }
        }
    }
    if (!any_digit) return ParseStatus::invalid;
    int exp = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool eneg = false;
        if (i < n && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
        if (i >= n || !is_digit(s[i])) return ParseStatus::invalid;
        for (; i < n && is_digit(s[i]); ++i) {
            if (exp < 10000) exp = exp * 10 + (s[i] - '0');
        }
        if (eneg) exp = -exp;
    }
    if (i != n) return ParseStatus::invalid;
    // value = mant * 10^(exp + dropped_int_digits - frac_digits); we want units of 10^-kScale.
    int shift = exp + dropped_int_digits - frac_digits + kScale;
    bool inexact = dropped_nonzero;
    Amount v;
    if (shift >= 0) {
        // mant * 10^shift must stay below 10^38 (no division on this hot path).
        if (mant != 0 && (shift > 38 || mant >= kPow10.p[38 - shift])) return ParseStatus::overflow;
        v = mant * kPow10.p[std::min(shift, 38)];
    } else {
        v = shift_down(mant, -shift, inexact, dropped_nonzero);
    }
    if (v > kMaxAmount) return ParseStatus::overflow;
    out = neg ? -v : v;
    return inexact ? ParseStatus::rounded : ParseStatus::ok;
}

namespace {

using U128 = unsigned __int128;

// |v| as an unsigned value (exact for the most negative Amount too).
U128 magnitude(Amount v) {
    return v < 0 ? U128(0) - static_cast<U128>(v) : static_cast<U128>(v);
}

// The 256-bit product of two unsigned 128-bit values, as {high, low}.
void mul_256(U128 a, U128 b, U128& hi, U128& lo) {
    const U128 m64 = ~uint64_t(0);
    const U128 a0 = a & m64, a1 = a >> 64, b0 = b & m64, b1 = b >> 64;
    const U128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const U128 mid = (p00 >> 64) + (p01 & m64) + (p10 & m64);  // < 3 * 2^64: no overflow
    lo = (p00 & m64) | (mid << 64);
    hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
}

}  // namespace

bool mul_div(Amount a, Amount b, Amount d, Amount& out) noexcept {
    if (d == 0) return false;
    Amount p;
    if (!__builtin_mul_overflow(a, b, &p)) {
        if (p == std::numeric_limits<Amount>::min() && d == -1) return false;
        out = p / d;
        return true;
    }
    // Long division of the 256-bit product by |d|, one bit at a time: the remainder stays below
    // |d| <= 2^127, so shifting it left by one still fits 128 bits.
    U128 hi, lo;
    mul_256(magnitude(a), magnitude(b), hi, lo);
    const U128 div = magnitude(d);
    U128 rem = 0, q_hi = 0, q_lo = 0;
    for (int i = 255; i >= 0; --i) {
        const U128 bit = i >= 128 ? (hi >> (i - 128)) & 1 : (lo >> i) & 1;
        rem = (rem << 1) | bit;
        q_hi = (q_hi << 1) | (q_lo >> 127);
        q_lo <<= 1;
        if (rem >= div) {
            rem -= div;
            q_lo |= 1;
        }
    }
    const bool negative = ((a < 0) != (b < 0)) != (d < 0);
    const U128 limit = negative ? U128(1) << 127 : (U128(1) << 127) - 1;
    if (q_hi != 0 || q_lo > limit) return false;
    out = negative ? static_cast<Amount>(U128(0) - q_lo) : static_cast<Amount>(q_lo);
    return true;
}

Amount round_to(Amount v, int places) noexcept {
    if (places >= kScale) return v;
    bool inexact = false;
    int k = kScale - places;
    return shift_down(v, k, inexact) * kPow10.p[k];
}

std::string to_exact_string(Amount v) {
    bool neg = v < 0;
    Amount a = neg ? -v : v;
    std::string ip = digits_of(a / kUnit);
    std::string fp = digits_of(a % kUnit);
    std::string out(neg ? "-" : "");
    out.append(ip).append(".").append(static_cast<size_t>(kScale) - fp.size(), '0').append(fp);
    return out;
}

std::string to_plain_string(Amount v) {
    std::string s = to_exact_string(v);
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

std::string format_money(Amount v, int places, bool thousands) {
    Amount r = round_to(v, places);
    bool neg = r < 0;
    Amount a = neg ? -r : r;
    const std::string ip = digits_of(a / kUnit);
    std::string out(neg ? "-" : "");
    for (size_t i = 0; i < ip.size(); ++i) {
        if (thousands && i > 0 && (ip.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(ip[i]);
    }
    if (places > 0) {
        const std::string fp = digits_of(a % kUnit);
        std::string padded(static_cast<size_t>(kScale) - fp.size(), '0');
        padded.append(fp);
        out.push_back('.');
        out.append(padded, 0, static_cast<size_t>(places));
    }
    return out;
}

bool parse_scaled_integer(std::string_view s, Amount& out) noexcept {
    size_t i = 0;
    bool neg = false;
    if (i < s.size() && s[i] == '-') {
        neg = true;
        ++i;
    }
    if (i == s.size() || s.size() - i > 38) return false;
    Amount v = 0;
    for (; i < s.size(); ++i) {
        if (!is_digit(s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    out = neg ? -v : v;
    return true;
}

std::string scaled_integer_string(Amount v) {
    std::string out(v < 0 ? "-" : "");
    out.append(digits_of(v < 0 ? -v : v));
    return out;
}

namespace {

// diff / base (base > 0) in tenths of a percent, rounded half away from zero, as "+12.3%".
// diff and base are sums of stored amounts or differences of two, so diff * 2000 may need more
// than 128 bits: mul_div keeps it exact; beyond eight digits the text says so.
std::string tenths_of_percent(Amount diff, Amount base) {
    Amount twice = 0;
    if (!mul_div(diff, 2000, base, twice)) return diff > 0 ? "+>9999999%" : "->9999999%";
    const Amount tenths = (twice + (diff >= 0 ? 1 : -1)) / 2;
    if (tenths > 99999999 || tenths < -99999999) return diff > 0 ? "+>9999999%" : "->9999999%";
    const Amount t = tenths < 0 ? -tenths : tenths;
    return std::string(tenths >= 0 ? "+" : "-") + digits_of(t / 10) + "." +
           std::to_string(static_cast<int>(t % 10)) + "%";
}

}  // namespace

std::string percent_change(Amount now, Amount before) {
    if (before == 0) return "n/a";
    return tenths_of_percent(now - before, before < 0 ? -before : before);
}

std::string share_percent(Amount part, Amount whole) {
    if (whole == 0) return "";
    const std::string s = tenths_of_percent(part, whole < 0 ? -whole : whole);
    return s[0] == '+' ? s.substr(1) : s;  // a negative part (a credit) keeps its sign
}

}  // namespace curcrunch
