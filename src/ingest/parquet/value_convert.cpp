#include "curcrunch/ingest/parquet/value_convert.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace curcrunch::ingest::parquet {
namespace {

constexpr Amount pow10(int n) {
    Amount v = 1;
    for (int i = 0; i < n; ++i)
        v *= 10;
    return v;
}

// A magnitude of up to 384 bits, least significant limb first: wide enough for any DECIMAL a
// real writer makes (Decimal256 is 256 bits) and for every one whose amount can be in range at
// a scale up to 76, so no value needs an allocation.
struct WideMagnitude {
    static constexpr size_t kLimbs = 12;
    uint32_t limb[kLimbs] = {};
};

// Divides m by d (2..10^9) in place and returns the remainder.
uint32_t wide_divide_small(WideMagnitude& m, uint32_t d) {
    uint64_t rem = 0;
    for (size_t i = WideMagnitude::kLimbs; i-- > 0;) {
        const uint64_t cur = (rem << 32) | m.limb[i];
        m.limb[i] = static_cast<uint32_t>(cur / d);
        rem = cur % d;
    }
    return static_cast<uint32_t>(rem);
}

// The magnitude and sign of a big-endian two's-complement integer; false when its significant
// bytes exceed 384 bits, which no in-range amount needs.
bool wide_magnitude_of(const uint8_t* p, size_t n, WideMagnitude& m, bool& neg) {
    neg = n > 0 && (p[0] & 0x80) != 0;
    const uint8_t ext = neg ? 0xff : 0x00;
    while (n > 1 && p[0] == ext && ((p[1] & 0x80) != 0) == neg) {
        ++p;
        --n;
    }
    if (n > WideMagnitude::kLimbs * 4) return false;
    for (size_t i = 0; i < WideMagnitude::kLimbs * 4; ++i) {
        const uint8_t b = i < n ? p[n - 1 - i] : ext;
        m.limb[i / 4] |= static_cast<uint32_t>(b) << (8 * (i % 4));
    }
    if (neg) {  // two's complement: invert and add one; the sign bit makes room for -2^383
        uint64_t carry = 1;
        for (uint32_t& l : m.limb) {
            const uint64_t v = static_cast<uint64_t>(static_cast<uint32_t>(~l)) + carry;
            l = static_cast<uint32_t>(v);
            carry = v >> 32;
        }
    }
    return true;
}

}  // namespace

bool double_to_amount(double v, Amount& out) {
    if (!std::isfinite(v)) return false;
    // Fast path, exact by construction: below 2^18 a double's spacing is under 10^-10, so at
    // most one 10-digit decimal reads back as v; if the nearest one does, it is the shortest
    // round-trip decimal rounded to 10 digits (see value_convert.hpp). m / 1e10 divides two
    // exactly representable doubles, so the comparison is the exact round-trip test.
    if (std::fabs(v) < 262144.0) {
        const double m = std::nearbyint(v * 1e10);
        if (m / 1e10 == v) {
            out = static_cast<Amount>(static_cast<int64_t>(m));
            return true;
        }
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
    if (r.ec != std::errc()) return false;
    const ParseStatus st =
        parse_amount(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), out);
    return st == ParseStatus::ok || st == ParseStatus::rounded;
}

bool float_to_amount(float v, Amount& out) {
    if (!std::isfinite(v)) return false;
    char buf[48];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip of the float
    if (r.ec != std::errc()) return false;
    const ParseStatus st =
        parse_amount(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), out);
    return st == ParseStatus::ok || st == ParseStatus::rounded;
}

bool decimal_to_amount(__int128 unscaled, int32_t scale, Amount& out) {
    if (scale < 0) return false;
    if (scale <= kScale) {
        // Amounts keep the bound of every amount read from text (core/money.hpp);
        // kMaxAmount is a multiple of f, so this is exact.
        const Amount f = pow10(kScale - scale);
        if (unscaled > kMaxAmount / f || unscaled < -kMaxAmount / f) return false;
        out = unscaled * f;
        return true;
    }
    // More fraction digits than an Amount keeps: divide, rounding half to even.
    const int k = scale - kScale;
    if (k > 38) {
        out = 0;
        return true;
    }
    const Amount d = pow10(k);
    Amount q = unscaled / d, r = unscaled % d;
    if (r != 0) {
        const Amount twice = (r < 0 ? -r : r) * 2;
        if (twice > d || (twice == d && (q % 2) != 0)) q += unscaled < 0 ? -1 : 1;
    }
    if (!within_amount_bound(q)) return false;
    out = q;
    return true;
}

bool big_endian_to_int128(const uint8_t* p, size_t n, __int128& out) {
    if (n == 0) {
        out = 0;
        return true;
    }
    const bool neg = (p[0] & 0x80) != 0;
    // Leading bytes beyond 16 must be pure sign extension.
    while (n > 16) {
        if (p[0] != (neg ? 0xff : 0x00)) return false;
        ++p;
        --n;
    }
    unsigned __int128 v = neg ? ~static_cast<unsigned __int128>(0) : 0;
    for (size_t i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    if (n == 16 && ((p[0] & 0x80) != 0) != neg) return false;
    out = static_cast<__int128>(v);
    return true;
}

bool be_decimal_to_amount(const uint8_t* p, size_t n, int32_t scale, Amount& out) {
    __int128 u;
    if (big_endian_to_int128(p, n, u)) return decimal_to_amount(u, scale, out);
    // Wider than 128 bits (Arrow's Decimal256, DECIMAL(76,s)): only a scale past kScale can
    // bring it into range, by dividing away 10^k, rounding half to even as decimal_to_amount.
    const int k = scale - kScale;
    if (k <= 0) return false;
    WideMagnitude m;
    bool neg;
    if (!wide_magnitude_of(p, n, m, neg)) return false;
    if (k > 116) {  // below 2^384 < 10^116: less than 10^-kScale, zero
        out = 0;
        return true;
    }
    // Divide by 10^(k-1) keeping only whether anything was dropped, then by 10 for the digit
    // that decides the rounding.
    bool sticky = false;
    for (int left = k - 1; left > 0; left -= 9) {
        uint32_t d = 1;
        for (int i = 0; i < (left < 9 ? left : 9); ++i)
            d *= 10;
        sticky |= wide_divide_small(m, d) != 0;
    }
    const uint32_t digit = wide_divide_small(m, 10);
    for (size_t i = 4; i < WideMagnitude::kLimbs; ++i)
        if (m.limb[i] != 0) return false;
    unsigned __int128 q = 0;
    for (size_t i = 4; i-- > 0;)
        q = (q << 32) | m.limb[i];
    if (digit > 5 || (digit == 5 && (sticky || (q & 1) != 0))) ++q;
    if (q > static_cast<unsigned __int128>(kMaxAmount)) return false;
    out = neg ? -static_cast<Amount>(q) : static_cast<Amount>(q);
    return true;
}

Day day_of_timestamp(int64_t v, TimeUnit unit) {
    const int64_t per_day = unit == TimeUnit::millis   ? 86400000LL
                            : unit == TimeUnit::micros ? 86400000000LL
                                                       : 86400000000000LL;
    int64_t d = v / per_day;
    if (v % per_day < 0) --d;
    return static_cast<Day>(d);
}

Day day_of_int96(const uint8_t* p) {
    int64_t nanos;
    uint32_t julian;
    std::memcpy(&nanos, p, 8);
    std::memcpy(&julian, p + 8, 4);
    // Julian day 2440588 is 1970-01-01; nanoseconds past a day roll into the next.
    int64_t day = static_cast<int64_t>(julian) - 2440588;
    day += nanos / 86400000000000LL;
    if (nanos % 86400000000000LL < 0) --day;
    return static_cast<Day>(day);
}

void append_int_text(int64_t v, std::string& out) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_double_text(double v, std::string& out) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_decimal_text(__int128 unscaled, int32_t scale, std::string& out) {
    const bool neg = unscaled < 0;
    unsigned __int128 a =
        neg ? -static_cast<unsigned __int128>(unscaled) : static_cast<unsigned __int128>(unscaled);
    char digits[48];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + static_cast<int>(a % 10));
        a /= 10;
    } while (a != 0);
    if (neg) out += '-';
    if (scale <= 0) {
        for (int i = n - 1; i >= 0; --i)
            out += digits[i];
        return;
    }
    if (n <= scale) {
        out += "0.";
        out.append(static_cast<size_t>(scale - n), '0');
        for (int i = n - 1; i >= 0; --i)
            out += digits[i];
        return;
    }
    for (int i = n - 1; i >= 0; --i) {
        out += digits[i];
        if (i == scale) out += '.';
    }
}

void append_day_text(Day d, std::string& out) {
    const CivilDate c = civil_from_days(d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    out += buf;
}

}  // namespace curcrunch::ingest::parquet
