#pragma once
// What the pages that group share (month over month, Categories, their JSON twins): the store
// query of a view, the grouping it asks for (`by`), the rows of that grouping by month and the
// month-over-month table, both computed once per view and store version (Site's memos), and the
// form that picks the grouping.
#include <memory>
#include <string>
#include <vector>

#include "curcrunch/store/query.hpp"
#include "curcrunch/store/query_mom.hpp"
#include "site.hpp"

namespace curcrunch::serve {

struct ViewGrouping {
    store::Dimension by = store::Dimension::service;
    std::string key;    // tag key or cost category (by = tag / category)
    std::string name;   // as a URL carries it: "service", "tag:team"
    std::string title;  // "service", "tag team", "cost category cost_center"
    bool tagged() const { return by == store::Dimension::tag || by == store::Dimension::category; }
};

// The view's `by`, else `fallback` (a URL's name: "service", or the first key of the store).
ViewGrouping grouping_of(const ViewParams& v, const std::string& fallback);

// The view's filters and measure as a store query over [from, to] (grouping and grain unset).
store::Query view_query(const ViewParams& v);

// The view's amounts by month and `g` over [from, to], every row ("untagged" included).
std::shared_ptr<const std::vector<store::ResultRow>> rows_by_month(const ViewContext& c,
                                                                   const ViewGrouping& g);
// The last v.months months up to the view's last day by `g`.
std::shared_ptr<const store::MonthOverMonth> month_over_month(const ViewContext& c,
                                                              const ViewGrouping& g);
// The values the store holds for a tag key or cost category, in order.
std::shared_ptr<const std::vector<std::string>> values_of(const ViewContext& c,
                                                          const ViewGrouping& g);

// Hidden inputs carrying the view's parameters but `drop` (a form that changes only those).
std::string hidden_fields(const ViewParams& v, const std::vector<std::string>& drop);

// A GET form to `path` choosing `by`: the dimensions when `dimensions`, then every tag key and
// cost category of the store; `extra` goes before the button.
std::string grouping_form(const ViewContext& c, const std::string& path, const ViewGrouping& g,
                          bool dimensions, const std::string& extra = "");

// What a month's column heading says of its coverage: "partial: 20 of 31 days", "accruing",
// "no data", or "" for a complete month.
std::string month_note(const store::MomMonth& m);

}  // namespace curcrunch::serve
