#pragma once
// Reads a billing configuration file into the model of config.hpp: JSON syntax, field types,
// value formats and ranges, unknown fields (a typo must not silently fall back to a default).
// The first problem throws Error(input) as "<file>: <JSON path>: <what is wrong>". How the
// parts refer to each other is config_check.hpp's job.
#include <string>
#include <string_view>

#include "curcrunch/billing/config.hpp"

namespace curcrunch::billing {

BillingConfig load_billing_config(const std::string& path);
// The same from text already read; `name` is what messages call it.
BillingConfig parse_billing_config(std::string_view text, const std::string& name);

}  // namespace curcrunch::billing
