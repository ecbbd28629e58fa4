#include <gtest/gtest.h>

#include "curcrunch/core/money.hpp"

using namespace curcrunch;

TEST(Money, Placeholder) {
    Amount a;
    ASSERT_EQ(parse_amount("1.5", a), ParseStatus::ok);
    EXPECT_EQ(to_plain_string(a), "1.5");
}
