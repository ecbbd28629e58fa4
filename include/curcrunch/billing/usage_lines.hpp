#pragma once
// The invoice lines of one subscription for one month (billed in arrears): the plan's standing
// charge prorated by active days, one line per charge priced on the measurements of the active
// days (measurements before the subscription's start or outside the month do not count), and a
// true-up line when the plan's lines stay below its prorated minimum.
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/invoice.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

std::vector<InvoiceLine> subscription_lines(store::Database& db, const BillingConfig& c,
                                            const Subscription& s, Period period, int minor_units);

}  // namespace curcrunch::billing
