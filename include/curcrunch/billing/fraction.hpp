#pragma once
// An exact rational number for invoice arithmetic. Billing multiplies amounts by percentages,
// exchange rates, tier rates and day fractions (14/31 of a month), and the result of such a
// product is generally not a multiple of 10^-10. A Fraction keeps it exactly, so an invoice line
// is rounded once, at the end (money_rules.hpp), whatever it was made of.
//
// Invariants kept by every operation: the denominator is positive and the fraction is reduced
// (gcd(|numerator|, denominator) = 1), so equal values have equal representations. Arithmetic is
// checked: a result whose reduced numerator or denominator does not fit a signed 128-bit integer
// throws Error(input) ("too large to compute exactly") instead of wrapping; callers add which
// line it was. No floating point anywhere.
#include <string>
#include <string_view>

#include "curcrunch/core/money.hpp"

namespace curcrunch::billing {

class Fraction {
  public:
    Fraction() = default;  // zero
    // v × 10^-kScale: an Amount's exact value.
    static Fraction of_amount(Amount v) { return Fraction(v, kUnit); }
    static Fraction of_integer(Amount v) { return Fraction(v, 1); }
    // n / d; d must not be zero (Error(internal) otherwise).
    static Fraction of_ratio(Amount n, Amount d) { return Fraction(n, d); }

    Amount numerator() const { return num_; }
    Amount denominator() const { return den_; }
    bool is_zero() const { return num_ == 0; }
    int sign() const { return num_ < 0 ? -1 : num_ > 0 ? 1 : 0; }

    Fraction operator+(const Fraction& o) const;
    Fraction operator-(const Fraction& o) const;
    Fraction operator-() const;
    Fraction operator*(const Fraction& o) const;
    // o must not be zero.
    Fraction operator/(const Fraction& o) const;
    Fraction& operator+=(const Fraction& o) { return *this = *this + o; }
    Fraction& operator-=(const Fraction& o) { return *this = *this - o; }
    bool operator==(const Fraction& o) const { return num_ == o.num_ && den_ == o.den_; }
    bool operator<(const Fraction& o) const;
    bool operator<=(const Fraction& o) const { return !(o < *this); }

    // The value rounded to `places` (0..10) fraction digits, half away from zero (0.005 -> 0.01,
    // -0.005 -> -0.01), as an Amount in 10^-kScale units.
    Amount round_half_up(int places) const;
    // The largest integer not above the value (for "blocks of N started").
    Amount floor() const;
    // Exact text: a decimal when the value has a finite decimal expansion ("12.345", "-0.5"),
    // otherwise numerator/denominator ("14/31").
    std::string exact_text() const;

  private:
    Fraction(Amount n, Amount d);
    Amount num_ = 0;
    Amount den_ = 1;
};

// Reads exact_text() back ("12.345", "-14/31"); false for anything else.
bool parse_exact_text(std::string_view text, Fraction& out);

// Checked Amount arithmetic for sums driven by input data: throws Error(input) on overflow.
Amount checked_add(Amount a, Amount b);
Amount checked_mul(Amount a, Amount b);

}  // namespace curcrunch::billing
