#pragma once
// What an AWS cost row means to a billing group, and the amount pricing starts from
// (man page, BILLING, "AWS charges"). Following Billing Conductor's pro forma semantics:
// - usage (Usage, Fee, and anything not listed below) is priced on the plan's basis: public
//   on-demand cost, or unblended / net unblended / amortized cost (cost-plus); a row without a
//   public price (a fee) is taken at its unblended cost;
// - usage covered by a Savings Plan or Reserved Instance (SavingsPlanCoveredUsage,
//   DiscountedUsage) whose owner account (from the commitment's ARN) is in the group keeps the
//   commitment's benefit: it is priced at its effective (amortized; net amortized for a
//   net-unblended plan) cost. Covered usage of a commitment owned outside the group (say, by
//   the payer) gets no benefit: it is priced at public on-demand cost, or at its unblended cost
//   on a row without a public price (SavingsPlanCoveredUsage's unblended cost is its on-demand
//   equivalent; a DiscountedUsage row has none, and is then priced at 0: aws_charges warns);
// - negation rows (SavingsPlanNegation) are never priced;
// - commitment fees (SavingsPlanRecurringFee, SavingsPlanUpfrontFee, RIFee, and fees carrying
//   a commitment's ARN) of a commitment owned in the group are billed at their amortized cost,
//   which is the unused part of the commitment (the used part is in the covered usage);
//   those of commitments owned outside the group are not billed to it;
// - AWS tax, credits and discounts, refunds and support are not billed unless the plan says so
//   (then at their unblended, or net unblended, cost, without pricing rules).
// Everything stays on the AWS-cost side of the margin report either way.
#include <string_view>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/cost_rows.hpp"

namespace curcrunch::billing {

enum class RowRole {
    usage,
    covered_in_group,
    covered_outside,
    negation,
    commitment_in_group,
    commitment_outside,
    tax,
    credit,
    refund,
    support,
};
const char* row_role_name(RowRole r);

// `in_group(account)`: whether an account belongs to the group this period.
template <class InGroup>
RowRole row_role(const CostRow& r, InGroup&& in_group);

bool is_support_service(std::string_view product_code);

// The amount a row is priced from (before the rule's factor); 0 for roles that are not billed.
// `billed`: false for roles the plan leaves on the AWS side.
struct PricedBasis {
    Amount amount = 0;
    bool billed = false;
    bool apply_rules = false;  // passthrough roles are billed at cost, without rules
};
PricedBasis priced_basis(const CostRow& r, RowRole role, const PricingPlan& plan);

// The Savings Plan benefit a group keeps on a covered row (public on-demand minus effective
// cost), for percentage items that exclude Savings Plan discounts from their base.
Amount savings_plan_benefit(const CostRow& r, RowRole role, const PricingPlan& plan);

// ---- implementation of the template ----
namespace detail {
RowRole role_by_type(const CostRow& r, bool owner_in_group);
}
template <class InGroup>
RowRole row_role(const CostRow& r, InGroup&& in_group) {
    const bool owner_in_group = !r.commitment_owner.empty() && in_group(r.commitment_owner);
    return detail::role_by_type(r, owner_in_group);
}

}  // namespace curcrunch::billing
