#include "curcrunch/cli/fetch_options.hpp"

#include <cstdlib>

#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::cli {
namespace {

std::string seconds_text(std::chrono::milliseconds ms) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ms).count());
}

}  // namespace

void FetchConnectionOptions::declare_selection(OptionSet& o, const std::string& config_default) {
    o.value("--config", config, "FILE", "profile configuration (JSON, no secrets)", config_default);
    o.list("--profile", profiles, "NAME", "only these profiles", "all");
    o.value("--from", from, "YYYY-MM", "first billing month", "11 months before --to");
    o.value("--to", to, "YYYY-MM", "last billing month", "the current month");
}

void FetchConnectionOptions::declare_connection(OptionSet& o) {
    const fetch::FetchOptions d;  // the defaults --help shows
    o.value("--endpoint-url", endpoint_url, "URL", "send every AWS request to this endpoint",
            "per service: AWS_ENDPOINT_URL_<SERVICE>, the config, AWS_ENDPOINT_URL, AWS");
    o.value("--ca-file", ca_file, "FILE", "PEM bundle of trusted CAs for every connection",
            "AWS_CA_BUNDLE / VAULT_CACERT, else the system's");
    o.value("--error-log", error_log, "FILE", "JSON lines, one per failed attempt",
            "CACHE-DIR/errors.jsonl");
    o.value("--max-attempts", max_attempts, "N", "attempts per request, retries included",
            std::to_string(d.max_attempts));
    o.value("--connect-timeout", connect_timeout, "S", "connect timeout in seconds",
            seconds_text(d.connect_timeout));
    o.value("--timeout", timeout, "S", "total seconds per request", seconds_text(d.total_timeout));
    o.value("--stall-timeout", stall_timeout, "S", "seconds a transfer may stall below 1 byte/s",
            std::to_string(d.stall_timeout.count()));
    o.value("--retry-base-ms", retry_base_ms, "MS", "backoff base",
            std::to_string(d.backoff_base.count()));
    o.value("--retry-cap-ms", retry_cap_ms, "MS",
            "longest wait between attempts, a service's Retry-After included",
            std::to_string(d.backoff_cap.count()));
    o.value("--rate-limit", rate_limit, "N", "requests per second per service",
            "100 for S3, 10 for STS, 5 for billing services, 50 for Vault");
    o.value("--breaker-threshold", breaker_threshold, "N",
            "failures in a row (no answer, 5xx, throttling) that open an endpoint's circuit",
            std::to_string(d.breaker_threshold));
    o.value("--breaker-cooldown", breaker_cooldown, "S", "seconds an open circuit stays open",
            seconds_text(d.breaker_cooldown));
    o.value("--role-id-file", role_id_file, "FILE", "read the AppRole role_id from FILE",
            "$VAULT_ROLE_ID");
    o.value("--secret-id-file", secret_id_file, "FILE", "read the AppRole secret_id from FILE",
            "$VAULT_SECRET_ID");
    o.flag("--secret-id-wrapped", secret_id_wrapped,
           "the secret_id is a response-wrapping token (unwrapped once)");
}

void FetchConnectionOptions::apply(fetch::FetchOptions& o) const {
    if (config) {
        o.config_path = *config;
    } else {
        const char* e = std::getenv("CURCRUNCH_FETCH_CONFIG");
        o.config_path = e && *e ? e : "curcrunch-fetch.json";
    }
    o.profiles = profiles;
    o.to = to ? parse_month("--to", *to) : period_of(today_utc());
    o.from = from ? parse_month("--from", *from) : add_months(o.to, -11);
    if (o.from > o.to) throw_usage("--from is after --to");
    if (endpoint_url) o.endpoint_url = *endpoint_url;
    if (ca_file) o.ca_file = *ca_file;
    if (error_log) o.error_log = *error_log;
    if (max_attempts) o.max_attempts = parse_int("--max-attempts", *max_attempts, 1, 20);
    if (connect_timeout)
        o.connect_timeout =
            std::chrono::seconds(parse_int("--connect-timeout", *connect_timeout, 1, 600));
    if (timeout) o.total_timeout = std::chrono::seconds(parse_int("--timeout", *timeout, 1, 86400));
    if (stall_timeout)
        o.stall_timeout =
            std::chrono::seconds(parse_int("--stall-timeout", *stall_timeout, 1, 3600));
    if (retry_base_ms)
        o.backoff_base =
            std::chrono::milliseconds(parse_int("--retry-base-ms", *retry_base_ms, 0, 60000));
    if (retry_cap_ms)
        o.backoff_cap =
            std::chrono::milliseconds(parse_int("--retry-cap-ms", *retry_cap_ms, 0, 600000));
    if (rate_limit) o.rate_limit = parse_int("--rate-limit", *rate_limit, 1, 10000);
    if (breaker_threshold)
        o.breaker_threshold = parse_int("--breaker-threshold", *breaker_threshold, 1, 1000);
    if (breaker_cooldown)
        o.breaker_cooldown =
            std::chrono::seconds(parse_int("--breaker-cooldown", *breaker_cooldown, 1, 3600));
    if (role_id_file) o.vault.role_id_file = *role_id_file;
    if (secret_id_file) o.vault.secret_id_file = *secret_id_file;
    o.vault.secret_id_wrapped = secret_id_wrapped;
}

}  // namespace curcrunch::cli
