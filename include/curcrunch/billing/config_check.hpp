#pragma once
// How the parts of a billing configuration refer to each other (what `billing check` adds to
// loading): unique ids; references to customers, rules, plans, groups, meters, aggregations and
// usage plans that exist; an account in at most one billing group in any month; one pricing
// plan per group and month, covering the group's months; no two rules of a plan with the same
// scope; subscriptions of one usage account that do not overlap; usage plans in their
// customers' currency. Accounts the store does not know are warnings, not errors.
#include <string>
#include <vector>

#include "curcrunch/billing/config.hpp"

namespace curcrunch::billing {

struct ConfigProblem {
    bool error = true;  // false: a warning
    std::string path;   // JSON path of the value concerned
    std::string message;
};

// `known_accounts`: account ids the store has seen (empty: no store, no account warnings).
std::vector<ConfigProblem> check_billing_config(const BillingConfig& c,
                                                const std::vector<std::string>& known_accounts);

// Throws Error(input) with every error, one per line ("<file>: <path>: <message>"), when
// `problems` holds at least one; warnings are returned as text lines.
std::vector<std::string> raise_config_errors(const BillingConfig& c,
                                             const std::vector<ConfigProblem>& problems);

}  // namespace curcrunch::billing
