#include "curcrunch/fetch/fetch_job.hpp"

#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "curcrunch/aws/cost_explorer.hpp"
#include "curcrunch/aws/cur_sync.hpp"
#include "curcrunch/aws/invoicing.hpp"
#include "curcrunch/aws/organizations.hpp"
#include "curcrunch/aws/payments.hpp"
#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/aws/sts_client.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/fetch/alert.hpp"
#include "curcrunch/fetch/document_archive.hpp"
#include "curcrunch/ingest/input_plan.hpp"
#include "curcrunch/store/billing_records.hpp"

namespace curcrunch::fetch {
namespace fs = std::filesystem;
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

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
    Connection make(const std::string& ca_file) const {
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
        c.client = std::make_unique<net::ResilientClient>(*c.http, rp, log, std::random_device{}(),
                                                          guards);
        return c;
    }
};

bool is_expired_code(const std::string& c) {
    return c == "ExpiredToken" || c == "ExpiredTokenException" || c == "RequestExpired" ||
           c == "TokenRefreshRequired";
}

// "arn:aws:iam::123456789012:role/billing" -> "123456789012".
std::string account_of_arn(const std::string& arn) {
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        pos = arn.find(':', pos);
        if (pos == std::string::npos) return {};
        ++pos;
    }
    std::string id = arn.substr(pos, arn.find(':', pos) - pos);
    return id.size() == 12 && id.find_first_not_of("0123456789") == std::string::npos ? id : "";
}

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
    bool cur_failed = false;

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
    std::string cache_root(const FetchOptions& o, const CurSource& s) const {
        return (fs::absolute(o.cache_dir) / cfg->name / s.bucket).string();
    }
};

// Records each part's success or failure for the outcome. Called from the main thread and the
// ingest thread.
struct Tally {
    explicit Tally(FetchReport& report) : r(report) {}
    FetchReport& r;
    int ok = 0, failed = 0;
    std::mutex m;
    void good() {
        std::lock_guard<std::mutex> l(m);
        ++ok;
    }
    void bad(const std::string& what) {
        std::lock_guard<std::mutex> l(m);
        ++failed;
        r.problems.push_back(what);
        log::error(what);
    }
};

// The ingest side of the overlap: periods are handed over as their downloads complete and
// ingested one at a time (each in its own transaction) while the next period downloads.
class IngestQueue {
  public:
    IngestQueue(store::Store& store, const FetchOptions& o, const std::string& started,
                Tally& tally)
        : store_(store), o_(o), started_(started), tally_(tally) {
        thread_ = std::thread([this] { run(); });
    }
    ~IngestQueue() { finish(); }
    void push(Period p, std::vector<ingest::InputUnit> units) {
        std::lock_guard<std::mutex> l(m_);
        jobs_.push_back({p, std::move(units)});
        cv_.notify_one();
    }
    void finish() {
        {
            std::lock_guard<std::mutex> l(m_);
            done_ = true;
            cv_.notify_one();
        }
        if (thread_.joinable()) thread_.join();
    }
    // Read after finish().
    int ingested() const { return ingested_; }
    int failed() const { return failed_; }

  private:
    struct Job {
        Period period;
        std::vector<ingest::InputUnit> units;
    };
    void run() {
        for (;;) {
            Job job;
            {
                std::unique_lock<std::mutex> l(m_);
                cv_.wait(l, [&] { return done_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            const std::string name = format_period(job.period);
            try {
                ingest::IngestResult r = ingest::run_ingest(job.units, o_.ingest);
                if (r.rows == 0 && r.skipped == 0) {
                    tally_.bad("period " + name + ": the CUR files hold no rows; not replaced");
                    ++failed_;
                    continue;
                }
                int64_t id = store_.replace_periods(r, started_, o_.ingest.skip_bad_rows);
                log::info("period " + name + ": " + std::to_string(r.rows) +
                          " rows ingested (ingest " + std::to_string(id) + ")");
                tally_.good();
                ++ingested_;
            } catch (const std::exception& e) {
                tally_.bad("period " + name + ": not replaced: " + e.what());
                ++failed_;
            }
        }
    }
    store::Store& store_;
    const FetchOptions& o_;
    const std::string& started_;
    Tally& tally_;
    std::mutex m_;
    std::condition_variable cv_;
    std::deque<Job> jobs_;
    bool done_ = false;
    int ingested_ = 0, failed_ = 0;  // written by the ingest thread only
    std::thread thread_;
};

// The files the store's copy of `p` was ingested from, to skip a period whose files did not
// change since.
std::set<std::string> stored_sources(store::Store& store, Period p) {
    auto st = store.db().prepare(
        "SELECT s.path FROM ingest_source s JOIN billing_period b ON b.ingest_id = s.ingest_id "
        "WHERE b.period = ?");
    st.bind(1, static_cast<int64_t>(p));
    std::set<std::string> out;
    while (st.step())
        out.insert(st.column_text(0));
    return out;
}

class FetchRun {
  public:
    FetchRun(const FetchOptions& o, store::Store& store)
        : o_(o), store_(store), config_(load_fetch_config(o.config_path)), tally_(report_) {}

    FetchReport run();

  private:
    void set_up_network();
    void start_profiles(CredentialSource& source);
    void fetch_accounts();
    void fetch_cur(CredentialSource& source);
    void fetch_cost_explorer();
    void fetch_invoices();
    void invoices_of(ProfileRun& pr, const std::string& account);
    void finish_report();
    std::string endpoint(const std::string& service, const std::string& aws_default) const {
        return resolve_endpoint(service, o_.endpoint_url, config_, aws_default);
    }
    aws::JsonService service(aws::JsonService s) const {
        s.endpoint = endpoint(s.name, s.endpoint);
        return s;
    }

    const FetchOptions& o_;
    store::Store& store_;
    FetchConfig config_;
    FetchReport report_;
    Tally tally_;
    std::string started_ = store::now_utc_iso();
    std::vector<std::string> names_;
    std::unique_ptr<net::ErrorLog> error_log_;
    std::unique_ptr<NetSetup> net_;
    Connection aws_, vault_;
    std::string aws_ca_;
    std::vector<std::unique_ptr<ProfileRun>> runs_;
};

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
    aws_ca_ = !o_.ca_file.empty() ? o_.ca_file : env("AWS_CA_BUNDLE");
    aws_ = net_->make(aws_ca_);
    vault_ = net_->make(!o_.ca_file.empty() ? o_.ca_file : env("VAULT_CACERT"));
}

void FetchRun::start_profiles(CredentialSource& source) {
    auto creds = source.resolve(names_);
    for (const std::string& name : names_) {
        auto pr = std::make_unique<ProfileRun>();
        for (const auto& p : config_.profiles)
            if (p.name == name) pr->cfg = &p;
        pr->creds = std::move(creds.at(name));
        const std::string& region = pr->creds.region;
        pr->s3_endpoint = endpoint("s3", "https://s3." + region + ".amazonaws.com");
        pr->sts_endpoint = endpoint("sts", "https://sts." + region + ".amazonaws.com");
        pr->active = &pr->creds.base;
        if (!pr->creds.role_arn.empty()) {
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
                tally_.bad("profile " + name + ": " + e.what());
            }
        }
        runs_.push_back(std::move(pr));
    }
}

void FetchRun::fetch_accounts() {
    for (auto& pr : runs_) {
        if (pr->dead || !pr->cfg->organizations) continue;
        aws::JsonServiceClient orgs(*aws_.client, *pr->active,
                                    service(aws::organizations_service()));
        try {
            auto accounts =
                pr->with_fresh_credentials(*aws_.client, [&] { return aws::list_accounts(orgs); });
            store::put_accounts(store_.db(), pr->cfg->name, accounts);
            report_.accounts += static_cast<int>(accounts.size());
            tally_.good();
        } catch (const Error& e) {
            if (aws_.client->last_error_code() == "AWSOrganizationsNotInUseException") {
                report_.notes.push_back("profile " + pr->cfg->name +
                                        ": not in an organization; no account list");
                continue;
            }
            tally_.bad("profile " + pr->cfg->name + ": accounts not fetched: " + e.what());
        }
    }
}

void FetchRun::fetch_cur(CredentialSource& source) {
    // Discovery, per selected profile and source.
    std::set<Period> periods;
    for (auto& pr : runs_) {
        if (pr->dead || pr->cfg->cur.empty()) continue;
        const int n = std::max(1, o_.concurrency);
        for (int i = 0; i < n; ++i) {
            pr->workers.push_back(net_->make(aws_ca_));
            pr->s3.push_back(std::make_unique<aws::S3Client>(
                *pr->workers.back().client, *pr->active, pr->creds.region, pr->s3_endpoint));
        }
        for (const CurSource& src : pr->cfg->cur) {
            try {
                auto plans = pr->with_fresh_credentials(*pr->workers[0].client, [&] {
                    return aws::discover_cur(*pr->s3[0], src.bucket, src.prefix, o_.from, o_.to);
                });
                for (const auto& pl : plans)
                    periods.insert(pl.period);
                pr->plans.push_back(std::move(plans));
            } catch (const Error& e) {
                pr->cur_failed = true;
                pr->plans.emplace_back();
                tally_.bad("profile " + pr->cfg->name + ": CUR listing of s3://" + src.bucket +
                           "/" + src.prefix + " failed: " + e.what());
            }
        }
    }
    // Profiles not selected this run contribute what an earlier run left in the cache.
    std::map<Period, std::vector<ingest::InputUnit>> cached;
    const std::set<std::string> selected(names_.begin(), names_.end());
    for (const auto& pc : config_.profiles) {
        if (selected.count(pc.name)) continue;
        for (const CurSource& src : pc.cur) {
            const fs::path root = fs::absolute(o_.cache_dir) / pc.name / src.bucket / src.prefix;
            if (!fs::is_directory(root)) continue;
            for (auto& u : ingest::plan_inputs({root.string()}))
                if (u.period >= o_.from && u.period <= o_.to) {
                    periods.insert(u.period);
                    cached[u.period].push_back(std::move(u));
                }
        }
    }

    IngestQueue queue(store_, o_, started_, tally_);
    for (Period p : periods) {
        source.keep_alive();
        bool complete = true, changed = false;
        std::vector<ingest::InputUnit> units;
        for (auto& pr : runs_) {
            if (pr->cfg->cur.empty()) continue;
            if (pr->dead || pr->cur_failed) {
                complete = false;
                continue;
            }
            if (pr->role) pr->role->get();  // re-assumed here when close to expiry
            for (size_t i = 0; i < pr->cfg->cur.size(); ++i) {
                const CurSource& src = pr->cfg->cur[i];
                for (const aws::CurPeriodPlan& plan : pr->plans[i]) {
                    if (plan.period != p) continue;
                    std::vector<aws::S3Client*> clients;
                    for (auto& c : pr->s3)
                        clients.push_back(c.get());
                    aws::SyncedPeriod sp =
                        aws::download_period(clients, src.bucket, plan, pr->cache_root(o_, src));
                    bool expired = false;
                    for (auto& w : pr->workers)
                        expired = expired || is_expired_code(w.client->last_error_code());
                    if (!sp.ok && expired && pr->role) {
                        pr->role->refresh();
                        sp = aws::download_period(clients, src.bucket, plan,
                                                  pr->cache_root(o_, src));
                    }
                    if (!sp.ok) {
                        complete = false;
                        tally_.bad("period " + format_period(p) + ", profile " + pr->cfg->name +
                                   ": download failed, period left as it was: " + sp.error);
                        continue;
                    }
                    if (sp.downloaded > 0 || sp.manifest_changed) changed = true;
                    for (auto& u : ingest::read_manifest(sp.local_manifest))
                        units.push_back(std::move(u));
                }
            }
        }
        if (!complete) {
            ++report_.periods_failed;
            continue;
        }
        for (auto& u : cached[p])
            units.push_back(u);
        if (units.empty()) continue;
        if (!changed) {
            std::set<std::string> paths;
            for (const auto& u : units)
                paths.insert(u.path);
            if (paths == stored_sources(store_, p)) {
                ++report_.periods_unchanged;
                tally_.good();
                log::info("period " + format_period(p) + ": unchanged since the last ingest");
                continue;
            }
        }
        queue.push(p, std::move(units));
    }
    queue.finish();
    report_.periods_ingested = queue.ingested();
    report_.periods_failed += queue.failed();
}

void FetchRun::fetch_cost_explorer() {
    if (!o_.cost_explorer) return;
    const Day today = today_utc();
    const Period current = period_of(today);
    for (auto& pr : runs_) {
        if (pr->dead) continue;
        aws::JsonServiceClient ce(*aws_.client, *pr->active, service(aws::cost_explorer_service()));
        try {
            const Day from = first_day(o_.from), to_ex = first_day(add_months(o_.to, 1));
            auto monthly = pr->with_fresh_credentials(*aws_.client, [&] {
                return aws::get_cost_and_usage(ce, from, to_ex, aws::CeGranularity::monthly);
            });
            store::replace_ce_costs(store_.db(), pr->cfg->name, aws::CeGranularity::monthly, from,
                                    to_ex - 1, monthly.rows);
            // The current month by day, for the month-to-date view.
            if (o_.to >= current && today > first_day(current)) {
                auto daily = pr->with_fresh_credentials(*aws_.client, [&] {
                    return aws::get_cost_and_usage(ce, first_day(current), today,
                                                   aws::CeGranularity::daily);
                });
                store::replace_ce_costs(store_.db(), pr->cfg->name, aws::CeGranularity::daily,
                                        first_day(current), today - 1, daily.rows);
            }
            tally_.good();
        } catch (const Error& e) {
            tally_.bad("profile " + pr->cfg->name + ": Cost Explorer not fetched: " + e.what());
        }
        report_.ce_requests += ce.requests();
    }
}

void FetchRun::invoices_of(ProfileRun& pr, const std::string& account) {
    aws::JsonServiceClient inv(*aws_.client, *pr.active, service(aws::invoicing_service()));
    std::string method;
    if (pr.cfg->payments) {
        aws::JsonServiceClient pay(*aws_.client, *pr.active, service(aws::payments_service()));
        try {
            auto instruments = pr.with_fresh_credentials(
                *aws_.client, [&] { return aws::list_payment_instruments(pay); });
            store::put_payment_instruments(store_.db(), pr.cfg->name, instruments);
            std::set<std::string> methods;
            for (const auto& i : instruments)
                if (i.status == "ACTIVE") methods.insert(i.method);
            for (const auto& m : methods)
                method.append(method.empty() ? "" : ",").append(m);
        } catch (const Error& e) {
            const std::string code = aws_.client->last_error_code();
            if (code == "AccessDeniedException" || code == "AccessDenied")
                report_.notes.push_back("profile " + pr.cfg->name +
                                        ": payment method not readable with these credentials");
            else
                tally_.bad("profile " + pr.cfg->name +
                           ": payment instruments not fetched: " + e.what());
        }
    }
    for (Period p = o_.from; p <= o_.to; p = add_months(p, 1)) {
        try {
            auto list = pr.with_fresh_credentials(
                *aws_.client, [&] { return aws::list_invoice_summaries(inv, account, p); });
            store::put_invoices(store_.db(), pr.cfg->name, list, method);
            report_.invoices += static_cast<int>(list.size());
            for (const auto& summary : list) {
                // Idempotent: documents already archived with a matching sha256 are kept.
                auto stored = store::invoice_documents(store_.db(), summary.invoice_id);
                bool intact = !stored.empty();
                for (const auto& d : stored)
                    intact = intact && fs::exists(d.path) && Sha256::of_file(d.path) == d.sha256;
                if (intact) {
                    report_.documents_kept += static_cast<int>(stored.size());
                    continue;
                }
                auto links = pr.with_fresh_credentials(
                    *aws_.client, [&] { return aws::get_invoice_pdf(inv, summary.invoice_id); });
                for (const auto& link : links) {
                    ArchivedDocument a =
                        archive_document(*aws_.client, o_.archive_dir, summary.invoice_id, link);
                    store::put_invoice_document(store_.db(), summary.invoice_id, link, a.path,
                                                a.sha256, a.bytes);
                    ++report_.documents_downloaded;
                }
            }
            tally_.good();
        } catch (const Error& e) {
            tally_.bad("profile " + pr.cfg->name + ", invoices of " + format_period(p) +
                       " not fetched: " + e.what());
        }
    }
}

void FetchRun::fetch_invoices() {
    if (!o_.invoices) return;
    for (auto& pr : runs_) {
        if (pr->dead || !pr->cfg->invoices) continue;
        std::string account = pr->cfg->account_id;
        if (account.empty()) account = account_of_arn(pr->creds.role_arn);
        if (account.empty()) {
            report_.notes.push_back("profile " + pr->cfg->name +
                                    ": invoices skipped (set account_id in the configuration)");
            continue;
        }
        invoices_of(*pr, account);
    }
}

void FetchRun::finish_report() {
    for (auto& pr : runs_)
        for (auto& w : pr->workers)
            report_.retries += w.client->stats().retries;
    report_.retries += aws_.client->stats().retries + vault_.client->stats().retries;
    report_.outcome = tally_.failed == 0 ? FetchOutcome::ok
                      : tally_.ok == 0   ? FetchOutcome::failed
                                         : FetchOutcome::partial;
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
        !o_.alert_webhook.empty() ? o_.alert_webhook : env("CURCRUNCH_ALERT_WEBHOOK");
    if (report_.outcome != FetchOutcome::ok && !webhook.empty()) {
        AlertSummary a;
        a.outcome = rec.outcome;
        a.exit_code = report_.outcome == FetchOutcome::failed ? 5 : 6;
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
        CredentialSource source(config_, o_.vault, *vault_.client);
        start_profiles(source);
        fetch_accounts();
        fetch_cur(source);
        fetch_cost_explorer();
        fetch_invoices();
        source.finish();
    } catch (const Error& e) {
        // A service failed the whole run (Vault login, the KV read): record it and alert.
        if (e.kind() != ErrorKind::remote) throw;
        tally_.bad(e.what());
    }
    finish_report();
    return report_;
}

}  // namespace

const char* outcome_name(FetchOutcome o) {
    switch (o) {
        case FetchOutcome::ok:
            return "ok";
        case FetchOutcome::partial:
            return "partial";
        case FetchOutcome::failed:
            return "failed";
    }
    return "?";
}

std::string resolve_endpoint(const std::string& service, const std::string& cli_url,
                             const FetchConfig& config, const std::string& aws_default) {
    if (!cli_url.empty()) return cli_url;
    static const std::map<std::string, std::string> env_suffix = {
        {"s3", "S3"},
        {"sts", "STS"},
        {"ce", "COST_EXPLORER"},
        {"organizations", "ORGANIZATIONS"},
        {"invoicing", "INVOICING"},
        {"payments", "PAYMENTS"}};
    if (auto it = env_suffix.find(service); it != env_suffix.end()) {
        const std::string v = env(("AWS_ENDPOINT_URL_" + it->second).c_str());
        if (!v.empty()) return v;
    }
    if (auto it = config.endpoints.find(service); it != config.endpoints.end()) return it->second;
    if (std::string v = env("AWS_ENDPOINT_URL"); !v.empty()) return v;
    return aws_default;
}

FetchReport run_fetch(const FetchOptions& options, store::Store& store) {
    if (options.from == 0 || options.to == 0 || options.from > options.to)
        throw_usage("fetch: the month range is empty (--from after --to)");
    FetchRun run(options, store);
    return run.run();
}

}  // namespace curcrunch::fetch
