#include "curcrunch/billing/money_rules.hpp"

namespace curcrunch::billing {

InvoiceTotals invoice_totals(const std::vector<Amount>& rounded_lines, const Fraction& tax_rate,
                             int minor_units) {
    InvoiceTotals t;
    for (Amount a : rounded_lines)
        t.subtotal = checked_add(t.subtotal, a);
    t.tax = round_line(Fraction::of_amount(t.subtotal) * tax_rate, minor_units);
    t.total = checked_add(t.subtotal, t.tax);
    return t;
}

}  // namespace curcrunch::billing
