#include "curcrunch/ingest/commitment_cost.hpp"

namespace curcrunch::ingest {

AmortizedRule amortized_rule(std::string_view type, bool has_reservation_arn) {
    if (type.size() < 3) return AmortizedRule::unblended;
    if (type == "SavingsPlanCoveredUsage") return AmortizedRule::sp_effective;
    if (type == "DiscountedUsage") return AmortizedRule::ri_effective;
    if (type == "SavingsPlanNegation" || type == "SavingsPlanUpfrontFee")
        return AmortizedRule::zero;
    if (type == "SavingsPlanRecurringFee") return AmortizedRule::sp_recurring;
    if (type == "RIFee") return AmortizedRule::ri_fee;
    if (type == "Fee" && has_reservation_arn) return AmortizedRule::zero;
    return AmortizedRule::unblended;
}

std::string_view arn_account(std::string_view arn) {
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) {  // arn:partition:service:region:account:resource
        pos = arn.find(':', pos);
        if (pos == std::string_view::npos) return arn;
        ++pos;
    }
    const size_t end = arn.find(':', pos);
    if (end == std::string_view::npos || end == pos) return arn;
    return arn.substr(pos, end - pos);
}

bool scale_rounded(Amount value, Amount num, Amount den, Amount& out) {
    constexpr Amount kLimit = Amount(1) << 62;
    if (den == 0 || value >= kLimit || value <= -kLimit || num >= kLimit || num <= -kLimit)
        return false;
    Amount p = value * num;
    const bool negative = (p < 0) != (den < 0);
    if (p < 0) p = -p;
    if (den < 0) den = -den;
    Amount q = p / den;
    if ((p % den) * 2 >= den) ++q;
    out = negative ? -q : q;
    return true;
}

}  // namespace curcrunch::ingest
