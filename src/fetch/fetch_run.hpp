#pragma once
// The inside of one `curcrunch fetch` run (private to src/fetch): the run's connections, each
// payer profile's session, the tally of what succeeded and failed, and the FetchRun that drives
// the stages. The stages live in their own files: fetch_job.cpp (set-up, credentials, the
// outcome), cur_periods.cpp (CUR discovery, downloads and period ingest), org_accounts.cpp
// (Organizations accounts and their OU paths), billing_parts.cpp (Cost Explorer, invoices).
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/aws/cur_sync.hpp"
#include "curcrunch/aws/json_service.hpp"
#include "curcrunch/aws/org_tree.hpp"
#include "curcrunch/aws/organizations.hpp"
#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/aws/sts_client.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/fetch/credential_source.hpp"
#include "curcrunch/fetch/fetch_job.hpp"
#include "curcrunch/ingest/input_plan.hpp"
#include "curcrunch/net/resilience.hpp"
#include "curcrunch/store/fetched_files.hpp"
#include "ingest_queue.hpp"

namespace curcrunch::fetch::detail {

bool is_expired_code(const std::string& code);

// One connection with its retry policy. Worker threads each get their own; all share the run's
// error log, rate limits and circuit breakers.
struct Connection {
    std::unique_ptr<net::HttpClient> http;
    std::unique_ptr<net::ResilientClient> client;
};

struct NetSetup {
    const FetchOptions& o;
    net::ErrorLog* log;
    std::shared_ptr<net::EndpointGuards> guards;
    // `stoppable`: the connection stops making requests once a SIGINT or SIGTERM arrived
    // (AWS work); Vault's and the alert's are not, so that the token is still revoked and the
    // run still reported after one.
    Connection make(const std::string& ca_file, bool stoppable = false) const;
};

// One payer profile during the run: its credentials, its assumed role, its S3 workers and what
// CUR discovery found for it.
struct ProfileRun {
    const ProfileConfig* cfg = nullptr;
    ProfileCredentials creds;
    std::string s3_endpoint, sts_endpoint;
    std::unique_ptr<aws::StsClient> sts;
    std::unique_ptr<aws::AssumeRoleProvider> role;
    const aws::Credentials* active = nullptr;  // base or the assumed role's (stable address)
    bool dead = false;                         // no usable credentials: every part skipped
    std::vector<Connection> workers;
    std::vector<std::unique_ptr<aws::S3Client>> s3;
    std::vector<std::vector<aws::CurPeriodPlan>> plans;  // per CUR source
    bool cur_failed = false;                             // a CUR listing failed

    // Runs `fn`; when the service says the session expired, assumes the role again and runs
    // it once more.
    template <class F>
    auto with_fresh_credentials(net::ResilientClient& client, F&& fn) -> decltype(fn()) {
        try {
            return fn();
        } catch (const Error&) {
            if (!role || !is_expired_code(client.last_error_code())) throw;
            log::warn("profile " + cfg->name + ": session expired early; assuming the role again");
            role->refresh();
            return fn();
        }
    }
    // <cache>/<profile>/<bucket>, absolute.
    std::string cache_root(const FetchOptions& o, const CurSource& s) const;
};

// Records each part's success or failure for the outcome. Called from the main thread and the
// ingest thread.
struct Tally {
    explicit Tally(FetchReport& report) : r(report) {}
    FetchReport& r;
    int ok = 0, failed = 0;
    std::mutex m;
    void good();
    void bad(const std::string& what);
};

class FetchRun {
  public:
    FetchRun(const FetchOptions& o, store::Store& store);
    FetchReport run();
    // Credentials and CUR discovery only (cur_units.cpp): the deliveries as shard units.
    UnitListing list();

  private:
    // fetch_job.cpp
    void set_up_network();
    void start_profiles();
    // Checkpoint between steps, when no request is in flight: false once the run has stopped
    // because the Vault token could not be kept (the reason is recorded once) or a SIGINT or
    // SIGTERM arrived; else takes over credentials the source read again meanwhile.
    bool can_go_on();
    void pick_up_new_credentials();
    // Vault's AWS credentials were read again since the profiles took theirs (the old ones are
    // revoked with the token they came with).
    bool credentials_replaced() const {
        return source_ && source_->generation() != credentials_seen_;
    }
    void finish_report();
    std::string endpoint(const std::string& service, const std::string& aws_default) const {
        return resolve_endpoint(service, o_.endpoint_url, config_, aws_default);
    }
    aws::JsonService service(aws::JsonService s) const {
        s.endpoint = endpoint(s.name, s.endpoint);
        return s;
    }

    // cur_periods.cpp
    void fetch_cur();
    // fn() through pr.with_fresh_credentials, and once more with Vault's newer AWS credentials
    // when it failed after the run's were replaced (see discover_source).
    template <class F>
    auto with_current_credentials(ProfileRun& pr, net::ResilientClient& client, F&& fn)
        -> decltype(fn()) {
        try {
            return pr.with_fresh_credentials(client, fn);
        } catch (const Error&) {
            if (!credentials_replaced()) throw;
        }
        pick_up_new_credentials();
        log::warn("profile " + pr.cfg->name +
                  ": the AWS credentials from Vault were replaced during a request; "
                  "trying it again with the new ones");
        return pr.with_fresh_credentials(client, fn);
    }
    std::set<Period> discover_periods();
    // aws::discover_cur of `src` with the profile's first S3 client; once more with Vault's
    // newer AWS credentials when it failed, or read a manifest it could not, after the run's
    // were replaced (Vault revokes the old ones with their token, between checkpoints too).
    std::vector<aws::CurPeriodPlan> discover_source(ProfileRun& pr, const CurSource& src);
    // Downloads one profile's files of `p`; false when it cannot deliver them all. `written`
    // gets the digest of each file a download wrote, by its normal path (DownloadedDigests).
    bool download_period(ProfileRun& pr, Period p, std::vector<ingest::InputUnit>& units,
                         bool& changed, DownloadedDigests& written);
    // One profile's files of a period; after an expired session or replaced Vault credentials
    // the rest is downloaded once more with fresh credentials.
    aws::SyncedPeriod download_plan(ProfileRun& pr, const CurSource& src,
                                    const aws::CurPeriodPlan& plan);
    // --shard (cur_units.cpp): whether `src` of `pr` can hold the unit, and the unit's plan
    // among `plans` (empty, with the problem recorded, when the listing no longer has it at
    // the listed ETag).
    bool holds_shard(const ProfileRun& pr, const CurSource& src) const;
    std::vector<aws::CurPeriodPlan> shard_plan(const ProfileRun& pr,
                                               std::vector<aws::CurPeriodPlan> plans);
    // True when the store's copy of the profile's period `p` came from exactly these files.
    bool period_unchanged(const ProfileRun& pr, Period p,
                          const std::vector<ingest::InputUnit>& units,
                          const std::vector<store::FetchedFile>& files);

    // org_accounts.cpp
    void fetch_accounts();
    // The OU path of each account, until the first failure (what was read is kept).
    std::map<std::string, aws::OrgPlacement> org_placements(
        ProfileRun& pr, aws::JsonServiceClient& orgs, const std::vector<aws::OrgAccount>& accounts);

    // billing_parts.cpp
    void fetch_cost_explorer();
    void fetch_invoices();
    void invoices_of(ProfileRun& pr, const std::string& account);
    void invoices_of_period(ProfileRun& pr, const std::string& account, Period p,
                            aws::JsonServiceClient& inv, const std::string& method);

    const FetchOptions& o_;
    store::Store& store_;
    FetchConfig config_;
    FetchReport report_;
    Tally tally_;
    std::string started_;
    std::vector<std::string> names_;
    std::unique_ptr<net::ErrorLog> error_log_;
    std::unique_ptr<NetSetup> net_;
    Connection aws_, vault_;
    std::string aws_ca_;
    // The CUR buckets' regions, where not their profile's: the configuration's, then what S3's
    // redirects said; shared by every S3 client of the run (set_up_network).
    std::shared_ptr<aws::BucketRegions> bucket_regions_;
    std::unique_ptr<CredentialSource> source_;
    uint64_t credentials_seen_ = 0;  // source_->generation() the profiles use
    bool stopped_ = false;           // the Vault token was lost: no further step starts
    std::vector<std::unique_ptr<ProfileRun>> runs_;
};

}  // namespace curcrunch::fetch::detail
