#include "curcrunch/billing/fraction.hpp"

#include "curcrunch/core/error.hpp"

namespace curcrunch::billing {
namespace {

[[noreturn]] void too_large() {
    throw_input("a value is too large to compute exactly (its exact form exceeds 128 bits)");
}

Amount abs_of(Amount v) {
    if (v < 0) {
        Amount r;
        if (__builtin_sub_overflow(static_cast<Amount>(0), v, &r)) too_large();
        return r;
    }
    return v;
}

Amount gcd_of(Amount a, Amount b) {  // a, b >= 0
    while (b != 0) {
        const Amount t = a % b;
        a = b;
        b = t;
    }
    return a;
}

Amount mul(Amount a, Amount b) {
    Amount r;
    if (__builtin_mul_overflow(a, b, &r)) too_large();
    return r;
}

Amount add(Amount a, Amount b) {
    Amount r;
    if (__builtin_add_overflow(a, b, &r)) too_large();
    return r;
}

Amount pow10(int n) {
    Amount p = 1;
    for (int i = 0; i < n; ++i)
        p *= 10;
    return p;
}

std::string digits(Amount v) {  // v >= 0
    std::string s;
    do {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    } while (v > 0);
    return s;
}

}  // namespace

Amount checked_add(Amount a, Amount b) {
    return add(a, b);
}

Amount checked_mul(Amount a, Amount b) {
    return mul(a, b);
}

Fraction::Fraction(Amount n, Amount d) {
    if (d == 0) throw Error(ErrorKind::internal, "fraction with a zero denominator");
    if (d < 0) {
        n = -n;
        d = abs_of(d);
    }
    const Amount g = gcd_of(abs_of(n), d);
    num_ = g > 1 ? n / g : n;
    den_ = g > 1 ? d / g : d;
}

Fraction Fraction::operator+(const Fraction& o) const {
    if (den_ == o.den_) return Fraction(add(num_, o.num_), den_);
    // Over the least common denominator, which keeps intermediate values small.
    const Amount g = gcd_of(den_, o.den_);
    const Amount a = den_ / g, b = o.den_ / g;
    return Fraction(add(mul(num_, b), mul(o.num_, a)), mul(den_, b));
}

Fraction Fraction::operator-() const {
    Fraction r;
    r.num_ = mul(num_, -1);  // already reduced: only the sign changes
    r.den_ = den_;
    return r;
}

Fraction Fraction::operator-(const Fraction& o) const {
    return *this + (-o);
}

Fraction Fraction::operator*(const Fraction& o) const {
    // Cross-reduce first so the products stay as small as the result allows.
    const Amount g1 = gcd_of(abs_of(num_), o.den_), g2 = gcd_of(abs_of(o.num_), den_);
    const Amount n1 = g1 > 1 ? num_ / g1 : num_, d2 = g1 > 1 ? o.den_ / g1 : o.den_;
    const Amount n2 = g2 > 1 ? o.num_ / g2 : o.num_, d1 = g2 > 1 ? den_ / g2 : den_;
    return Fraction(mul(n1, n2), mul(d1, d2));
}

Fraction Fraction::operator/(const Fraction& o) const {
    if (o.num_ == 0) throw Error(ErrorKind::internal, "division of a fraction by zero");
    return *this * Fraction(o.den_, o.num_);
}

bool Fraction::operator<(const Fraction& o) const {
    return (*this - o).num_ < 0;
}

Amount Fraction::floor() const {
    Amount q = num_ / den_;
    if (num_ % den_ != 0 && num_ < 0) q -= 1;
    return q;
}

Amount Fraction::round_half_up(int places) const {
    if (places < 0 || places > kScale)
        throw Error(ErrorKind::internal, "rounding places out of range");
    const Amount mag = abs_of(num_);
    Amount units = mul(mag / den_, pow10(places));
    Amount rem = mag % den_;
    // Long division for the fraction digits: rem < den_ and den_ is at most 2^127, so 10 * rem
    // is checked like every other product.
    for (int i = 0; i < places; ++i) {
        rem = mul(rem, 10);
        units = add(units, pow10(places - 1 - i) * (rem / den_));
        rem %= den_;
    }
    // Half away from zero: round up when the remainder is at least half the denominator.
    if (rem >= den_ - rem) units = add(units, 1);
    const Amount scaled = mul(units, pow10(kScale - places));
    return num_ < 0 ? -scaled : scaled;
}

std::string Fraction::exact_text() const {
    Amount d = den_;
    int twos = 0, fives = 0;
    while (d % 2 == 0) {
        d /= 2;
        ++twos;
    }
    while (d % 5 == 0) {
        d /= 5;
        ++fives;
    }
    const std::string sign = num_ < 0 ? "-" : "";
    if (d != 1 || twos > 38 || fives > 38) return sign + digits(abs_of(num_)) + "/" + digits(den_);
    const int places = twos > fives ? twos : fives;
    // num / den = num * (10^places / den) / 10^places.
    Amount n;
    if (places > 38 || __builtin_mul_overflow(abs_of(num_), pow10(places) / den_, &n))
        return sign + digits(abs_of(num_)) + "/" + digits(den_);
    std::string s = digits(n);
    if (places == 0) return sign + s;
    if (static_cast<int>(s.size()) <= places) s.insert(0, places + 1 - s.size(), '0');
    s.insert(s.size() - places, ".");
    return sign + s;
}

namespace {

// [-]digits[.digits] with at most 38 digits in all, as n / 10^k exactly.
bool parse_decimal_fraction(std::string_view t, Fraction& out) {
    size_t i = 0;
    const bool neg = !t.empty() && t[0] == '-';
    if (neg) ++i;
    Amount n = 0;
    int digits = 0, fraction = 0;
    bool point = false;
    for (; i < t.size(); ++i) {
        const char c = t[i];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9' || ++digits > 38) return false;
        n = n * 10 + (c - '0');
        if (point) ++fraction;
    }
    if (digits == 0 || (point && fraction == 0)) return false;
    out = Fraction::of_ratio(neg ? -n : n, pow10(fraction));
    return true;
}

bool parse_integer(std::string_view t, Amount& out) {
    return !t.empty() && t.find('.') == std::string_view::npos &&
           t.find('+') == std::string_view::npos && parse_scaled_integer(t, out);
}

}  // namespace

bool parse_exact_text(std::string_view text, Fraction& out) {
    const size_t slash = text.find('/');
    if (slash == std::string_view::npos) return parse_decimal_fraction(text, out);
    // A fraction's parts are integers (exact_text writes them without a decimal point).
    Amount a = 0, b = 0;
    if (!parse_integer(text.substr(0, slash), a) || !parse_integer(text.substr(slash + 1), b) ||
        b <= 0)
        return false;
    out = Fraction::of_ratio(a, b);
    return true;
}

}  // namespace curcrunch::billing
