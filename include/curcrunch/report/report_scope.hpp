#pragma once
// What a report covers, in words: its title (distinct for a filtered report), the line under
// every page title, and the full scope page 1 prints (every account, service and region of the
// filters, never cut).
#include <functional>
#include <string>
#include <vector>

#include "curcrunch/report/report_params.hpp"

namespace curcrunch::report {

// "AWS cost report 2026-01-01 to 2026-12-31", and for a filtered report what it is limited to
// ("… · account 111111111111", "… · 3 accounts, service AmazonEC2").
std::string report_title(const ReportParams& p);
// "unblended cost", "net amortized cost", "public on-demand cost", ... (usage quantity is not a
// cost: "usage quantity").
std::string measure_label(store::Measure m);
// The page header: the period, the filters (counted when long) and the measure.
std::string header_line(const ReportParams& p);
// The full scope, one line per item ("Accounts: Prod (111111111111), 222222222222", ...), the
// accounts named by `account_label` when given.
std::vector<std::string> scope_lines(
    const ReportParams& p,
    const std::function<std::string(const std::string&)>& account_label = nullptr);

}  // namespace curcrunch::report
