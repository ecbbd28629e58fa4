// curcrunch fetch: CUR exports, accounts, invoices and Cost Explorer costs from AWS into the store
// (fetch/fetch_job.hpp). Secrets never come from the command line.
#include <cstdio>
#include <cstdlib>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/fetch_options.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/shard_option.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/fetch/fetch_job.hpp"
#include "curcrunch/store/shard_store.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class FetchCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"fetch",
                "fetch CUR exports, accounts, invoices and Cost Explorer costs from AWS",
                "export VAULT_ADDR=https://vault:8200 VAULT_ROLE_ID=...\n"
                "curcrunch fetch --config fetch.json --secret-id-file /run/secrets/sid --db "
                "billing.db\n"
                "curcrunch fetch --config fetch.json --shard 7 --shards-file shards.tsv --db "
                "shard-7.db",
                {}};
    }

    void declare(OptionSet& o) override {
        const fetch::FetchOptions d;  // the defaults --help shows
        store_.declare(o);
        net_.declare_selection(o, "$CURCRUNCH_FETCH_CONFIG, else ./curcrunch-fetch.json");
        o.value("--cache-dir", cache_dir_, "DIR", "where CUR files are downloaded", d.cache_dir);
        o.value("--archive-dir", archive_dir_, "DIR", "where invoice documents are kept",
                d.archive_dir);
        o.flag("--cost-explorer", cost_explorer_,
               "also fetch Cost Explorer costs ($0.01 per request; the count is printed)");
        o.flag("--no-invoices", no_invoices_, "skip Invoicing and Payments");
        o.value("--alert-webhook", alert_webhook_, "URL",
                "POST a JSON summary here when the run fails or partly fails",
                "$CURCRUNCH_ALERT_WEBHOOK");
        o.value("--concurrency", concurrency_, "N", "parallel downloads per profile",
                std::to_string(d.concurrency));
        net_.declare_connection(o);
        o.value("--on-error", on_error_, "fail|skip", "bad CUR rows: as for ingest");
        o.value("--threads", threads_, "N", "ingest worker threads", "all cores");
        o.value("--max-memory", max_memory_, "SIZE",
                "memory the ingest of fetched files may need for its groups: as for ingest",
                "nine tenths of the machine's or control group's");
        o.flag("--verify", verify_,
               "hash every CUR file while ingesting it, even one whose sha256 its download or a "
               "recorded ingest computed, and fail its period if the digest changed");
        o.flag("--quiet", quiet_, "only warnings and errors on stderr");
        o.flag("--verbose", verbose_, "more messages on stderr");
        shard_.declare(o);
        o.stray_arguments_message(
            "fetch takes no positional arguments (secrets come from the environment or files, "
            "never the command line)");
    }

    int run() override {
        fetch::FetchOptions o = options();
        if (verbose_) log::set_level(log::Level::debug);
        if (quiet_) log::set_level(log::Level::warn);
        if (shard_.given()) return run_shard(o);
        auto store = store::Store::open(store_.path());
        // SIGINT/SIGTERM (a Slurm time limit) stop the run at its next safe point; it is still
        // recorded, alerted and its Vault token revoked (fetch/fetch_job.hpp).
        InterruptScope interrupts;
        const fetch::FetchReport r = fetch::run_fetch(o, *store);
        print_report(o, r);
        return exit_code(r);
    }

  private:
    static int exit_code(const fetch::FetchReport& r) {
        switch (r.outcome) {
            case fetch::FetchOutcome::ok:
                return 0;
            case fetch::FetchOutcome::failed:
                return 5;
            case fetch::FetchOutcome::partial:
                return 6;
            case fetch::FetchOutcome::interrupted:
                return 128 + r.signal;
        }
        return 1;
    }

    // One S3 unit of a shards file into a new shard store: its profile's delivery of its
    // period and nothing else. The shard store is kept only when the fetch succeeded.
    int run_shard(fetch::FetchOptions& o) {
        if (!net_.profiles.empty() || net_.from || net_.to)
            throw_usage(
                "fetch --shard fetches the unit's profile and period; --profile, --from "
                "and --to do not apply");
        const ShardOption::Selected unit = shard_.select();
        o.shard = fetch::ShardTarget::of(unit.unit);
        o.profiles = {o.shard->profile};
        o.from = o.to = o.shard->period;
        o.invoices = false;
        o.cost_explorer = false;
        const std::string started = store::now_utc_iso();
        store::ShardStoreWriter writer(store_.path());
        InterruptScope interrupts;
        const fetch::FetchReport r = fetch::run_fetch(o, writer.store());
        print_report(o, r);
        if (r.outcome != fetch::FetchOutcome::ok) return exit_code(r);
        writer.finish(unit.record(started));
        if (!quiet_)
            std::printf("shard %lld of %zu written to %s\n", unit.index, unit.plan.size(),
                        store_.path().c_str());
        return 0;
    }

    fetch::FetchOptions options() const {
        fetch::FetchOptions o;
        net_.apply(o);
        if (cache_dir_) o.cache_dir = *cache_dir_;
        if (archive_dir_) o.archive_dir = *archive_dir_;
        o.cost_explorer = cost_explorer_;
        o.invoices = !no_invoices_;
        if (alert_webhook_) o.alert_webhook = *alert_webhook_;
        if (concurrency_) o.concurrency = parse_int("--concurrency", *concurrency_, 1, 64);
        o.ingest.skip_bad_rows = expect_choice("--on-error", on_error_, "fail|skip") == "skip";
        if (threads_) o.ingest.threads = parse_int("--threads", *threads_, 1, 1024);
        o.ingest.verify = verify_;
        if (max_memory_) o.ingest.max_memory = parse_positive_size("--max-memory", *max_memory_);
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
    FetchConnectionOptions net_;
    ShardOption shard_;
    std::optional<std::string> cache_dir_, archive_dir_, alert_webhook_, concurrency_, threads_,
        max_memory_;
    std::string on_error_ = "fail";
    bool cost_explorer_ = false, no_invoices_ = false, quiet_ = false, verbose_ = false,
         verify_ = false;
};

}  // namespace

std::unique_ptr<Command> make_fetch_command() {
    return std::make_unique<FetchCommand>();
}

}  // namespace curcrunch::cli
