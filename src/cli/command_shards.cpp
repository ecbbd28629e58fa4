// curcrunch shards: the units of work of a sharded run (ingest/shard_plan.hpp), one per line.
#include <cstdio>
#include <set>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/fetch_options.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/fetch/fetch_job.hpp"
#include "curcrunch/ingest/local_shards.hpp"

namespace curcrunch::cli {
namespace {

class ShardsCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"shards",
                "list the units of work (payer, billing period, source) for a sharded run",
                "curcrunch shards /data/cur/ > shards.tsv\n"
                "curcrunch ingest --shard 0 --shards-file shards.tsv --db shard-0.db\n"
                "curcrunch shards --config fetch.json --from 2026-01 --to 2026-12 > shards.tsv",
                {}};
    }

    void declare(OptionSet& o) override {
        o.positionals("PATH", paths_, "local files and folders (as for ingest)");
        net_.declare_selection(o, "none: list PATH... (with --config: the S3 deliveries)");
        net_.declare_connection(o);
        o.value("--format", format_, "tsv|json",
                "tab-separated lines (index, payer, period, profile, source, version) or JSON");
        o.flag("--quiet", quiet_, "no summary on stderr");
    }

    int run() override {
        const bool json = expect_choice("--format", format_, "tsv|json") == "json";
        int code = 0;
        const ingest::ShardPlan plan(net_.config ? list_s3(code) : list_local());
        const std::string text = json ? plan.json() : plan.tsv();
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
            std::fflush(stdout) != 0)
            throw Error(ErrorKind::internal, "cannot write the shards to standard output");
        if (!quiet_) summarize(plan);
        return code;
    }

  private:
    std::vector<ingest::ShardUnit> list_local() const {
        if (paths_.empty())
            throw_usage("shards: give the folders or files to list (or --config for S3)");
        if (!net_.profiles.empty() || net_.from || net_.to)
            throw_usage("--profile, --from and --to select S3 deliveries: give --config");
        return ingest::list_local_units(paths_);
    }

    // The deliveries in the fetch configuration's buckets; `code` becomes fetch's 5 or 6 when
    // a listing failed (the units found are printed all the same).
    std::vector<ingest::ShardUnit> list_s3(int& code) const {
        if (!paths_.empty()) throw_usage("shards: give PATH... or --config, not both");
        fetch::FetchOptions o;
        net_.apply(o);
        fetch::UnitListing listing = fetch::list_cur_units(o);  // problems already logged
        code = listing.outcome == fetch::FetchOutcome::ok       ? 0
               : listing.outcome == fetch::FetchOutcome::failed ? 5
                                                                : 6;
        return std::move(listing.units);
    }

    static void summarize(const ingest::ShardPlan& plan) {
        std::set<std::string> payers;
        Period first = 0, last = 0;
        for (const auto& u : plan.units()) {
            payers.insert(u.payer.empty() ? "-" : u.payer);
            if (u.period && (!first || u.period < first)) first = u.period;
            if (u.period > last) last = u.period;
        }
        std::string msg = std::to_string(plan.size()) + " unit(s), " +
                          std::to_string(payers.size()) + " payer(s)";
        if (first) msg += ", periods " + format_period(first) + ".." + format_period(last);
        std::fprintf(stderr, "%s; plan %s\n", msg.c_str(), plan.id().substr(0, 16).c_str());
    }

    std::vector<std::string> paths_;
    FetchConnectionOptions net_;
    std::string format_ = "tsv";
    bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_shards_command() {
    return std::make_unique<ShardsCommand>();
}

}  // namespace curcrunch::cli
