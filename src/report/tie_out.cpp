#include "curcrunch/report/tie_out.hpp"

namespace curcrunch::report {

bool at_or_above(const std::optional<Amount>& min_cost, Amount a) {
    return !min_cost || a >= *min_cost || -a >= *min_cost;
}

TieOut cut_rows(size_t n, const std::function<bool(size_t)>& passes, size_t limit) {
    TieOut t;
    for (size_t i = 0; i < n; ++i) {
        if (!passes(i))
            t.below.push_back(i);
        else if (limit == 0 || t.shown.size() < limit)
            t.shown.push_back(i);
        else
            t.other.push_back(i);
    }
    return t;
}

std::string other_label(size_t n) {
    return "Other (" + std::to_string(n) + ")";
}

std::string below_label(size_t n) {
    return "Below threshold (" + std::to_string(n) + ")";
}

}  // namespace curcrunch::report
