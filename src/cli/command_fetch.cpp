// curcrunch fetch: CUR exports, accounts, invoices and Cost Explorer costs from AWS into the store
// (fetch/fetch_job.hpp). Secrets never come from the command line.
#include <cstdio>
#include <cstdlib>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/fetch/fetch_job.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

std::string seconds_text(std::chrono::milliseconds ms) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ms).count());
}

class FetchCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"fetch",
                "fetch CUR exports, accounts, invoices and Cost Explorer costs from AWS",
                "export VAULT_ADDR=https://vault:8200 VAULT_ROLE_ID=...\n"
                "curcrunch fetch --config fetch.json --secret-id-file /run/secrets/sid --db "
                "billing.db",
                {}};
    }

    void declare(OptionSet& o) override {
        const fetch::FetchOptions d;  // the defaults --help shows
        store_.declare(o);
        o.value("--config", config_, "FILE", "profile configuration (JSON, no secrets)",
                "$CURCRUNCH_FETCH_CONFIG, else ./curcrunch-fetch.json");
        o.list("--profile", profiles_, "NAME", "fetch only these profiles", "all");
        o.value("--from", from_, "YYYY-MM", "first billing month", "11 months before --to");
        o.value("--to", to_, "YYYY-MM", "last billing month", "the current month");
        o.value("--cache-dir", cache_dir_, "DIR", "where CUR files are downloaded", d.cache_dir);
        o.value("--archive-dir", archive_dir_, "DIR", "where invoice documents are kept",
                d.archive_dir);
        o.flag("--cost-explorer", cost_explorer_,
               "also fetch Cost Explorer costs ($0.01 per request; the count is printed)");
        o.flag("--no-invoices", no_invoices_, "skip Invoicing and Payments");
        o.value("--endpoint-url", endpoint_url_, "URL", "send every AWS request to this endpoint",
                "per service: AWS_ENDPOINT_URL_<SERVICE>, the config, AWS_ENDPOINT_URL, AWS");
        o.value("--ca-file", ca_file_, "FILE", "PEM bundle of trusted CAs for every connection",
                "AWS_CA_BUNDLE / VAULT_CACERT, else the system's");
        o.value("--error-log", error_log_, "FILE", "JSON lines, one per failed attempt",
                "CACHE-DIR/errors.jsonl");
        o.value("--alert-webhook", alert_webhook_, "URL",
                "POST a JSON summary here when the run fails or partly fails",
                "$CURCRUNCH_ALERT_WEBHOOK");
        o.value("--max-attempts", max_attempts_, "N", "attempts per request, retries included",
                std::to_string(d.max_attempts));
        o.value("--concurrency", concurrency_, "N", "parallel downloads per profile",
                std::to_string(d.concurrency));
        o.value("--connect-timeout", connect_timeout_, "S", "connect timeout in seconds",
                seconds_text(d.connect_timeout));
        o.value("--timeout", timeout_, "S", "total seconds per request",
                seconds_text(d.total_timeout));
        o.value("--stall-timeout", stall_timeout_, "S",
                "seconds a transfer may stall below 1 byte/s",
                std::to_string(d.stall_timeout.count()));
        o.value("--retry-base-ms", retry_base_ms_, "MS", "backoff base",
                std::to_string(d.backoff_base.count()));
        o.value("--retry-cap-ms", retry_cap_ms_, "MS", "backoff cap",
                std::to_string(d.backoff_cap.count()));
        o.value("--rate-limit", rate_limit_, "N", "requests per second per service",
                "100 for S3, 10 for STS, 5 for billing services, 50 for Vault");
        o.value("--breaker-threshold", breaker_threshold_, "N",
                "failures in a row that open a service's circuit",
                std::to_string(d.breaker_threshold));
        o.value("--breaker-cooldown", breaker_cooldown_, "S", "seconds an open circuit stays open",
                seconds_text(d.breaker_cooldown));
        o.value("--role-id-file", role_id_file_, "FILE", "read the AppRole role_id from FILE",
                "$VAULT_ROLE_ID");
        o.value("--secret-id-file", secret_id_file_, "FILE", "read the AppRole secret_id from FILE",
                "$VAULT_SECRET_ID");
        o.flag("--secret-id-wrapped", secret_id_wrapped_,
               "the secret_id is a response-wrapping token (unwrapped once)");
        o.value("--on-error", on_error_, "fail|skip", "bad CUR rows: as for ingest");
        o.value("--threads", threads_, "N", "ingest worker threads", "all cores");
        o.flag("--quiet", quiet_, "only warnings and errors on stderr");
        o.flag("--verbose", verbose_, "more messages on stderr");
        o.stray_arguments_message(
            "fetch takes no positional arguments (secrets come from the environment or files, "
            "never the command line)");
    }

    int run() override {
        const fetch::FetchOptions o = options();
        if (verbose_) log::set_level(log::Level::debug);
        if (quiet_) log::set_level(log::Level::warn);
        auto store = store::Store::open(store_.path());
        const fetch::FetchReport r = fetch::run_fetch(o, *store);
        print_report(o, r);
        return r.outcome == fetch::FetchOutcome::ok       ? 0
               : r.outcome == fetch::FetchOutcome::failed ? 5
                                                          : 6;
    }

  private:
    fetch::FetchOptions options() const {
        fetch::FetchOptions o;
        if (config_) {
            o.config_path = *config_;
        } else {
            const char* e = std::getenv("CURCRUNCH_FETCH_CONFIG");
            o.config_path = e && *e ? e : "curcrunch-fetch.json";
        }
        o.profiles = profiles_;
        o.to = to_ ? parse_month("--to", *to_) : period_of(today_utc());
        o.from = from_ ? parse_month("--from", *from_) : add_months(o.to, -11);
        if (o.from > o.to) throw_usage("--from is after --to");
        if (cache_dir_) o.cache_dir = *cache_dir_;
        if (archive_dir_) o.archive_dir = *archive_dir_;
        o.cost_explorer = cost_explorer_;
        o.invoices = !no_invoices_;
        if (endpoint_url_) o.endpoint_url = *endpoint_url_;
        if (ca_file_) o.ca_file = *ca_file_;
        if (error_log_) o.error_log = *error_log_;
        if (alert_webhook_) o.alert_webhook = *alert_webhook_;
        if (max_attempts_) o.max_attempts = parse_int("--max-attempts", *max_attempts_, 1, 20);
        if (concurrency_) o.concurrency = parse_int("--concurrency", *concurrency_, 1, 64);
        if (connect_timeout_)
            o.connect_timeout =
                std::chrono::seconds(parse_int("--connect-timeout", *connect_timeout_, 1, 600));
        if (timeout_)
            o.total_timeout = std::chrono::seconds(parse_int("--timeout", *timeout_, 1, 86400));
        if (stall_timeout_)
            o.stall_timeout =
                std::chrono::seconds(parse_int("--stall-timeout", *stall_timeout_, 1, 3600));
        if (retry_base_ms_)
            o.backoff_base =
                std::chrono::milliseconds(parse_int("--retry-base-ms", *retry_base_ms_, 0, 60000));
        if (retry_cap_ms_)
            o.backoff_cap =
                std::chrono::milliseconds(parse_int("--retry-cap-ms", *retry_cap_ms_, 0, 600000));
        if (rate_limit_) o.rate_limit = parse_int("--rate-limit", *rate_limit_, 1, 10000);
        if (breaker_threshold_)
            o.breaker_threshold = parse_int("--breaker-threshold", *breaker_threshold_, 1, 1000);
        if (breaker_cooldown_)
            o.breaker_cooldown =
                std::chrono::seconds(parse_int("--breaker-cooldown", *breaker_cooldown_, 1, 3600));
        if (role_id_file_) o.vault.role_id_file = *role_id_file_;
        if (secret_id_file_) o.vault.secret_id_file = *secret_id_file_;
        o.vault.secret_id_wrapped = secret_id_wrapped_;
        o.ingest.skip_bad_rows = expect_choice("--on-error", on_error_, "fail|skip") == "skip";
        if (threads_) o.ingest.threads = parse_int("--threads", *threads_, 1, 1024);
        return o;
    }

    static void print_report(const fetch::FetchOptions& o, const fetch::FetchReport& r) {
        std::printf("fetch run %lld: %s\n", static_cast<long long>(r.run_id),
                    fetch::outcome_name(r.outcome));
        std::printf("  months %s..%s\n", format_period(o.from).c_str(),
                    format_period(o.to).c_str());
        std::printf("  CUR periods: %d ingested, %d unchanged, %d failed (left as they were)\n",
                    r.periods_ingested, r.periods_unchanged, r.periods_failed);
        std::printf("  accounts: %d (OU path read for %d)\n", r.accounts, r.accounts_placed);
        if (o.invoices)
            std::printf("  invoices: %d; documents: %d downloaded, %d already archived\n",
                        r.invoices, r.documents_downloaded, r.documents_kept);
        if (o.cost_explorer)
            std::printf("  cost explorer: %d paid request(s) sent ($%d.%02d at $0.01 each)\n",
                        r.ce_requests, r.ce_requests / 100, r.ce_requests % 100);
        std::printf("  retries: %d\n", r.retries);
        for (const auto& n : r.notes)
            std::printf("  note: %s\n", n.c_str());
        for (const auto& p : r.problems)
            std::printf("  problem: %s\n", p.c_str());
    }

    StoreOption store_;
    std::optional<std::string> config_, from_, to_, cache_dir_, archive_dir_, endpoint_url_,
        ca_file_, error_log_, alert_webhook_, max_attempts_, concurrency_, connect_timeout_,
        timeout_, stall_timeout_, retry_base_ms_, retry_cap_ms_, rate_limit_, breaker_threshold_,
        breaker_cooldown_, role_id_file_, secret_id_file_, threads_;
    std::vector<std::string> profiles_;
    std::string on_error_ = "fail";
    bool cost_explorer_ = false, no_invoices_ = false, secret_id_wrapped_ = false, quiet_ = false,
         verbose_ = false;
};

}  // namespace

std::unique_ptr<Command> make_fetch_command() {
    return std::make_unique<FetchCommand>();
}

}  // namespace curcrunch::cli
