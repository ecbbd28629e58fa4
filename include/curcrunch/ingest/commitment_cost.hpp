#pragma once
// How a CUR line item's commitment (Reserved Instance, Savings Plan) shapes its amortized and
// net amortized cost, and who owns the commitment. The row decoder applies these per row.
#include <string_view>

#include "curcrunch/core/money.hpp"

namespace curcrunch::ingest {

// Amortized (effective) cost of a CUR line item, as AWS's own CUR queries compute it: commitment
// usage is charged at its effective cost, the fees that pay for it are spread over that usage,
// and only the unused part of a commitment's fee stays a cost of its own. Net amortized cost is
// the same rule on AWS's net columns (row_decoder.cpp, net_amortized_of).
enum class AmortizedRule { unblended, ri_effective, sp_effective, zero, sp_recurring, ri_fee };
AmortizedRule amortized_rule(std::string_view line_item_type, bool has_reservation_arn);

// The owner of a commitment: the account field of its ARN
// ("arn:aws:savingsplans::123456789012:savingsplan/..." -> "123456789012"). Text that is not an
// ARN with an account field is returned whole, so a surprise shows instead of vanishing.
std::string_view arn_account(std::string_view arn);

// value x num / den, rounded half away from zero at the 10^-10 unit: the one rounding of the
// net amortized rule (man page, STORE). `value` and `num` must be below 2^62 in magnitude (the
// product then fits 128 bits) and `den` non-zero; false otherwise.
bool scale_rounded(Amount value, Amount num, Amount den, Amount& out);

}  // namespace curcrunch::ingest
