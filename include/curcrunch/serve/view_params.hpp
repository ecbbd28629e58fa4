#pragma once
// The dashboard's filters, read from a URL's query string and written back into links, so every
// view can be bookmarked and shared. Every value is checked against what it may be (dates,
// preset names, account ids, amounts, column names); anything else is a 400 with a message
// naming the parameter — nothing unchecked goes anywhere, and SQL only ever sees bound values.
#include <map>
#include <string>
#include <vector>

#include "curcrunch/report/report_params.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::serve {

struct ViewParams {
    report::ReportParams report;
    std::string sort;  // column key of the page's table ("" : the page's default)
    bool descending = true;
    int page = 1;  // 1-based, tables of 50 rows
    bool explicit_dates = false;
    std::string group;  // the Accounts page's rows: "" or "account" (one per account), "ou"
    // What as_of is when the URL does not say: the store's last day with data, so views end
    // where the data ends (store/view_coverage.hpp). Links carry as_of only when it differs.
    Day default_as_of = 0;
    bool explicit_as_of = false;  // the URL gave as_of: links keep it, whatever the data
    // The URL chose report.currency (currency=); otherwise it is the one the view's rows hold
    // (serve/currency_choice.hpp), and links leave it out.
    bool explicit_currency = false;
    // The rows of the pages that group (month over month, Categories, their JSON): a dimension
    // (service, account, payer) or a tag key or cost category ("tag:team", "category:CostCenter",
    // keys as the store holds them). Empty: the page's default.
    std::string by;
    // Month over month: how many months, ending with the view's last day; 0: the months the
    // view spans, 2 to 6 (mom_months).
    int months = 0;
    // Categories: the values of the chosen key shown ("" for untagged); empty: every value.
    std::vector<std::string> values;
};

// The measures a view can sum, in the toggle's order, with the name a URL carries
// (store::measure_name) and what a page says it shows.
struct MeasureChoice {
    store::Measure measure;
    std::string name, label;
};
const std::vector<MeasureChoice>& measure_choices();

// The months of the month-over-month tables of `v`.
int mom_months(const ViewParams& v);
const std::string& measure_label(store::Measure m);

using QueryParams = std::multimap<std::string, std::string>;

// Throws Error(usage) with a message for the user ("from: expected YYYY-MM-DD, got ...").
// `default_as_of` is the day presets count back from unless the URL gives as_of.
ViewParams parse_view_params(const QueryParams& q, Day default_as_of);

// Throws Error(usage) when a payer, account, service or region `v` filters by is not in the
// store: it would select nothing, a view of $0.00 (store/filter_values.hpp).
void require_view_filters_in_store(store::Database& db, const ViewParams& v);

// The query string for `v` ("?from=...&to=..."), with `set` entries replacing or adding
// parameters and `drop` removing them. The values of the list parameters (account, service,
// region, payer, value) are written escaped, as parse_view_params reads them back
// (core/value_list.hpp): a `set` entry of one of them is one value, whatever commas it holds.
std::string query_string(const ViewParams& v, const std::map<std::string, std::string>& set = {},
                         const std::vector<std::string>& drop = {});

// The same as (name, value) pairs, not URL-encoded (list values escaped all the same): the
// hidden fields of a form that keeps the view.
std::vector<std::pair<std::string, std::string>> query_pairs(
    const ViewParams& v, const std::map<std::string, std::string>& set = {},
    const std::vector<std::string>& drop = {});

std::string url_encode(const std::string& s);

}  // namespace curcrunch::serve
