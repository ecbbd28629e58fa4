#pragma once
// Month over month: the last N months of a view by a dimension (service, account, payer, a tag
// key or a cost category, store/query.hpp), each month's amount of the chosen measure and its
// change against the month before, like for like (store/view_coverage.hpp): a month the data
// ends in is compared with the same days of the month before, a month with a gap in its data is
// flagged partial and not compared, a month without data has no amount (never a zero).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/view_coverage.hpp"

namespace curcrunch::store {

struct MomQuery {
    // Filters, measure and dimension (by, tag_key); its dates, grain, threshold, sort and limit
    // are not used.
    Query scope;
    int months = 6;  // how many months, ending with the month of `end`
    Day end = 0;     // the view's last day (a default: store/view_coverage.hpp default_as_of)
    // Rows kept, largest in the last month first; the rest summed into `other` (0: every row).
    size_t top = 0;
};

struct MomMonth {
    Period month = 0;
    WindowCoverage coverage;             // of the month up to `end`
    std::optional<PeriodStatus> status;  // of its billing period over the payers in scope
    // Not every day of the month (up to `end`) has data, or its billing period still accrues.
    bool partial = false;
    // The windows the change is computed over (amounts are the total row's).
    Comparison compared;
};

struct MomCell {
    std::optional<Amount> amount;  // the month's; empty when the month has no data
    Amount previous = 0;           // the month before, over the like-for-like window
    Amount now = 0;                // this month over the same window (= amount unless cut)
    bool comparable = false;
    Amount change() const { return now - previous; }
    std::string percent;  // "+12.3%", "n/a: no data for ...", "partial: 20 of 31 days (...)"
    // The month's coverage as this row has it: the month's (MomMonth) but in a table by payer,
    // where each payer's row has its own days, status and like-for-like windows (one payer's
    // month not delivered yet is that payer's gap, not the others').
    bool partial = false;
    std::optional<PeriodStatus> status;
    DateRange current, previous_window;  // the windows `now` and `previous` are sums over
};

struct MomRow {
    std::string key, label;      // as run_query gives them ("" and "untagged" for untagged)
    std::vector<MomCell> cells;  // one per month, oldest first
};

struct MonthOverMonth {
    Measure measure = Measure::unblended;
    Dimension by = Dimension::service;
    std::string tag_key;
    std::vector<MomMonth> months;  // oldest first
    std::vector<MomRow> rows;      // by the last month's amount, largest first
    std::optional<MomRow> other;   // key "other", label "Other (N)": the rows past `top`
    MomRow total;                  // key "total"
};

// Errors: Error(usage) for months outside 1..120, and run_query's.
MonthOverMonth month_over_month(Database& db, const MomQuery& q);

// The same table from amounts the caller already has (a report sums them in its one scan):
// `amounts` gives the view's amounts by row key over a window [from, to] (every window lies in
// the months of the table and the month before its first), `label` a key's label. `q.scope`
// gives only the measure and the dimension here.
struct MomSource {
    std::function<std::map<std::string, Amount>(Day from, Day to)> amounts;
    std::function<std::string(const std::string& key)> label;
};
MonthOverMonth month_over_month(const ViewCoverage& cov, const MomQuery& q, const MomSource& src);

}  // namespace curcrunch::store
