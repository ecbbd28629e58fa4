// Types and footers no third-party fixture here carries on purpose: INT96 timestamps (old
// Spark/Impala/Hive), DECIMAL in BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY and INT32, plain integers as
// amounts, nulls; the DOUBLE rule on long binary expansions; hostile footers that must fail
// fast without allocating what they claim.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <charconv>
#include <limits>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"
#include "curcrunch/ingest/parquet/metadata.hpp"
#include "curcrunch/ingest/parquet/value_convert.hpp"
#include "parquet_support.hpp"
#include "parquet_test_writer.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::ingest::parquet;
using namespace testsupport;

namespace {

std::string big_endian(__int128 v, size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i)
        s[n - 1 - i] = static_cast<char>(static_cast<uint64_t>(v >> (8 * i)) & 0xff);
    return s;
}

// The n-byte big-endian two's complement of a decimal integer given as text ("-123"), for
// values wider than any built-in integer.
std::string big_endian_of_text(const std::string& decimal, size_t n) {
    const bool neg = decimal[0] == '-';
    std::string s(n, '\0');
    for (size_t d = neg ? 1 : 0; d < decimal.size(); ++d) {
        unsigned carry = static_cast<unsigned>(decimal[d] - '0');
        for (size_t i = n; i-- > 0;) {
            const unsigned v = static_cast<unsigned char>(s[i]) * 10u + carry;
            s[i] = static_cast<char>(v & 0xff);
            carry = v >> 8;
        }
    }
    if (neg) {
        unsigned carry = 1;
        for (size_t i = n; i-- > 0;) {
            const unsigned v = (~static_cast<unsigned char>(s[i]) & 0xffu) + carry;
            s[i] = static_cast<char>(v & 0xff);
            carry = v >> 8;
        }
    }
    return s;
}

// `value` ("-2.25") as the unscaled integer text of a DECIMAL of `scale`.
std::string unscaled_text(const std::string& value, int scale) {
    const size_t dot = value.find('.');
    std::string frac = dot == std::string::npos ? "" : value.substr(dot + 1);
    frac.append(static_cast<size_t>(scale) - frac.size(), '0');
    return value.substr(0, dot) + frac;
}

std::string wide_amount_text(const std::string& value, int scale, size_t n) {
    const std::string bytes = big_endian_of_text(unscaled_text(value, scale), n);
    Amount a = 0;
    if (!be_decimal_to_amount(reinterpret_cast<const uint8_t*>(bytes.data()), n, scale, a))
        return "<none>";
    return to_plain_string(a);
}

std::string int96(Day day, int64_t nanos) {
    const uint32_t julian = static_cast<uint32_t>(day + 2440588);
    return pqw::le64(static_cast<uint64_t>(nanos)) + pqw::le32(julian);
}

std::string amount_text(double v) {
    Amount a = 0;
    if (!double_to_amount(v, a)) return "<none>";
    return to_plain_string(a);
}

}  // namespace

TEST(ParquetTypes, DoubleRuleOnLongBinaryExpansions) {
    // The shortest decimal that reads back as the double, then half to even at 10 digits.
    EXPECT_EQ(amount_text(0.1 + 0.2), "0.3");              // 0.30000000000000004
    EXPECT_EQ(amount_text(1.0 / 3.0), "0.3333333333");     // 0.3333333333333333
    EXPECT_EQ(amount_text(2.0 / 3.0), "0.6666666667");     // 0.6666666666666666
    EXPECT_EQ(amount_text(0.0808333333), "0.0808333333");  // AWS's own 10-digit rates
    EXPECT_EQ(amount_text(1.4724e-6), "0.0000014724");
    EXPECT_EQ(amount_text(12345.678901234567), "12345.6789012346");
    EXPECT_EQ(amount_text(0.00000000005), "0");  // a tie below the last digit: even
    EXPECT_EQ(amount_text(0.00000000015), "0.0000000002");
    EXPECT_EQ(amount_text(-21.6), "-21.6");
    EXPECT_EQ(amount_text(1e14), "100000000000000");
    EXPECT_EQ(amount_text(1e20), "<none>");  // beyond kMaxAmount (core/money.hpp)
    EXPECT_EQ(amount_text(123456789.12345679), "123456789.12345679");
    EXPECT_EQ(amount_text(std::numeric_limits<double>::quiet_NaN()), "<none>");
    // A FLOAT by the same rule from the float itself (the README's example), not its widening.
    Amount f = 0;
    ASSERT_TRUE(float_to_amount(static_cast<float>(-3.0 / 7.0), f));
    EXPECT_EQ(to_plain_string(f), "-0.42857143");
    EXPECT_EQ(amount_text(1e300), "<none>");
    // The fast path and the text path agree on many values with long expansions.
    for (int i = 1; i < 20000; ++i) {
        const double v = i / 7.0 + i * 1e-9;
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, v);
        Amount want = 0;
        parse_amount(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), want);
        Amount got = 0;
        ASSERT_TRUE(double_to_amount(v, got));
        ASSERT_EQ(to_exact_string(got), to_exact_string(want)) << buf;
    }
}

TEST(ParquetTypes, DecimalsConvertByIntegerArithmetic) {
    Amount a;
    ASSERT_TRUE(decimal_to_amount(12345, 2, a));
    EXPECT_EQ(to_plain_string(a), "123.45");
    ASSERT_TRUE(decimal_to_amount(-1234567890125, 13, a));  // 13 digits: rounded half to even
    EXPECT_EQ(to_plain_string(a), "-0.123456789");
    ASSERT_TRUE(decimal_to_amount(1234567890135, 13, a));
    EXPECT_EQ(to_plain_string(a), "0.123456789");
    __int128 u;
    ASSERT_TRUE(big_endian_to_int128(reinterpret_cast<const uint8_t*>("\xff\xfe"), 2, u));
    EXPECT_EQ(static_cast<int64_t>(u), -2);
    EXPECT_FALSE(decimal_to_amount(static_cast<__int128>(1) << 126, 0, a));  // out of range
}

TEST(ParquetTypes, DecimalsWiderThan128BitsConvertExactly) {
    // DECIMAL(76,37) and (76,40) in 32 bytes (Arrow's Decimal256): 100 at scale 40 is 10^42,
    // past 128 bits, yet an ordinary amount.
    EXPECT_EQ(wide_amount_text("100", 37, 32), "100");
    EXPECT_EQ(wide_amount_text("1.5", 40, 32), "1.5");
    EXPECT_EQ(wide_amount_text("-2.25", 40, 32), "-2.25");
    EXPECT_EQ(wide_amount_text("-12345.6789012345", 76, 64), "-12345.6789012345");
    // Rounded half to even at 10 digits, as every DECIMAL and CSV text.
    EXPECT_EQ(wide_amount_text("0.12345678905", 40, 32), "0.123456789");
    EXPECT_EQ(wide_amount_text("0.12345678915", 40, 32), "0.1234567892");
    EXPECT_EQ(wide_amount_text("-0.123456789050000000001", 40, 32), "-0.1234567891");
    EXPECT_EQ(wide_amount_text("-0.12345678905", 40, 32), "-0.123456789");
    // The bound of every amount (10^14) holds, and nothing past it.
    EXPECT_EQ(wide_amount_text("100000000000000", 40, 32), "100000000000000");
    EXPECT_EQ(wide_amount_text("-100000000000000", 40, 32), "-100000000000000");
    EXPECT_EQ(wide_amount_text("100000000000000.0000000001", 40, 32), "<none>");
    EXPECT_EQ(wide_amount_text("1000000000000000000000000000000000000", 37, 32), "<none>");
    // A tiny magnitude at a huge scale is zero, not an error.
    EXPECT_EQ(wide_amount_text("0." + std::string(120, '0') + "7", 121, 32), "0");
}

TEST(ParquetTypes, Int96TimestampsAndDecimalsOfEveryPhysicalType) {
    const Day mar5 = days_from_civil(2024, 3, 5);
    pqw::Column start = pqw::column("line_item_usage_start_date", 3);        // INT96
    pqw::Column cost = pqw::column("line_item_unblended_cost", 6, true, 5);  // BYTE_ARRAY DECIMAL
    cost.scale = 12;
    cost.precision = 30;
    pqw::Column blended = pqw::column("line_item_blended_cost", 7, false, 5);  // FLBA DECIMAL
    blended.type_length = 16;
    blended.scale = 2;
    blended.precision = 38;
    pqw::Column od = pqw::column("pricing_public_on_demand_cost", 1, false, 5);  // INT32 DECIMAL
    od.scale = 3;
    od.precision = 9;
    pqw::Column usage = pqw::column("line_item_usage_amount", 2);  // INT64, a plain integer
    pqw::Column type = pqw::column("line_item_line_item_type", 6, true, 0);
    const __int128 costs[] = {1234567890123456, -5, 0, 500000000000000000};  // scale 12
    for (int i = 0; i < 4; ++i) {
        // 23:59:59.5 on the 5th is still the 5th; nanos past a day would roll over.
        start.values.push_back(int96(mar5, 86399500000000LL));
        cost.values.push_back(i == 2 ? std::nullopt
                                     : std::optional(pqw::plain_bytes(big_endian(costs[i], 8))));
        blended.values.push_back(big_endian(-12345 - i, 16));
        od.values.push_back(pqw::le32(static_cast<uint32_t>(-1500 * (i + 1))));
        usage.values.push_back(pqw::le64(static_cast<uint64_t>(i + 1)));
        type.values.push_back(i == 3 ? std::nullopt : std::optional(pqw::plain_bytes("Usage")));
    }
    TempDir dir;
    pqw::Options o;
    o.page_version = 2;
    o.codec = 1;
    write_file(dir / "types.parquet", pqw::write({start, cost, blended, od, usage, type}, o));
    RunResult r = run_cli({"ingest", "--db", dir / "t.db", "--no-progress", dir / "types.parquet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto sums = [&](const std::string& type) {
        return query_one(
            dir / "t.db",
            "SELECT day || '|' || money_sum(unblended) || '|' || money_sum(blended) || "
            "'|' || money_sum(public_on_demand) || '|' || money_sum(usage_amount) || '|' "
            "|| sum(row_count) FROM cost_daily_named WHERE line_item_type = '" +
                type + "' GROUP BY day");
    };
    // Costs: 1234.567890123456 rounds to 1234.5678901235, -0.000000000005 to 0 (a tie, even),
    // a null to 0; blended -123.45-123.46-123.47; on-demand -1.5-3-4.5; usage 1+2+3.
    EXPECT_EQ(sums("Usage"), "20240305|12345678901235|-3703800000000|-90000000000|60000000000|3");
    EXPECT_EQ(sums(""), "20240305|5000000000000000|-1234800000000|-60000000000|40000000000|1");
}

TEST(ParquetTypes, Decimal256CostsAreReadExactly) {
    // DECIMAL(76,37) in FIXED_LEN_BYTE_ARRAY(32) and DECIMAL(76,40) in BYTE_ARRAY, as Arrow's
    // Decimal256 writes them; the README promises DECIMAL of any width.
    const char* costs[] = {"1.5", "-2.25",        "3.3333333333",
                           "100", "0.0000000001", "12345.6789012345"};
    auto write_with = [](pqw::Column cost, int scale, size_t width,
                         const std::vector<std::string>& values, const std::string& path) {
        cost.scale = scale;
        cost.precision = 76;
        pqw::Column start = pqw::column("line_item_usage_start_date", 6, false, 0);
        for (const std::string& v : values) {
            const std::string be = big_endian_of_text(unscaled_text(v, scale), width);
            cost.values.push_back(cost.type == 7 ? be : pqw::plain_bytes(be));
            start.values.push_back(pqw::plain_bytes("2024-03-05T00:00:00Z"));
        }
        write_file(path, pqw::write({start, cost}, pqw::Options{}));
    };
    TempDir dir;
    pqw::Column fixed = pqw::column("line_item_unblended_cost", 7, false, 5);
    fixed.type_length = 32;
    const std::vector<std::string> values(std::begin(costs), std::end(costs));
    write_with(fixed, 37, 32, values, dir / "fixed.parquet");
    write_with(pqw::column("line_item_unblended_cost", 6, false, 5), 40, 33, values,
               dir / "bytes.parquet");
    for (const char* name : {"fixed", "bytes"}) {
        const std::string db = dir / (std::string(name) + ".db");
        RunResult r = run_cli(
            {"ingest", "--db", db, "--no-progress", dir / (std::string(name) + ".parquet")});
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
        EXPECT_EQ(query_one(db,
                            "SELECT money_sum(unblended) || ' ' || sum(row_count) FROM "
                            "cost_daily_named"),
                  "124482622345679 6")
            << name;
    }
    // Past the bound of every amount, the row is refused for that reason, by its place.
    write_with(fixed, 37, 32, {"1.5", "100000000000000.5"}, dir / "huge.parquet");
    RunResult r =
        run_cli({"ingest", "--db", dir / "huge.db", "--no-progress", dir / "huge.parquet"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("huge.parquet: row group 0, column 'line_item_unblended_cost', page 1, "
                         "row 2: value beyond the largest amount curcrunch holds (10^14 in "
                         "magnitude)"),
              std::string::npos)
        << r.err;
}

TEST(ParquetTypes, HostileFootersFailFastWithoutAllocating) {
    auto fails = [](const std::string& footer, const std::string& message) {
        struct rusage before, after;
        getrusage(RUSAGE_SELF, &before);
        try {
            parse_file_meta(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
            ADD_FAILURE() << "no error for " << message;
        } catch (const FormatError& e) {
            EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
        }
        getrusage(RUSAGE_SELF, &after);
        EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024) << message;  // KiB
    };
    // A list that claims 2^31 schema elements in a few bytes.
    pqw::Compact c;
    c.list(2, 12, 0x7fffffff);
    fails(c.out, "metadata list claims 2147483647 elements but only 0 bytes remain");
    // A string that claims 4 GiB.
    pqw::Compact s;
    s.field(6, 8);
    s.varint(0xffffffffull);
    fails(s.out + "abc", "metadata string of 4294967295 bytes runs past the end");
    // Structs nested 10000 deep.
    std::string deep;
    for (int i = 0; i < 10000; ++i)
        deep += static_cast<char>(0xfc);  // unknown field 15, a struct
    fails(deep, "metadata nests deeper than 32 levels");
    // Millions of columns: more schema elements than the cap, with the bytes to back them.
    pqw::Compact m;
    m.list(2, 12, 3000000);
    fails(m.out + std::string(3000000, '\0'), "schema has 3000000 elements; more than the 100000");
    // Row groups past the cap.
    pqw::Compact g;
    g.list(4, 12, 2000000);
    fails(g.out + std::string(2000000, '\0'),
          "file claims 2000000 row groups; more than the 1000000");
    // A varint that never ends.
    fails(std::string("\x15") + std::string(20, '\xff'), "overlong varint");
}

}  // namespace CURCRUNCH_UNITY_ID
