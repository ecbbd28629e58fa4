#include <gtest/gtest.h>

#include <limits>

#include "curcrunch/core/money.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;

namespace {
std::string exact(const char* s) {
    Amount a = 0;
    ParseStatus st = parse_amount(s, a);
    if (st == ParseStatus::invalid) return "invalid";
    if (st == ParseStatus::overflow) return "overflow";
    return to_exact_string(a) + (st == ParseStatus::rounded ? " rounded" : "");
}
}  // namespace

TEST(Money, ParsesPlainDecimals) {
    EXPECT_EQ(exact("0"), "0.0000000000");
    EXPECT_EQ(exact("21.6"), "21.6000000000");
    EXPECT_EQ(exact("-0.0808333333"), "-0.0808333333");
    EXPECT_EQ(exact("+5"), "5.0000000000");
    EXPECT_EQ(exact(".5"), "0.5000000000");
    EXPECT_EQ(exact("5."), "5.0000000000");
    EXPECT_EQ(exact("24.0000000000"), "24.0000000000");
    EXPECT_EQ(exact("12345678901234.5"), "12345678901234.5000000000");
}

// Every amount read from text is within kMaxAmount (10^14), so sums provably fit 128 bits
// (see core/money.hpp); beyond it is overflow, on the fast path and the general one alike.
TEST(Money, RefusesAmountsBeyondTheBound) {
    EXPECT_EQ(exact("100000000000000"), "100000000000000.0000000000");
    EXPECT_EQ(exact("-100000000000000"), "-100000000000000.0000000000");
    EXPECT_EQ(exact("100000000000000.0000000001"), "overflow");
    EXPECT_EQ(exact("100000000000001"), "overflow");
    EXPECT_EQ(exact("123456789012345678.5"), "overflow");
    EXPECT_EQ(exact("9000000000000000000000000000"), "overflow");
    EXPECT_EQ(exact("9999999999999999999999999999"), "overflow");
    EXPECT_EQ(exact("1E14"), "100000000000000.0000000000");
    EXPECT_EQ(exact("1.0000000001E14"), "overflow");
    EXPECT_EQ(exact("-1e15"), "overflow");
}

TEST(Money, AddWithinAndChecked) {
    Amount acc = kMaxAmount - 1;
    EXPECT_TRUE(add_within(acc, 1, kMaxAmount));
    EXPECT_FALSE(add_within(acc, 1, kMaxAmount));
    EXPECT_TRUE(within_amount_bound(-kMaxAmount));
    EXPECT_FALSE(within_amount_bound(-kMaxAmount - 1));
    Amount out = 0;
    const Amount top = std::numeric_limits<Amount>::max();
    EXPECT_FALSE(add_checked(top, 1, out));
    EXPECT_TRUE(add_checked(top, -1, out));
    EXPECT_TRUE(out == top - 1);
}

// mul_div is exact through a 256-bit product: the ratios of large sums that reports compute.
TEST(Money, MulDivIsExactBeyond128Bits) {
    Amount out = 0;
    ASSERT_TRUE(mul_div(7, 3, 2, out));
    EXPECT_TRUE(out == 10);
    ASSERT_TRUE(mul_div(-7, 3, 2, out));
    EXPECT_TRUE(out == -10);  // truncates toward zero, as '/' does
    const Amount big = static_cast<Amount>(70) * kMaxAmount * 1000000000000ll;  // 7e37
    ASSERT_TRUE(mul_div(big, kUnit, kUnit * 3, out));  // big * 10^10 needs 160 bits
    EXPECT_TRUE(out == big / 3);
    ASSERT_TRUE(mul_div(big, -2000, 4000, out));
    EXPECT_TRUE(out == -(big / 2));
    ASSERT_TRUE(mul_div(-big, 31, -62, out));
    EXPECT_TRUE(out == big / 2);
    EXPECT_FALSE(mul_div(big, 3, 1, out));  // the quotient does not fit
    EXPECT_FALSE(mul_div(1, 1, 0, out));
}

TEST(Money, ParsesExponents) {
    EXPECT_EQ(exact("1.4724E-6"), "0.0000014724");
    EXPECT_EQ(exact("1.4724e-6"), "0.0000014724");
    EXPECT_EQ(exact("2.5E3"), "2500.0000000000");
    EXPECT_EQ(exact("7E+2"), "700.0000000000");
    EXPECT_EQ(exact("-3.0E-10"), "-0.0000000003");
}

TEST(Money, RoundsBeyondTenDigitsHalfToEven) {
    EXPECT_EQ(exact("0.00000000005"), "0.0000000000 rounded");
    EXPECT_EQ(exact("0.00000000015"), "0.0000000002 rounded");
    EXPECT_EQ(exact("0.000000000250"), "0.0000000002 rounded");
    EXPECT_EQ(exact("0.00000000026"), "0.0000000003 rounded");
    EXPECT_EQ(exact("-0.00000000015"), "-0.0000000002 rounded");
    EXPECT_EQ(exact("0.002007490000000"), "0.0020074900");  // trailing zeros are exact
    EXPECT_EQ(exact("1.23456789012345E-3"), "0.0012345679 rounded");
    // Digits past the 36 the mantissa keeps still count: a half followed by a non-zero digit
    // is more than half (it was taken for a tie and rounded to even).
    EXPECT_EQ(exact("2.50000000000000000000000000000000000001e-10"), "0.0000000003 rounded");
    EXPECT_EQ(exact("1.000000000050000000000000000000000000000001"), "1.0000000001 rounded");
    EXPECT_EQ(exact("1.00000000005000000000000000000000000000000"), "1.0000000000 rounded");
    EXPECT_EQ(exact("-2.50000000000000000000000000000000000001e-10"), "-0.0000000003 rounded");
}

TEST(Money, RejectsNonNumbers) {
    for (const char* s : {"", "-", ".", "abc", "1,5", "1.2.3", "1e", "1e+", "--1", "1 ", " 1",
                          "NaN", "0x10", "1e5x"})
        EXPECT_EQ(exact(s), "invalid") << s;
    EXPECT_EQ(exact("1e40"), "overflow");
    EXPECT_EQ(exact("99999999999999999999999999999999"), "overflow");
}

TEST(Money, SumsAreExactWhereDoublesDrift) {
    // 0.1 added ten million times is exactly 1,000,000 in decimal; in binary floating point it
    // is not.
    Amount step = 0, sum = 0;
    ASSERT_EQ(parse_amount("0.1", step), ParseStatus::ok);
    double dsum = 0;
    for (int i = 0; i < 10000000; ++i) {
        sum += step;
        dsum += 0.1;
    }
    EXPECT_EQ(to_plain_string(sum), "1000000");
    EXPECT_NE(dsum, 1000000.0);
}

TEST(Money, Formats) {
    Amount a = 0;
    parse_amount("1234567.895", a);
    EXPECT_EQ(format_money(a), "1,234,567.90");
    EXPECT_EQ(format_money(a, 2, false), "1234567.90");
    parse_amount("-0.005", a);
    EXPECT_EQ(format_money(a), "0.00");  // half to even: -0.005 -> 0, never "-0.00"
    parse_amount("0.015", a);
    EXPECT_EQ(format_money(a), "0.02");
    parse_amount("999.999", a);
    EXPECT_EQ(format_money(a), "1,000.00");
    EXPECT_EQ(to_plain_string(0), "0");
    parse_amount("-12.340", a);
    EXPECT_EQ(to_plain_string(a), "-12.34");
}

TEST(Money, ScaledIntegerRoundTripBeyond64Bits) {
    Amount big = static_cast<Amount>(INT64_MAX) * 1000 + 7;
    EXPECT_FALSE(fits_int64(big));
    Amount back = 0;
    ASSERT_TRUE(parse_scaled_integer(scaled_integer_string(big), back));
    EXPECT_TRUE(back == big);
    ASSERT_TRUE(parse_scaled_integer(scaled_integer_string(-big), back));
    EXPECT_TRUE(back == -big);
    EXPECT_FALSE(parse_scaled_integer("12a", back));
}

}  // namespace CURCRUNCH_UNITY_ID
