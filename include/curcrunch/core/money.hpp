#pragma once
// Exact decimal amounts. A value is a signed 128-bit integer counting units of 10^-kScale, so
// every amount AWS writes (at most 10 fraction digits) is held exactly and sums never touch
// binary floating point. Costs and usage quantities share this representation.
#include <cstdint>
#include <string>
#include <string_view>

namespace curcrunch {

using Amount = __int128;
inline constexpr int kScale = 10;
inline constexpr Amount kUnit = 10000000000;  // 10^kScale

enum class ParseStatus : uint8_t {
    ok,        // exact
    rounded,   // more than kScale fraction digits; rounded half to even
    invalid,   // not a number
    overflow,  // magnitude does not fit
};

// Parses [sign] digits [. digits] [e|E [sign] digits]. An empty view is not a number; callers
// decide what null means. Never allocates.
ParseStatus parse_amount(std::string_view text, Amount& out) noexcept;

// Exact text of an amount: "-12.3400000000" style, always kScale fraction digits, no separators.
std::string to_exact_string(Amount v);
// Same, with trailing fraction zeros removed ("12.34", "5").
std::string to_plain_string(Amount v);
// Human money: rounded half-even to `places` digits with thousands separators ("1,234.57").
std::string format_money(Amount v, int places = 2, bool thousands = true);
// Round half to even to `places` fraction digits, still in 10^-kScale units.
Amount round_to(Amount v, int places) noexcept;

// Parses to_exact_string / SQLite integer text back ("123" means 123 units of 10^-kScale).
bool parse_scaled_integer(std::string_view text, Amount& out) noexcept;
std::string scaled_integer_string(Amount v);

inline bool fits_int64(Amount v) noexcept {
    return v >= static_cast<Amount>(INT64_MIN) && v <= static_cast<Amount>(INT64_MAX);
}

}  // namespace curcrunch
