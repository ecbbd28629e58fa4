#pragma once
// The figures of the Categories page and its JSON twin: the view's amounts by the values of one
// tag key or cost category, over the period and by month, and the untagged part.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grouping.hpp"

namespace curcrunch::serve {

struct CategoryValue {
    std::string key, label;  // key "" with label "untagged": the cost no value covers
    Amount amount = 0;
    std::map<std::string, Amount> by_month;  // "2026-10"
};

struct CategoryFigures {
    ViewGrouping grouping;  // name empty: the store holds no tag keys or cost categories
    std::shared_ptr<const std::vector<store::ResultRow>> rows;
    std::vector<CategoryValue> values;  // largest first, untagged among them
    std::vector<std::string> months;    // with any amount, in order
    Amount total = 0, untagged = 0;
};

// Throws Error(usage) when the view's `by` is not a tag key or cost category.
CategoryFigures category_figures(const ViewContext& c);

// Whether the view's value picker keeps `key` ("" : untagged).
bool value_shown(const ViewParams& v, const std::string& key);

}  // namespace curcrunch::serve
