#pragma once
// The values a filter names (--account, --service, --region; the dashboard's account=, service=,
// region=) are checked against the store before a figure is computed: a mistyped one would
// select no rows at all, and a report of "$0.00" looks like a figure, not a typo.
#include <string>
#include <vector>

#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

// At most this many bytes in a filter value: service codes and names, regions and account ids
// are short; the bound keeps a value inside a URL and an error message.
inline constexpr size_t kMaxFilterValueBytes = 1024;

// Non-empty, at most kMaxFilterValueBytes, valid UTF-8 and without control characters: any text
// a rollup can hold (an ingest keeps codes and names as the export writes them).
bool is_filter_value_text(std::string_view v);

// Throws Error(usage) naming `name` when one of `values` is held by no rollup cell of the store
// ("--service: no service 'AmazonEC3' in the store"). `what` names the kind of value.
void require_values_in_store(Database& db, const std::vector<std::string>& values,
                             const std::string& name, const std::string& what);

}  // namespace curcrunch::store
