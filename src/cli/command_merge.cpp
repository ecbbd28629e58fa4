// curcrunch merge --db main.db SHARD...: shard stores into the store (store/merge.hpp).
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/store/merge.hpp"

namespace curcrunch::cli {
namespace {

class MergeCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"merge",
                "merge shard stores (ingest|fetch --shard) into the store, one unit at a time",
                "curcrunch merge --db billing.db --shards-file shards.tsv shards/",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.positionals("SHARD", shards_, "shard stores, or folders holding them (*.db)");
        o.value("--shards-file", shards_file_, "FILE",
                "the plan: every shard must be of it, and every unit of it must have a shard",
                "the shards must share one plan; missing units are not noticed");
        o.flag("--quiet", quiet_, "only the summary line");
    }

    int run() override {
        if (shards_.empty()) throw_usage("merge: give the shard stores (files or folders)");
        store::MergeOptions options;
        if (shards_file_) options.plan = ingest::ShardPlan::load(*shards_file_);
        // SIGINT/SIGTERM stop the merge between units (store/merge.cpp says what is kept).
        InterruptScope interrupts;
        // Before the open: opening a shard as the target would already write into it.
        store::refuse_target_among_shards(store_.path(), shards_);
        auto target = store::Store::open(store_.path());
        const store::MergeReport r = store::merge_shards(*target, shards_, options);
        size_t replaced = 0;
        int64_t rows = 0;  // a sum of stored rows: below 2^46 (core/money.hpp, 5.)
        if (!quiet_) std::printf("%-14s %-8s %10s  %s\n", "payer", "period", "rows", "shard");
        for (const auto& u : r.units) {
            replaced += !u.unchanged;
            rows += u.rows;
            if (!quiet_)
                std::printf("%-14s %-8s %10s  %s\n", u.payer.empty() ? "-" : u.payer.c_str(),
                            format_period(u.period).c_str(),
                            u.unchanged ? "unchanged" : std::to_string(u.rows).c_str(),
                            u.shard.c_str());
        }
        std::printf(
            "merged %zu shard(s): %zu unit(s) replaced (%lld cost rollup rows), %zu "
            "already held from the same shard runs, in %.2f s\n",
            r.shards, replaced, static_cast<long long>(rows), r.units.size() - replaced, r.seconds);
        return 0;
    }

  private:
    StoreOption store_;
    std::vector<std::string> shards_;
    std::optional<std::string> shards_file_;
    bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_merge_command() {
    return std::make_unique<MergeCommand>();
}

}  // namespace curcrunch::cli
