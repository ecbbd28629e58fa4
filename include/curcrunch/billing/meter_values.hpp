#pragma once
// Small value codecs of the usage-billing side, fixed because their results are stored:
// - stable_hash64: the hash that keys de-duplication on uid and compares a measurement's
//   content. Its definition is part of the store format (a test pins its values); it is not
//   core/hash.hpp's in-memory hash, which may change.
// - timestamps: ISO 8601 instants to microseconds since 1970-01-01 UTC.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "curcrunch/core/calendar.hpp"

namespace curcrunch::billing {

uint64_t stable_hash64(std::string_view bytes, uint64_t seed = 0) noexcept;

using Micros = int64_t;  // microseconds since 1970-01-01T00:00:00Z

// Accepts "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+hh:mm|-hh:mm)" (a space may replace the T; digits
// beyond microseconds are truncated) and "YYYY-MM-DD" (midnight UTC). nullopt otherwise.
std::optional<Micros> parse_timestamp(std::string_view text) noexcept;
std::string format_timestamp(Micros t);  // "2026-03-14T10:22:01.250000Z"
inline Day day_of(Micros t) noexcept {
    const int64_t per_day = 86400000000;
    int64_t d = t / per_day;
    if (t % per_day < 0) --d;
    return static_cast<Day>(d);
}

}  // namespace curcrunch::billing
