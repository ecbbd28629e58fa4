#pragma once
// Conversions from Parquet's physical values (with their logical annotation) to what the ingest
// schema needs: exact amounts, UTC days, and text.
//
// Money stays exact. A DECIMAL is an integer and a scale, so it becomes an Amount (units of
// 10^-10) by integer arithmetic alone, rounded half to even only when its scale exceeds 10 (the
// rule CSV text follows). A DOUBLE has no decimal value of its own; the rule for it is the one
// documented for CSV text written from doubles: the shortest decimal that reads back as the
// same double (what AWS and every CSV writer print), then half to even at 10 fraction digits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/ingest/parquet/metadata.hpp"

namespace curcrunch::ingest::parquet {

// False for NaN, infinities and magnitudes beyond kMaxAmount (core/money.hpp).
bool double_to_amount(double v, Amount& out);
bool float_to_amount(float v, Amount& out);
// unscaled x 10^-scale; false on overflow or a negative scale.
bool decimal_to_amount(__int128 unscaled, int32_t scale, Amount& out);
// A big-endian two's-complement integer of n bytes (DECIMAL in FIXED_LEN_BYTE_ARRAY or
// BYTE_ARRAY); false when it does not fit 128 bits.
bool big_endian_to_int128(const uint8_t* p, size_t n, __int128& out);
// unscaled x 10^-scale for a DECIMAL of any width in big-endian two's complement; false only
// when the value's magnitude exceeds kMaxAmount (or the scale is negative, or the value has more
// than 384 significant bits at a scale too small to bring it into range).
bool be_decimal_to_amount(const uint8_t* p, size_t n, int32_t scale, Amount& out);

// UTC day of a timestamp in `unit`s since the epoch (floor division: negative instants work).
Day day_of_timestamp(int64_t v, TimeUnit unit);
// INT96 timestamps (Impala/Hive/old Spark): nanoseconds of the day, then the Julian day.
Day day_of_int96(const uint8_t* p);

// Text forms, appended to `out`.
void append_decimal_text(__int128 unscaled, int32_t scale, std::string& out);
void append_double_text(double v, std::string& out);  // shortest round trip
void append_int_text(int64_t v, std::string& out);
void append_day_text(Day d, std::string& out);  // YYYY-MM-DD

}  // namespace curcrunch::ingest::parquet
