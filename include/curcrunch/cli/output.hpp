#pragma once
// Printing results: aligned tables for people, CSV and JSON for programs. Amounts are exact in
// CSV and JSON (decimal strings, up to 10 fraction digits) and rounded to cents only in tables.
#include <string>
#include <vector>

#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/core/money.hpp"

namespace curcrunch::cli {

// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& s);

// An amount as a cell: "1,234.50" in a table, "1234.5" (exact) in CSV and JSON.
std::string money_cell(OutputFormat f, Amount v);
// The same with its currency in a table ("$1,234.57", "1,234.57 EUR": report/cell_text.hpp);
// CSV and JSON state the currency in a column of their own. An empty currency: a quantity.
std::string money_cell(OutputFormat f, Amount v, const std::string& currency);

// Rows of text cells under `head` to stdout: an aligned table, CSV with a header line, or a
// JSON array of objects keyed by `head`.
void print_rows(OutputFormat f, const std::vector<std::string>& head,
                const std::vector<std::vector<std::string>>& rows);

}  // namespace curcrunch::cli
