#pragma once
// How a comparison is said, in the PDF and on the dashboard alike: which side is which ("this
// period $X vs previous period $Y", with dates), and a percentage only when both sides have
// data for every day ("n/a: no data for ...", "partial: N of M days" otherwise).
#include <string>

#include "curcrunch/core/money.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/store/view_coverage.hpp"

namespace curcrunch::report {

struct ComparisonText {
    std::string value;  // "+5.1%", "n/a" or "partial"
    std::string note;   // the sides with their amounts and dates, and why there is no percentage
};
ComparisonText comparison_text(const store::Comparison& c, const std::string& currency);

// "this period 2025-11-01 to 2026-10-31 ($1,234.56) vs previous period ... ($987.65)"
std::string comparison_sides(const store::Comparison& c, const std::string& currency);

// The note under "Data through": whether that month is final or still accruing, and the last
// ingest ("2026-10 accruing: AWS may still change it; last ingest 2026-11-02T05:00:00Z").
std::string data_through_note(const ReportData& d);

// How much of a window has data, for a note: "" when every day has the data of every payer,
// "no data", "data for 136 of 348 days", "data for every day; partial: payer 121111111111
// lacks 14 of 14 days".
std::string coverage_note(const store::WindowCoverage& w);

// A table row's change against the view's comparison: the percentage when the comparison has a
// like-for-like base, else "no data" or "partial".
std::string row_change(const store::Comparison& c, Amount now, Amount before);

}  // namespace curcrunch::report
