#pragma once
// How a table cell is printed, in the PDF and on the dashboard alike: money with its currency,
// quantities with two decimals, rates with four significant digits (a Lambda GB-second at
// $0.0000166667 prints as 0.00001667, never 0.0000), texts and percentages as they are. The
// JSON keeps every cell exact; a page that has no room for a number abbreviates it (≈$1.26 M)
// and says so, it never cuts it.
#include <string>

#include "curcrunch/core/money.hpp"
#include "curcrunch/report/report_table.hpp"

namespace curcrunch::report {

// Money as the report prints it: "$1,234.57" for USD, "1,234.57 EUR" otherwise.
std::string money_text(Amount a, const std::string& currency);
// At least two decimals and four significant digits (at most ten decimals).
std::string rate_text(Amount rate);
std::string quantity_text(Amount q);

// The printed text of a cell (exact decimal in `cell`) of kind `kind`.
std::string cell_text(CellKind kind, const std::string& cell, const std::string& currency);
// A shorter text of the same number: three significant digits and k / M / bn / tn, prefixed
// with "≈". Texts and percentages come back unchanged.
std::string abbreviated_cell_text(CellKind kind, const std::string& cell,
                                  const std::string& currency);

}  // namespace curcrunch::report
