#pragma once
// How every list of figures is cut so that it still adds up to its total. Rows come ranked
// (largest first). A threshold hides rows and nothing else: the rows under it (by magnitude,
// on every amount they carry) are summed into one "Below threshold (N)" row. A limit keeps the
// first rows that remain and sums the rest into "Other (N)". With the rows shown, those two
// and the total row, every column adds up to the total, and shares stay shares of the total.
// The report's tables, the dashboard's and `summary` all cut their rows here.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/core/money.hpp"

namespace curcrunch::report {

// Keys of the rows a cut adds (report_table.hpp's kTotalRowKey is the third).
inline constexpr std::string_view kOtherRowKey = "other";
inline constexpr std::string_view kBelowRowKey = "below_threshold";

struct TieOut {
    std::vector<size_t> shown;  // indices of the input rows shown, in input order
    std::vector<size_t> other;  // at or above the threshold, past the limit
    std::vector<size_t> below;  // under the threshold
};

// Whether an amount is shown under `min_cost` (no threshold: always).
bool at_or_above(const std::optional<Amount>& min_cost, Amount a);

// Cuts `n` ranked rows: `shown_if(i)` says whether row i passes the threshold; `limit` 0 keeps
// every row that passes.
TieOut cut_rows(size_t n, const std::function<bool(size_t)>& passes, size_t limit);

std::string other_label(size_t n);  // "Other (N)"
std::string below_label(size_t n);  // "Below threshold (N)"

}  // namespace curcrunch::report
