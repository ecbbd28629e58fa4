#pragma once
// `curcrunch fetch`: the batch job's first half. For every selected payer profile: credentials
// (Vault or environment), STS AssumeRole, Organizations accounts, CUR discovery and parallel
// downloads into a cache, ingest of each billing period (overlapping the next downloads), and
// optionally Cost Explorer, invoices with their documents, and payment instruments.
//
// Invariant kept here: a profile's billing period is ingested as soon as that profile delivered
// its files for the period completely, whatever the other profiles did; the ingest replaces the
// (payer, period) units those files hold and no other (store/schema.cpp). A profile's period
// that cannot be completed is left exactly as it was and reported; profiles not selected are
// not touched.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/fetch/credential_source.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/shard_plan.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::fetch {

// One unit of a shards file read from S3 (`fetch --shard`): one profile's delivery of one
// billing period, through exactly the manifest the unit names (s3://bucket/key) at the ETag it
// lists.
struct ShardTarget {
    std::string profile, bucket, manifest_key, etag;  // etag without its quotes
    Period period = 0;
    // From a unit of `shards --config`; Error(usage) for a unit that is not an S3 delivery.
    static ShardTarget of(const ingest::ShardUnit& unit);
};

struct FetchOptions {
    std::string config_path;
    std::vector<std::string> profiles;  // empty: every configured profile
    Period from = 0, to = 0;            // inclusive billing months
    std::string cache_dir = "curcrunch-cache";
    std::string archive_dir = "curcrunch-invoices";
    bool cost_explorer = false;  // opt-in: $0.01 per request
    bool invoices = true;
    std::string endpoint_url;   // --endpoint-url: every AWS service
    std::string ca_file;        // --ca-file; else AWS_CA_BUNDLE / VAULT_CACERT
    std::string error_log;      // JSON lines; empty: <cache_dir>/errors.jsonl
    std::string alert_webhook;  // POSTed a JSON summary when the run fails or partly fails
    int max_attempts = 5;
    int concurrency = 4;  // parallel downloads per profile
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds total_timeout{3600000};
    std::chrono::seconds stall_timeout{30};
    std::chrono::milliseconds backoff_base{200}, backoff_cap{20000};
    double rate_limit = 0;  // requests per second per service; 0: the defaults
    int breaker_threshold = 5;
    std::chrono::milliseconds breaker_cooldown{30000};
    VaultLogin vault;
    ingest::IngestOptions ingest;
    // Set: fetch only this unit (profiles, from and to must name it); accounts, invoices and
    // Cost Explorer are skipped, and profiles not fetched contribute nothing from the cache. A
    // delivery whose manifest ETag is no longer the listed one is not fetched (a failure).
    std::optional<ShardTarget> shard;
};

// interrupted: SIGINT or SIGTERM stopped the run at its next safe point (between requests,
// between a period's files, or inside an ingest, which writes nothing then); the periods
// ingested before it stay, each whole.
enum class FetchOutcome { ok, partial, failed, interrupted };

struct FetchReport {
    FetchOutcome outcome = FetchOutcome::ok;
    std::vector<std::string> problems;  // one line per failed part
    std::vector<std::string> notes;     // what was done, for the summary
    int periods_ingested = 0, periods_unchanged = 0, periods_failed = 0;
    int accounts = 0, invoices = 0, documents_downloaded = 0, documents_kept = 0;
    int accounts_placed = 0;  // accounts whose OU path this run read
    int ce_requests = 0;      // paid Cost Explorer requests sent (retries included)
    int retries = 0;
    int64_t run_id = 0;
    int signal = 0;  // interrupted: the signal (exit status 128 + signal)
};

const char* outcome_name(FetchOutcome o);

// Runs the whole job. Configuration and login failures throw (nothing is fetched); failures of
// single parts are collected in the report and decide its outcome. Inside an InterruptScope
// (core/interrupt.hpp), a signal stops the run at its next safe point; the token is still
// revoked, the run recorded and the alert sent (FetchOutcome::interrupted).
FetchReport run_fetch(const FetchOptions& options, store::Store& store);

// `curcrunch shards --config`: the CUR deliveries of the selected profiles in [from, to] as
// units (payer: the manifest's account, else the profile's account_id; version: the manifest's
// ETag). Writes no store; `outcome` and `problems` say which listings failed.
struct UnitListing {
    std::vector<ingest::ShardUnit> units;
    FetchOutcome outcome = FetchOutcome::ok;
    std::vector<std::string> problems;
};
UnitListing list_cur_units(const FetchOptions& options);

// AWS CLI conventions: --endpoint-url for every service, else AWS_ENDPOINT_URL_<SERVICE>, else
// the config file's endpoints.<service>, else AWS_ENDPOINT_URL, else AWS's own endpoint.
std::string resolve_endpoint(const std::string& service, const std::string& cli_url,
                             const FetchConfig& config, const std::string& aws_default);

}  // namespace curcrunch::fetch
