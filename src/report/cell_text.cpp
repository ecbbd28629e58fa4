#include "curcrunch/report/cell_text.hpp"

namespace curcrunch::report {
namespace {

Amount amount_of(const std::string& cell) {
    Amount a = 0;
    parse_amount(cell, a);
    return a;
}

// The power of ten of the most significant digit of |v| (v in 10^-kScale units, not zero).
int magnitude(Amount v) {
    Amount a = v < 0 ? -v : v;
    int digits = 0;
    while (a > 0) {
        a /= 10;
        ++digits;
    }
    return digits - 1 - kScale;
}

std::string with_currency(const std::string& number, bool negative, const std::string& currency) {
    if (currency == "USD" || currency.empty()) return std::string(negative ? "-$" : "$") + number;
    return (negative ? "-" : "") + number + " " + currency;
}

}  // namespace

std::string money_text(Amount a, const std::string& currency) {
    return with_currency(format_money(a < 0 ? -a : a), a < 0, currency);
}

std::string rate_text(Amount rate) {
    if (rate == 0) return "0.00";
    const int places = std::min(kScale, std::max(2, 3 - magnitude(rate)));
    return format_money(rate, places);
}

std::string quantity_text(Amount q) {
    return format_money(q, 2);
}

std::string cell_text(CellKind kind, const std::string& cell, const std::string& currency) {
    if (cell.empty()) return cell;
    switch (kind) {
        case CellKind::money:
            return money_text(amount_of(cell), currency);
        case CellKind::quantity:
            return quantity_text(amount_of(cell));
        case CellKind::rate:
            return rate_text(amount_of(cell));
        case CellKind::text:
        case CellKind::percent:
            return cell;
    }
    return cell;
}

std::string abbreviated_cell_text(CellKind kind, const std::string& cell,
                                  const std::string& currency) {
    if (cell.empty() || kind == CellKind::text || kind == CellKind::percent) return cell;
    const Amount v = amount_of(cell);
    const Amount a = v < 0 ? -v : v;
    struct Step {
        Amount unit;
        const char* suffix;
    };
    const Step steps[] = {{kUnit * 1000000000000, " tn"},
                          {kUnit * 1000000000, " bn"},
                          {kUnit * 1000000, " M"},
                          {kUnit * 1000, " k"}};
    std::string number;
    for (const Step& s : steps)
        if (a >= s.unit) {
            // Three significant digits of a / unit.
            const Amount scaled = a / (s.unit / kUnit);  // in 10^-kScale units
            const int places = std::max(0, 2 - (magnitude(scaled) < 0 ? 0 : magnitude(scaled)));
            number = format_money(scaled, places) + s.suffix;
            break;
        }
    if (number.empty()) number = kind == CellKind::rate ? rate_text(a) : format_money(a, 2);
    if (kind == CellKind::money) return "\u2248" + with_currency(number, v < 0, currency);
    return "\u2248" + std::string(v < 0 ? "-" : "") + number;
}

}  // namespace curcrunch::report
