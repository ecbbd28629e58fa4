#pragma once
// The currencies an invoice may be written in, with their ISO 4217 minor units (the number of
// decimal places of the currency's smallest unit: 2 for USD and EUR, 0 for JPY, 3 for KWD).
// Every invoice line is rounded to exactly this many places (money_rules.hpp). A code not in
// the table is a configuration error, never a guess.
#include <optional>
#include <string_view>

namespace curcrunch::billing {

// The minor units of an active ISO 4217 currency code ("USD" -> 2), or nullopt.
std::optional<int> minor_units(std::string_view code) noexcept;
// The same, 2 for a code not in the table (for displaying stored amounts only).
inline int minor_units_of(std::string_view code) noexcept {
    return minor_units(code).value_or(2);
}

}  // namespace curcrunch::billing
