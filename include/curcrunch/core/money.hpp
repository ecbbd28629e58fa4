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

// The bound on every amount curcrunch reads or stores: |v| <= kMaxAmount, 10^24 units, that is
// 10^14 (a hundred trillion) of a currency or usage unit — more than a year of the world's
// output, so no real bill line, usage quantity or daily rollup comes near it.
//
// Why this bound makes every sum provably fit 128 bits (|Amount| < 2^127 ~ 1.70e38):
//  1. Every amount parsed from text (parse_amount: CSV and Parquet fields, report JSON, AWS
//     responses, options) beyond kMaxAmount is refused (ParseStatus::overflow), so an input
//     amount is <= 1e24.
//  2. The row decoder derives at most the sum or difference of two parsed amounts (amortized
//     cost of a fee row), or a net amortized cost scaled by a ratio and then checked against
//     kMaxAmount (row_decoder.cpp net_amortized_of), so a per-row value is <= 2e24.
//  3. A worker thread's rollup takes at most kRowsPerFlush (2^32) rows plus one unit of work
//     before it is merged and cleared: a CSV chunk (< 2^28 rows: a chunk is < 2^28 bytes and a
//     row takes at least one) or a Parquet row group (at most 2^32 rows, checked). So its
//     per-row adds (into its composites' pending sums, then once per composite into its
//     groups: Rollup::settle) are unchecked and reach at most 2^33 * 2e24 ~ 1.7e34 < 2^114.
//  4. Merging a worker's rollup into the shared one adds a running sum below 2^120 and a worker
//     sum below 2^114 (the result cannot overflow) and checks the result against kMaxRunning
//     (2^120): a running sum may pass kMaxAmount on its way, as rows of both signs arrive in
//     any order, but never 2^120 unless the input is bad. What the store keeps is checked
//     against kMaxAmount before anything is written: every group's sums, then each (payer,
//     period) unit's total (the sum of under 2^32 groups, each <= 1e24: below 2^113), in
//     store/unit_replace.cpp. A larger one is refused
//     as bad input, so every amount the store holds is <= 1e24.
//  5. A SQLite file has at most 2^32 pages of at most 2^16 bytes, and a table row takes at
//     least 4 bytes of them, so a store holds < 2^46 rows. Any sum of one stored column over
//     any set of rows (money_sum, the folds of query results, report and dashboard totals) is
//     therefore < 2^46 * 1e24 ~ 7.04e37 < 2^127, and the difference of two such sums
//     < 1.41e38 < 2^127. money_sum checks its adds anyway, so even a store written by another
//     tool cannot make it overflow. Products and quotients of sums (rates, percentages,
//     forecasts) use mul_div, which is exact for all of these.
inline constexpr Amount kMaxAmount = static_cast<Amount>(1000000000000000000ll) * 1000000;
inline constexpr const char* kMaxAmountText = "10^14";
// See 3. above: a worker rollup is merged after at most this many rows.
inline constexpr uint64_t kRowsPerFlush = uint64_t(1) << 32;
// See 4. above: the bound on a running sum while rollups are merged.
inline constexpr Amount kMaxRunning = static_cast<Amount>(1) << 120;

enum class ParseStatus : uint8_t {
    ok,        // exact
    rounded,   // more than kScale fraction digits; rounded half to even
    invalid,   // not a number
    overflow,  // magnitude above kMaxAmount
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
// The change from `before` to `now` in tenths of a percent, rounded half away from zero, from
// the exact amounts: "+12.3%", "-4.0%"; "n/a" when `before` is zero.
std::string percent_change(Amount now, Amount before);
// `part` as a share of `whole` ("12.3%", "-0.4%" for a negative part), "" when `whole` is 0.
std::string share_percent(Amount part, Amount whole);
// Round half to even to `places` fraction digits, still in 10^-kScale units.
Amount round_to(Amount v, int places) noexcept;

// Parses to_exact_string / SQLite integer text back ("123" means 123 units of 10^-kScale).
bool parse_scaled_integer(std::string_view text, Amount& out) noexcept;
std::string scaled_integer_string(Amount v);

inline bool within_amount_bound(Amount v) noexcept {
    return v >= -kMaxAmount && v <= kMaxAmount;
}
// acc += v, then whether |acc| <= limit. Both must be below 2^125 in magnitude (so the add
// itself cannot overflow): true of running sums and worker sums (see kMaxAmount).
inline bool add_within(Amount& acc, Amount v, Amount limit) noexcept {
    acc += v;
    return acc >= -limit && acc <= limit;
}
// a + b, or false when the exact sum does not fit an Amount (for values with no proven bound).
inline bool add_checked(Amount a, Amount b, Amount& out) noexcept {
    return !__builtin_add_overflow(a, b, &out);
}
// The exact a * b / d truncated toward zero, computed through a 256-bit product so it is right
// whenever the quotient fits; false when it does not (or d is 0). For ratios of sums (rates,
// percentages, forecasts), whose products may exceed 128 bits.
bool mul_div(Amount a, Amount b, Amount d, Amount& out) noexcept;

inline bool fits_int64(Amount v) noexcept {
    return v >= static_cast<Amount>(INT64_MIN) && v <= static_cast<Amount>(INT64_MAX);
}

}  // namespace curcrunch
