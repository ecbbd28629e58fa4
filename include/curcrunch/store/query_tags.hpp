#pragma once
// Cost by tag key or cost category (store/query.hpp Dimension::tag / category), and what the
// store holds of them, for pickers. Both live in the tag rollup (tag_daily): one row per
// (day, payer, account, service, key, value) holding the cost of the CUR rows carrying that
// value, each row under one value per key at most. Cost categories share it under their own key
// prefix.
//
// A query by a key gives one row per value and bucket, and an "untagged" row (empty key, label
// kUntaggedLabel): the cost of the filtered scope in the cost rollup minus the sum over the
// key's values, per bucket and measure, so the rows of a bucket always add up to its total.
#include <string>
#include <vector>

#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::store {

// The tag rollup's key prefix of cost categories (ingest/schema.hpp kCostCategoryPrefix).
inline constexpr const char* kCategoryKeyPrefix = "cost_category/";
inline constexpr const char* kUntaggedLabel = "untagged";

// The key as tag_daily holds it: `key` for a tag, kCategoryKeyPrefix + `key` for a category.
std::string stored_tag_key(Dimension kind, const std::string& key);

struct TagKey {
    Dimension kind = Dimension::tag;  // tag or category
    std::string key;                  // without the category prefix
};
// Every tag key, then every cost category key, each in key order.
std::vector<TagKey> tag_keys(Database& db);
// The values of one key in the store, in order.
std::vector<std::string> tag_values(Database& db, Dimension kind, const std::string& key);

}  // namespace curcrunch::store
