#pragma once
// Reissuing a final invoice (`billing run --reissue`): the corrected bill becomes the next
// version, and a credit note records the difference, line by line: for every line (matched by
// kind, group, account, service and description) whose rounded amount changed, an adjustment
// line of new minus old. Its subtotal is the difference of the subtotals, and its tax the
// difference of the taxes (not recomputed: the original plus the credit note equals the new
// version to the minor unit). A negative total credits the customer, a positive one charges.
#include <map>
#include <tuple>

#include "curcrunch/billing/invoice.hpp"

namespace curcrunch::billing {

// Lines are matched across two versions of an invoice by kind, group, account, service and
// description; a key's amount is the sum of its lines' rounded amounts.
using LineKey = std::tuple<LineKind, std::string, std::string, std::string, std::string>;
std::map<LineKey, Amount> line_amounts(const Invoice& inv);
// "description (account)", as `billing run` and `audit` print a line.
std::string line_label(const LineKey& k);

Invoice make_credit_note(const Invoice& superseded, const Invoice& replacement);

// One line per difference between two invoices, in words, for `billing run`'s report
// ("+ AWS EC2 (111111111111): 12.00", "~ ...: 10.00 -> 12.50", "- ...").
std::vector<std::string> line_differences(const Invoice& before, const Invoice& after);

}  // namespace curcrunch::billing
