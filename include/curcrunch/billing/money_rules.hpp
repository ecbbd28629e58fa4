#pragma once
// The money rules of an invoice, in one place (man page, BILLING, "Money rules"):
//   1. Each line's amount is computed exactly (a Fraction: no rounding on the way) and rounded
//      once, half away from zero, to the minor unit of the invoice currency (ISO 4217).
//   2. The subtotal is the sum of the rounded lines; credits are lines with negative amounts.
//   3. Tax is the subtotal times the customer's tax rate, rounded once by rule 1.
//   4. The total is subtotal plus tax.
// Nothing else rounds. Amounts stay Amounts (10^-10 units) so they format like every other
// amount in curcrunch.
#include <vector>

#include "curcrunch/billing/fraction.hpp"

namespace curcrunch::billing {

// Rule 1.
inline Amount round_line(const Fraction& exact, int minor_units) {
    return exact.round_half_up(minor_units);
}

struct InvoiceTotals {
    Amount subtotal = 0, tax = 0, total = 0;
};

// Rules 2-4. `tax_rate` is a fraction (0.2 for 20 %). Sums are checked (Error(input)).
InvoiceTotals invoice_totals(const std::vector<Amount>& rounded_lines, const Fraction& tax_rate,
                             int minor_units);

// A percentage written in the configuration ("12.5") as the fraction it stands for (0.125).
inline Fraction percent_fraction(const Fraction& percent) {
    return percent * Fraction::of_ratio(1, 100);
}

}  // namespace curcrunch::billing
