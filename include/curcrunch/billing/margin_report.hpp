#pragma once
// The margin report of a billing period: for every customer, billing group, service and
// account, the AWS cost (by the configured measure, converted to the customer's currency and
// rounded to its minor unit), what was billed (the rounded invoice lines attributed there),
// the margin (billed - cost) and the margin as a percentage of the billed amount (rounded half
// away from zero to 0.01 %; empty when nothing was billed). Group and customer subtotals follow
// their cells. Usage-plan lines have no AWS cost; AWS tax, credits, refunds and support count
// as cost whether billed or not. AWS costs of accounts in no billing group of the month (rows
// with an empty customer) come last, as level not_billed (per service and account, in the
// costs' currency) and a not_billed_total per currency: nobody is billed for them.
#include <string>
#include <vector>

#include "curcrunch/billing/invoice_store.hpp"

namespace curcrunch::billing {

struct MarginLine {
    std::string level;  // cell, group, customer, not_billed, not_billed_total
    std::string customer, group, service, account, currency;
    Amount cost = 0, billed = 0, margin = 0;
    std::string percent;  // "12.34", "" when billed is 0
};

std::vector<MarginLine> margin_lines(const std::vector<MarginRow>& rows);
// 100 x margin / billed, rounded to 2 decimals; "" (n/a) when billed is 0 or negative.
std::string margin_percent(Amount margin, Amount billed);

std::string margin_csv(const std::vector<MarginLine>& lines, int minor_units_default = 2);
std::string margin_json(const std::vector<MarginLine>& lines, Period period);

}  // namespace curcrunch::billing
