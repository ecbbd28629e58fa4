#pragma once
// Custom line items of a billing group for one month (Billing Conductor's custom line items):
// fees and credits, flat (an amount in the customer's currency) or a percentage of the group's
// billed total before custom items; that base optionally includes the group's flat items of the
// month (fees positive, credits negative) and optionally excludes Savings Plan discounts (the
// benefit of in-group Savings Plans is added back). One-month items or recurring over a range
// of months; charged to the group's primary account unless an account is named. Credits are
// lines with negative amounts.
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/invoice.hpp"

namespace curcrunch::billing {

// `group_lines`: the group's AWS lines in the customer's currency, amounts already rounded;
// `savings_plan_benefit`: the same currency.
std::vector<InvoiceLine> custom_item_lines(const BillingConfig& c, const BillingGroup& g,
                                           Period period,
                                           const std::vector<InvoiceLine>& group_lines,
                                           const Fraction& savings_plan_benefit, int minor_units);

}  // namespace curcrunch::billing
