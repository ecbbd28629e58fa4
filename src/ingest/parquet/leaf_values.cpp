#include "curcrunch/ingest/parquet/leaf_values.hpp"

#include <simdjson.h>

#include <cstring>

#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/parquet/bit_util.hpp"
#include "curcrunch/ingest/parquet/value_convert.hpp"

namespace curcrunch::ingest::parquet {
namespace {

int32_t load_i32(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
int64_t load_i64(const uint8_t* p) {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

void append_hex(std::string_view v, std::string& out) {
    static const char* const digits = "0123456789abcdef";
    for (unsigned char c : v) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
}

// Integers and DECIMALs are exact and finite, so the only way one fails is its size.
std::string amount_range_why() {
    return std::string("value beyond the largest amount curcrunch holds (") + kMaxAmountText +
           " in magnitude)";
}

}  // namespace

LeafValues::LeafValues(const LeafColumn& leaf, TextAs as)
    : e_(leaf.element), as_(as), width_(fixed_width(e_.type, e_.type_length)) {}

bool LeafValues::numeric() const {
    if (e_.logical == Logical::decimal || e_.logical == Logical::integer) return true;
    if (e_.logical != Logical::none) return false;
    return e_.type == PhysicalType::int32 || e_.type == PhysicalType::int64 ||
           e_.type == PhysicalType::float32 || e_.type == PhysicalType::float64;
}

bool LeafValues::can_hold_amounts(std::string& why) const {
    switch (e_.type) {
        case PhysicalType::int32:
        case PhysicalType::int64:
        case PhysicalType::float32:
        case PhysicalType::float64:
            if (e_.logical == Logical::none || e_.logical == Logical::decimal ||
                e_.logical == Logical::integer)
                return true;
            break;
        case PhysicalType::fixed_len_byte_array:
            if (e_.logical == Logical::decimal) return true;
            break;
        case PhysicalType::byte_array:
            return true;  // a decimal, or text that must parse as a number row by row
        default:
            break;
    }
    // Name what rules the column out: an INT32 holds amounts, an INT32 annotated DATE does not.
    std::string kind;
    switch (e_.logical) {
        case Logical::date:
            kind = "DATE";
            break;
        case Logical::timestamp:
            kind = "TIMESTAMP";
            break;
        case Logical::time:
            kind = "TIME";
            break;
        case Logical::none:
            kind = physical_type_name(e_.type);
            break;
        default:
            kind = std::string(physical_type_name(e_.type)) + " (non-numeric logical type)";
            break;
    }
    const bool vowel = std::string_view("AEIOU").find(kind[0]) != std::string_view::npos;
    why = std::string(vowel ? "is an " : "is a ") + kind + " column; it cannot hold an amount";
    return false;
}

bool LeafValues::text(const ValueRun& run, size_t i, std::string& out, std::string& why) const {
    if (as_ == TextAs::account_id && is_number_type()) return account_text(run, i, out, why);
    switch (e_.type) {
        case PhysicalType::byte_array:
        case PhysicalType::fixed_len_byte_array: {
            const std::string_view v = run.bytes[i];
            if (e_.logical == Logical::decimal) {
                __int128 u;
                if (!big_endian_to_int128(reinterpret_cast<const uint8_t*>(v.data()), v.size(),
                                          u)) {
                    why = "DECIMAL value wider than 128 bits";
                    return false;
                }
                append_decimal_text(u, e_.scale, out);
                return true;
            }
            if (e_.type == PhysicalType::fixed_len_byte_array && e_.logical != Logical::string) {
                append_hex(v, out);  // UUIDs and other binary identifiers
                return true;
            }
            if (!simdjson::validate_utf8(v.data(), v.size())) {
                why = "invalid UTF-8 in a text value";
                return false;
            }
            out.append(v);
            return true;
        }
        case PhysicalType::boolean:
            out += run.fixed[i] ? "true" : "false";
            return true;
        case PhysicalType::int96:
            append_day_text(day_of_int96(run.fixed + i * 12), out);
            return true;
        case PhysicalType::float32: {
            float f;
            std::memcpy(&f, run.fixed + i * 4, 4);
            append_double_text(f, out);  // a float widens exactly; its shortest form may be longer
            return true;
        }
        case PhysicalType::float64: {
            double d;
            std::memcpy(&d, run.fixed + i * 8, 8);
            append_double_text(d, out);
            return true;
        }
        case PhysicalType::int32:
        case PhysicalType::int64: {
            const int64_t v = e_.type == PhysicalType::int32 ? load_i32(run.fixed + i * 4)
                                                             : load_i64(run.fixed + i * 8);
            if (e_.logical == Logical::decimal) {
                append_decimal_text(v, e_.scale, out);
            } else if (e_.logical == Logical::date) {
                append_day_text(static_cast<Day>(v), out);
            } else if (e_.logical == Logical::timestamp) {
                const Day d = day_of_timestamp(v, e_.unit);
                append_day_text(d, out);
                if (as_ != TextAs::day) {
                    // Time of day, for a timestamp in a column that is not a day slot.
                    const int64_t per_sec = e_.unit == TimeUnit::millis   ? 1000
                                            : e_.unit == TimeUnit::micros ? 1000000
                                                                          : 1000000000;
                    int64_t secs = v / per_sec - static_cast<int64_t>(d) * 86400;
                    if (v % per_sec < 0) --secs;
                    char buf[16];
                    std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ",
                                  static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                                  static_cast<int>(secs % 60));
                    out += buf;
                }
            } else {
                append_int_text(v, out);
            }
            return true;
        }
        case PhysicalType::none:
            break;
    }
    why = "value of an unknown type";
    return false;
}

bool LeafValues::is_number_type() const {
    switch (e_.type) {
        case PhysicalType::int32:
        case PhysicalType::int64:
            return e_.logical == Logical::none || e_.logical == Logical::integer;
        case PhysicalType::float32:
        case PhysicalType::float64:
            return true;
        default:
            return false;
    }
}

bool LeafValues::account_text(const ValueRun& run, size_t i, std::string& out,
                              std::string& why) const {
    constexpr int64_t kIds = 1000000000000;  // twelve digits
    int64_t v = -1;
    if (e_.type == PhysicalType::int32 || e_.type == PhysicalType::int64) {
        v = e_.type == PhysicalType::int32 ? load_i32(run.fixed + i * 4)
                                           : load_i64(run.fixed + i * 8);
    } else {
        double d;
        // Every twelve-digit integer is exact in a double (below 2^53); a float holds integers
        // exactly only below 2^24: 836060457634 arrives as 836060446720, another account.
        double exact_below = static_cast<double>(kIds);
        if (e_.type == PhysicalType::float32) {
            float f;
            std::memcpy(&f, run.fixed + i * 4, 4);
            d = f;
            exact_below = 16777216.0;
        } else {
            std::memcpy(&d, run.fixed + i * 8, 8);
        }
        if (d >= 0 && d < exact_below && d == static_cast<double>(static_cast<int64_t>(d)))
            v = static_cast<int64_t>(d);
    }
    if (v < 0 || v >= kIds) {
        why = "a number that is not an account id (twelve digits" +
              std::string(e_.type == PhysicalType::float32 ? ", which a FLOAT cannot hold exactly"
                                                           : "") +
              ")";
        return false;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(v));
    out += buf;
    return true;
}

bool LeafValues::amount(const ValueRun& run, size_t i, Amount& out, std::string& why) const {
    bool ok = false;
    switch (e_.type) {
        case PhysicalType::float64: {
            double d;
            std::memcpy(&d, run.fixed + i * 8, 8);
            ok = double_to_amount(d, out);
            break;
        }
        case PhysicalType::float32: {
            float f;
            std::memcpy(&f, run.fixed + i * 4, 4);
            ok = float_to_amount(f, out);
            break;
        }
        case PhysicalType::int32:
        case PhysicalType::int64: {
            const int64_t v = e_.type == PhysicalType::int32 ? load_i32(run.fixed + i * 4)
                                                             : load_i64(run.fixed + i * 8);
            if (decimal_to_amount(v, e_.logical == Logical::decimal ? e_.scale : 0, out))
                return true;
            why = amount_range_why();
            return false;
        }
        case PhysicalType::byte_array:
        case PhysicalType::fixed_len_byte_array: {
            const std::string_view v = run.bytes[i];
            if (e_.logical == Logical::decimal) {
                if (be_decimal_to_amount(reinterpret_cast<const uint8_t*>(v.data()), v.size(),
                                         e_.scale, out))
                    return true;
                why = amount_range_why();
                return false;
            }
            if (v.empty()) {  // an empty text amount is null, as an empty CSV field
                out = 0;
                return true;
            }
            const ParseStatus st = parse_amount(v, out);
            if (st == ParseStatus::ok || st == ParseStatus::rounded) return true;
            why = (st == ParseStatus::overflow ? "number out of range: '" : "not a number: '") +
                  shown_text(v, 40) + "'";
            return false;
        }
        default:
            break;
    }
    if (!ok) why = "number out of range or not finite";
    return ok;
}

}  // namespace curcrunch::ingest::parquet
