#include "curcrunch/fetch/fetch_job.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/fetch/alert.hpp"
#include "curcrunch/net/url_parts.hpp"
#include "curcrunch/store/billing_records.hpp"
#include "env_text.hpp"
#include "fetch_run.hpp"

namespace curcrunch::fetch {
namespace fs = std::filesystem;
namespace detail {

bool is_expired_code(const std::string& c) {
    return c == "ExpiredToken" || c == "ExpiredTokenException" || c == "RequestExpired" ||
           c == "TokenRefreshRequired";
}

Connection NetSetup::make(const std::string& ca_file, bool stoppable) const {
    net::ClientOptions co;
    co.ca_file = ca_file;
    co.connect_timeout = o.connect_timeout;
    co.total_timeout = o.total_timeout;
    co.low_speed_time = o.stall_timeout;
    Connection c;
    c.http = std::make_unique<net::HttpClient>(co);
    net::RetryPolicy rp;
    rp.max_attempts = o.max_attempts;
    rp.base = o.backoff_base;
    rp.cap = o.backoff_cap;
    c.client =
        std::make_unique<net::ResilientClient>(*c.http, rp, log, std::random_device{}(), guards);
    if (stoppable) c.client->stop_when([] { return interrupt_signal() != 0; });
    return c;
}

std::string ProfileRun::cache_root(const FetchOptions& o, const CurSource& s) const {
    return (fs::absolute(o.cache_dir) / cfg->name / s.bucket).string();
}

void Tally::good() {
    std::lock_guard<std::mutex> l(m);
    ++ok;
}

void Tally::bad(const std::string& what) {
    std::lock_guard<std::mutex> l(m);
    ++failed;
    r.problems.push_back(what);
    log::error(what);
}

namespace {

// Every URL a run may send a secret to, checked before it sends anything: a usage error naming
// the setting when one is plain http to another machine (net/url_parts.hpp).
void refuse_cleartext_settings(const FetchOptions& o, const FetchConfig& config) {
    if (std::string v = env_text("VAULT_ADDR"); !v.empty())
        net::require_safe_transport(v, "VAULT_ADDR");
    for (const char* service : {"s3", "sts", "ce", "organizations", "invoicing", "payments"})
        resolve_endpoint(service, o.endpoint_url, config, "https://");
    if (!o.alert_webhook.empty())
        net::require_safe_transport(o.alert_webhook, "--alert-webhook");
    else if (std::string v = env_text("CURCRUNCH_ALERT_WEBHOOK"); !v.empty())
        net::require_safe_transport(v, "CURCRUNCH_ALERT_WEBHOOK");
}

}  // namespace

FetchRun::FetchRun(const FetchOptions& o, store::Store& store)
    : o_(o),
      store_(store),
      config_(load_fetch_config(o.config_path)),
      tally_(report_),
      started_(store::now_utc_iso()) {
    refuse_cleartext_settings(o_, config_);
}

void FetchRun::set_up_network() {
    fs::create_directories(o_.cache_dir);
    const std::string log_path =
        o_.error_log.empty() ? (fs::path(o_.cache_dir) / "errors.jsonl").string() : o_.error_log;
    error_log_ = std::make_unique<net::ErrorLog>(log_path);
    auto guards = std::make_shared<net::EndpointGuards>();
    guards->set_breaker(o_.breaker_threshold, o_.breaker_cooldown);
    // Defaults stay well under the documented or observed service quotas.
    const std::map<std::string, double> rates = {
        {"s3", 100},      {"sts", 10},     {"organizations", 5}, {"ce", 5},
        {"invoicing", 5}, {"payments", 5}, {"vault", 50}};
    for (const auto& [svc, rate] : rates) {
        const double r = o_.rate_limit > 0 ? o_.rate_limit : rate;
        guards->set_rate_limit(svc, r, std::max(1.0, r));
    }
    net_ = std::make_unique<NetSetup>(NetSetup{o_, error_log_.get(), guards});
    aws_ca_ = !o_.ca_file.empty() ? o_.ca_file : env_text("AWS_CA_BUNDLE");
    aws_ = net_->make(aws_ca_, true);
    bucket_regions_ = std::make_shared<aws::BucketRegions>();
    for (const auto& p : config_.profiles)
        for (const CurSource& src : p.cur)
            if (!src.region.empty()) bucket_regions_->set(src.bucket, src.region);
    vault_ = net_->make(!o_.ca_file.empty() ? o_.ca_file : env_text("VAULT_CACERT"));
}

void FetchRun::start_profiles() {
    auto creds = source_->resolve(names_);
    credentials_seen_ = source_->generation();
    for (const std::string& name : names_) {
        auto pr = std::make_unique<ProfileRun>();
        for (const auto& p : config_.profiles)
            if (p.name == name) pr->cfg = &p;
        pr->creds = std::move(creds.at(name));
        const std::string& region = pr->creds.region;
        pr->s3_endpoint = endpoint("s3", aws::regional_endpoint("s3", region));
        pr->sts_endpoint = endpoint("sts", aws::regional_endpoint("sts", region));
        pr->active = &pr->creds.base;
        if (!pr->creds.unusable.empty()) {
            pr->dead = true;
            tally_.bad("profile " + name + ": " + pr->creds.unusable +
                       "; nothing is fetched for this profile");
        } else if (!pr->creds.role_arn.empty()) {
            pr->sts = std::make_unique<aws::StsClient>(*aws_.client, pr->creds.base, region,
                                                       pr->sts_endpoint);
            pr->role = std::make_unique<aws::AssumeRoleProvider>(*pr->sts, pr->creds.role_arn,
                                                                 pr->creds.session_name);
            try {
                pr->active = &pr->role->get();
                log::info("profile " + name + ": assumed " + pr->creds.role_arn +
                          " (credentials from " + pr->creds.source + ")");
            } catch (const Error& e) {
                pr->dead = true;
                tally_.bad("profile " + name + ": " + e.what() +
                           "; nothing is fetched for this profile");
            }
        }
        runs_.push_back(std::move(pr));
    }
}

bool FetchRun::can_go_on() {
    if (stopped_) return false;
    if (interrupt_signal() != 0) {
        stopped_ = true;
        log::warn("interrupted: the run stops here (what is stored stays, each period whole)");
        return false;
    }
    const std::string why = source_ ? source_->lost() : std::string();
    if (why.empty()) {
        pick_up_new_credentials();
        return true;
    }
    stopped_ = true;
    tally_.bad(why + "; the run stopped here");
    return false;
}

void FetchRun::pick_up_new_credentials() {
    if (!credentials_replaced()) return;
    credentials_seen_ = source_->generation();
    auto creds = source_->resolve(names_);
    for (auto& pr : runs_) {
        // In place: the STS and S3 clients hold references to these objects. No request is
        // in flight at a checkpoint.
        pr->creds.base = std::move(creds.at(pr->cfg->name).base);
    }
    log::info("every profile now uses the AWS credentials read with the new Vault token");
}

void FetchRun::finish_report() {
    for (auto& pr : runs_)
        for (auto& w : pr->workers)
            report_.retries += w.client->stats().retries;
    report_.retries += aws_.client->stats().retries + vault_.client->stats().retries;
    report_.outcome = tally_.failed == 0 ? FetchOutcome::ok
                      : tally_.ok == 0   ? FetchOutcome::failed
                                         : FetchOutcome::partial;
    if (const int sig = interrupt_signal(); sig != 0) {
        report_.outcome = FetchOutcome::interrupted;
        report_.signal = sig;
        tally_.bad(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                   ": the run stopped at its next safe point; " +
                   std::to_string(report_.periods_ingested) +
                   " CUR period(s) stored before it stay, each whole, the rest are as they were");
    }
    store::FetchRunRecord rec;
    rec.started_at = started_;
    rec.outcome = outcome_name(report_.outcome);
    for (const auto& n : names_)
        rec.profiles.append(rec.profiles.empty() ? "" : ",").append(n);
    for (const auto& p : report_.problems)
        rec.problems.append(p).append("\n");
    rec.periods_ingested = report_.periods_ingested;
    rec.periods_failed = report_.periods_failed;
    rec.ce_requests = report_.ce_requests;
    rec.retries = report_.retries;
    report_.run_id = store::record_fetch_run(store_.db(), rec);
    const std::string webhook =
        !o_.alert_webhook.empty() ? o_.alert_webhook : env_text("CURCRUNCH_ALERT_WEBHOOK");
    if (report_.outcome != FetchOutcome::ok && !webhook.empty()) {
        AlertSummary a;
        a.outcome = rec.outcome;
        a.exit_code = report_.outcome == FetchOutcome::failed        ? 5
                      : report_.outcome == FetchOutcome::interrupted ? 128 + report_.signal
                                                                     : 6;
        a.started_at = started_;
        a.finished_at = store::now_utc_iso();
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        a.host = host;
        a.profiles = names_;
        a.problems = report_.problems;
        a.periods_ingested = report_.periods_ingested;
        a.periods_failed = report_.periods_failed;
        Connection c = net_->make(o_.ca_file);
        if (post_alert(*c.client, webhook, a)) log::info("alert sent to the webhook");
    }
}

FetchReport FetchRun::run() {
    if (o_.profiles.empty())
        for (const auto& p : config_.profiles)
            names_.push_back(p.name);
    else
        names_ = o_.profiles;
    set_up_network();
    try {
        source_ = std::make_unique<CredentialSource>(config_, o_.vault, *vault_.client);
        start_profiles();
        if (!o_.shard && can_go_on()) fetch_accounts();
        if (can_go_on()) fetch_cur();
        if (can_go_on()) fetch_cost_explorer();
        if (can_go_on()) fetch_invoices();
    } catch (const Error& e) {
        // A service failed the whole run (Vault login, the KV read): record it and alert. An
        // interrupted request is said once, by finish_report.
        if (e.kind() != ErrorKind::remote && e.kind() != ErrorKind::interrupted) throw;
        if (e.kind() == ErrorKind::remote) tally_.bad(e.what());
    }
    // The run's data is in; the token's end is housekeeping: a failure is a warning only.
    if (source_) {
        if (std::string warning = source_->finish(); !warning.empty()) {
            log::warn(warning);
            report_.notes.push_back(warning);
        }
    }
    finish_report();
    return report_;
}

}  // namespace detail

const char* outcome_name(FetchOutcome o) {
    switch (o) {
        case FetchOutcome::ok:
            return "ok";
        case FetchOutcome::partial:
            return "partial";
        case FetchOutcome::failed:
            return "failed";
        case FetchOutcome::interrupted:
            return "interrupted";
    }
    return "?";
}

std::string resolve_endpoint(const std::string& service, const std::string& cli_url,
                             const FetchConfig& config, const std::string& aws_default) {
    // Whichever setting names the URL, it carries signed requests and session tokens.
    auto taken = [](const std::string& url, const std::string& setting) {
        net::require_safe_transport(url, setting);
        return url;
    };
    if (!cli_url.empty()) return taken(cli_url, "--endpoint-url");
    static const std::map<std::string, std::string> env_suffix = {
        {"s3", "S3"},
        {"sts", "STS"},
        {"ce", "COST_EXPLORER"},
        {"organizations", "ORGANIZATIONS"},
        {"invoicing", "INVOICING"},
        {"payments", "PAYMENTS"}};
    if (auto it = env_suffix.find(service); it != env_suffix.end()) {
        const std::string name = "AWS_ENDPOINT_URL_" + it->second;
        const std::string v = env_text(name.c_str());
        if (!v.empty()) return taken(v, name);
    }
    if (auto it = config.endpoints.find(service); it != config.endpoints.end())
        return taken(it->second, config.path + ": endpoints." + service);
    if (std::string v = env_text("AWS_ENDPOINT_URL"); !v.empty())
        return taken(v, "AWS_ENDPOINT_URL");
    return aws_default;
}

FetchReport run_fetch(const FetchOptions& options, store::Store& store) {
    if (options.from == 0 || options.to == 0 || options.from > options.to)
        throw_usage("fetch: the month range is empty (--from after --to)");
    detail::FetchRun run(options, store);
    return run.run();
}

}  // namespace curcrunch::fetch
