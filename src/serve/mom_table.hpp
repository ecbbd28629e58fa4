#pragma once
// A month-over-month table (store/query_mom.hpp) as HTML: one row per key, one column per month
// holding the month's amount and, under it, its change against the month before in money and
// percent; "Other" and the total in the footer; 50 rows a page. A month whose data is partial
// says so in its heading and is not compared.
#include <string>

#include "grouping.hpp"

namespace curcrunch::serve {

// A row's label links to `path` narrowed to that row (service, account, payer or tag value).
std::string mom_table(const ViewContext& c, const store::MonthOverMonth& mom, const ViewGrouping& g,
                      const std::string& path, const std::string& caption);

}  // namespace curcrunch::serve
