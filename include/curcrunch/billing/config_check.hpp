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

// A currency the store has costs of an account in, for a month (store_currencies,
// billing_run.hpp).
struct StoreCurrency {
    std::string account;
    Period period = 0;
    std::string currency;
};

// A pricing unit the store has usage of an account's service in (store_units, billing_run.hpp).
struct StoreUnit {
    std::string account, service, unit;
};

// `known_accounts`: account ids the store has seen (empty: no store, no account warnings).
// `currencies`: with a store, a customer whose group has costs in a currency that is neither
// the customer's nor its exchange rate's is an error (what `billing run` would refuse).
// `units`: with a store, a tiering rule limited to a unit that none of the usage of its
// service (any service for a global rule) in its groups' accounts is in is a warning (a
// misspelt unit would tier nothing).
std::vector<ConfigProblem> check_billing_config(const BillingConfig& c,
                                                const std::vector<std::string>& known_accounts,
                                                const std::vector<StoreCurrency>& currencies = {},
                                                const std::vector<StoreUnit>& units = {});

// The problem of a customer billed in another currency than its group's costs, without an
// exchange rate from it (said the same by `billing check` and `billing run`).
std::string missing_exchange_rate(const Customer& cu, const std::string& from,
                                  const std::string& group);

// Throws Error(input) with every error, one per line ("<file>: <path>: <message>"), when
// `problems` holds at least one; warnings are returned as text lines.
std::vector<std::string> raise_config_errors(const BillingConfig& c,
                                             const std::vector<ConfigProblem>& problems);

}  // namespace curcrunch::billing
