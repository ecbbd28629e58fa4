#pragma once
// The options of `fetch` that choose the profiles and months and say how to reach AWS and Vault;
// `shards --config` lists S3 deliveries with the same ones.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/cli/options.hpp"
#include "curcrunch/fetch/fetch_job.hpp"

namespace curcrunch::cli {

struct FetchConnectionOptions {
    std::optional<std::string> config, from, to, endpoint_url, ca_file, error_log, max_attempts,
        connect_timeout, timeout, stall_timeout, retry_base_ms, retry_cap_ms, rate_limit,
        breaker_threshold, breaker_cooldown, role_id_file, secret_id_file;
    std::vector<std::string> profiles;
    bool secret_id_wrapped = false;

    // --config, --profile, --from, --to.
    void declare_selection(OptionSet& o, const std::string& config_default);
    // Endpoints, CAs, the error log, retries, timeouts, rate limits, circuit breakers, Vault.
    void declare_connection(OptionSet& o);
    // Into `o`: every option given (usage errors for bad values); months default to the 12
    // months up to the current one.
    void apply(fetch::FetchOptions& o) const;
};

}  // namespace curcrunch::cli
