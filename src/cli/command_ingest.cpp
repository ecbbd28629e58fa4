// curcrunch ingest PATH...: read exports into the store, replacing the periods they hold.
#include <chrono>
#include <cstdio>
#include <future>
#include <set>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/shard_option.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/local_shards.hpp"
#include "curcrunch/ingest/thread_budget.hpp"
#include "curcrunch/store/recorded_digests.hpp"
#include "curcrunch/store/shard_store.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class IngestCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"ingest",
                "read CUR, CUR 2.0 and FOCUS exports into the store",
                "curcrunch ingest --db billing.db /data/cur/my-report/\n"
                "curcrunch ingest --shard 3 --shards-file shards.tsv --db shards/shard-3.db",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.positionals("PATH", paths_, "files and folders (read recursively)");
        o.value("--on-error", on_error_, "fail|skip",
                "a bad row stops the ingest (exit 3, store unchanged) or is skipped and counted");
        o.value("--delimiter", delimiter_, "C", "field delimiter: one character, \\t or \\x01",
                "detected from the header");
        o.value("--null", null_, "TOKEN", "an unquoted field equal to TOKEN is null",
                "NULL for FOCUS, \\N for \\x01 text, none otherwise");
        o.value("--quote", quote_, "on|off", "whether \" quotes fields", "on, off for \\x01 text");
        o.value("--threads", threads_, "N",
                "threads that parse; 1: one thread in all, digests included", "all cores");
        o.value("--max-memory", max_memory_, "SIZE",
                "memory the ingest's groups may need (500M, 8G); past it the ingest stops (exit "
                "3, store unchanged)",
                "nine tenths of the machine's memory or of its control group's limit");
        o.flag("--zlib", zlib_, "decompress gzip with zlib instead of ISA-L");
        o.flag("--no-progress", no_progress_, "no progress bar");
        o.flag("--quiet", quiet_, "no per-file table and no progress bar");
        o.flag("--verbose", verbose_, "also print the timing of each phase on stderr");
        o.flag("--verify", verify_,
               "hash every file, even one whose device, inode, size and modification time match "
               "a recorded ingest of its path, and fail (exit 3) if its digest changed");
        o.flag("--stats", stats_flag_,
               "print the CPU time of each stage (read, split, scan, decode, hash, store) on "
               "stderr");
        shard_.declare(o);
    }

    int run() override {
        ingest::IngestOptions o = options();
        if (stats_flag_) o.stats = &stats_;
        // SIGINT/SIGTERM stop the work at a safe point and leave the store as it was (a shard
        // store's partial file is removed).
        InterruptScope interrupts;
        // --threads holds for the whole command: the store write's helpers count too.
        const ingest::ThreadLimit limit(o.threads);
        if (shard_.given()) return run_shard(o);
        if (paths_.empty()) throw_usage("ingest: give at least one file or directory");

        // Open (and migrate) the store first: a store problem should stop us before the work.
        // A new store holds no digests to reuse, and creating its schema takes about 20 ms: it
        // is created beside the ingest once what could stop it is checked (Store::is_new), when
        // there is a thread to spare.
        std::unique_ptr<store::Store> store;
        std::future<std::unique_ptr<store::Store>> creating;
        if (store::Store::is_new(store_.path()) && ingest::thread_budget() > 1)
            creating = std::async(std::launch::async,
                                  [path = store_.path()] { return store::Store::open(path); });
        else
            store = store::Store::open(store_.path());
        const std::string started = store::now_utc_iso();
        auto units = ingest::plan_inputs(paths_);
        if (store) {
            std::vector<std::string> unit_paths;
            for (const auto& u : units)
                unit_paths.push_back(u.path);
            o.recorded = store::recorded_digests(store->db(), unit_paths);
        }
        ingest::IngestResult r = ingest::run_ingest(units, o);
        if (!store) store = creating.get();  // what creating it threw, if it failed
        if (r.rows == 0 && r.skipped == 0) {
            log::warn("no data rows found; the store was not changed");
            return 0;
        }
        store_result(*store, r, started, o);
        return 0;
    }

  private:
    ingest::IngestOptions options() const {
        ingest::IngestOptions o;
        o.skip_bad_rows = expect_choice("--on-error", on_error_, "fail|skip") == "skip";
        if (quote_) o.csv.quoting = expect_choice("--quote", *quote_, "on|off") == "on";
        if (delimiter_) o.csv.delimiter = parse_char("--delimiter", *delimiter_);
        // A delimiter the reader also takes for a line end or a quote could never split fields.
        if (o.csv.delimiter == '\n' || o.csv.delimiter == '\r')
            throw_usage("--delimiter: a line end cannot separate fields");
        if (o.csv.delimiter == '"' && o.csv.quoting != 0)
            throw_usage(
                "--delimiter: '\"' is the quote character (with --quote off it may be "
                "the delimiter)");
        if (null_) {
            o.csv.has_null_token = true;
            o.csv.null_token = *null_;
        }
        if (threads_) o.threads = parse_int("--threads", *threads_, 1, 1024);
        if (max_memory_) o.max_memory = parse_positive_size("--max-memory", *max_memory_);
        o.prefer_zlib = zlib_;
        o.verify = verify_;
        o.progress = !no_progress_ && !quiet_;
        if (verbose_) log::set_level(log::Level::debug);
        return o;
    }

    // One unit of a shards file into a new shard store (store/shard_store.hpp).
    int run_shard(const ingest::IngestOptions& o) {
        if (!paths_.empty())
            throw_usage("ingest --shard reads the unit the shards file names; give no paths");
        const ShardOption::Selected unit = shard_.select();
        const std::string started = store::now_utc_iso();
        store::ShardStoreWriter writer(store_.path());  // an earlier shard at --db goes now
        auto inputs = ingest::local_unit_inputs(unit.unit);
        ingest::IngestResult r = ingest::run_ingest(inputs, o);
        if (r.rows > 0 || r.skipped > 0)
            store_result(writer.store(), r, started, o);
        else
            log::warn("unit " + std::to_string(unit.index) + " holds no data rows");
        writer.finish(unit.record(started));
        if (!quiet_)
            std::printf("shard %lld of %zu written to %s\n", unit.index, unit.plan.size(),
                        store_.path().c_str());
        return 0;
    }

    void store_result(store::Store& store, ingest::IngestResult& r, const std::string& started,
                      const ingest::IngestOptions& o) const {
        const auto w0 = std::chrono::steady_clock::now();
        ingest::StageTimer store_cpu(o.stats, ingest::Stage::store);
        const int64_t id = store.replace_periods(r, started, o.skip_bad_rows);
        store_cpu.stop();
        if (interrupt_signal() != 0)
            log::warn("interrupted after the store was written: ingest " + std::to_string(id) +
                      " is complete");
        const double write_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
        log::debug("store write done after " + std::to_string(write_s) + " s");
        if (!quiet_) print_sources(r, id, write_s);
        if (o.stats) std::fputs(o.stats->table(r.bytes, r.seconds + write_s).c_str(), stderr);
        if (r.skipped_row_groups > 0)
            log::warn(std::to_string(r.skipped_row_groups) +
                      " damaged Parquet row group(s) skipped whole (--on-error=skip); their rows "
                      "are counted below");
        if (r.skipped > 0) {
            log::warn(std::to_string(r.skipped) +
                      " bad row(s) skipped (--on-error=skip); recorded in ingest " +
                      std::to_string(id) + ". First:");
            for (size_t i = 0; i < r.problems.size() && i < 5; ++i)
                log::warn("  " + r.problems[i].text());
        }
    }

    static void print_sources(const ingest::IngestResult& r, int64_t id, double write_s) {
        std::printf("%-60s %-11s %-6s %12s %9s\n", "source", "dialect", "comp", "rows", "skipped");
        for (const auto& s : r.sources) {
            std::string name = s.member.empty() ? s.path : s.path + ":" + shown_text(s.member);
            if (name.size() > 60) name = std::string("...").append(name, name.size() - 57, 57);
            std::printf("%-60s %-11s %-6s %12llu %9llu\n", name.c_str(), s.dialect.c_str(),
                        s.compression.c_str(), static_cast<unsigned long long>(s.rows),
                        static_cast<unsigned long long>(s.skipped));
        }
        // The (payer, period) units replaced, as period/payer.
        std::string periods;
        std::set<std::pair<Period, std::string>> units;
        for (const auto& s : r.sources)
            for (const auto& u : s.units)
                units.emplace(u.period, u.payer);
        for (const auto& [p, payer] : units)
            periods.append(periods.empty() ? "" : " ")
                .append(format_period(p))
                .append(payer.empty() ? "" : "/" + payer);
        const double mb = static_cast<double>(r.bytes) / 1e6;
        std::printf(
            "ingest %lld: %llu rows from %zu stream(s), %.1f MB read in %.2f s (%.0f MB/s, %.0f "
            "rows/s), stored in %.2f s; periods replaced (period/payer): %s\n",
            static_cast<long long>(id), static_cast<unsigned long long>(r.rows), r.sources.size(),
            mb, r.seconds, r.seconds > 0 ? mb / r.seconds : 0.0,
            r.seconds > 0 ? static_cast<double>(r.rows) / r.seconds : 0.0, write_s,
            periods.c_str());
    }

    StoreOption store_;
    ShardOption shard_;
    std::vector<std::string> paths_;
    std::string on_error_ = "fail";
    std::optional<std::string> delimiter_, null_, quote_, threads_, max_memory_;
    bool zlib_ = false, no_progress_ = false, quiet_ = false, verbose_ = false;
    bool stats_flag_ = false, verify_ = false;
    ingest::StageStats stats_;
};

}  // namespace

std::unique_ptr<Command> make_ingest_command() {
    return std::make_unique<IngestCommand>();
}

}  // namespace curcrunch::cli
