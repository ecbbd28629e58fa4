// curcrunch meters ingest FILE...: usage measurements into the store (billing/meter_ingest.hpp).
#include <cstdio>

#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/config_load.hpp"
#include "curcrunch/billing/meter_ingest.hpp"
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class MetersIngestCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"meters ingest",
                "store usage measurements (JSON lines or CSV) for billing, de-duplicated on uid",
                "curcrunch meters ingest --db billing.db --config billing.json usage.jsonl",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.value("--config", config_, "FILE", "the billing configuration (meters, subscriptions)");
        o.positionals("FILE", files_, "meter files: .csv is CSV, anything else JSON lines");
        o.value("--on-error", on_error_, "fail|skip",
                "a bad record stops the ingest (exit 3, store unchanged) or is skipped and listed");
        o.flag("--quiet", quiet_, "print nothing on success");
        o.flag("--verbose", verbose_, "also print the timing of each phase on stderr");
    }

    int run() override {
        if (!config_) throw_usage("--config: give the billing configuration file");
        if (files_.empty()) throw_usage("meters ingest: give at least one meter file");
        if (verbose_) log::set_level(log::Level::debug);
        billing::MeterIngestOptions o;
        o.skip_bad_rows = expect_choice("--on-error", on_error_, "fail|skip") == "skip";
        const billing::BillingConfig c = billing::load_billing_config(*config_);
        billing::raise_config_errors(c, billing::check_billing_config(c, {}));
        // SIGINT/SIGTERM: the work stops where nothing is written yet (core/interrupt.hpp).
        InterruptScope interrupts;
        auto store = store::Store::open(store_.path());
        const billing::MeterIngestResult r = billing::ingest_meter_files(store->db(), c, files_, o);
        for (const auto& p : r.problems)
            log::warn("skipped: " + p.text());
        if (!quiet_)
            std::printf(
                "meter ingest %s: %llu line(s), %llu new measurement(s) stored, %llu "
                "duplicate(s) ignored, %llu skipped\n",
                r.ingest_id ? std::to_string(r.ingest_id).c_str()
                            : "(nothing new, store unchanged)",
                static_cast<unsigned long long>(r.lines), static_cast<unsigned long long>(r.stored),
                static_cast<unsigned long long>(r.duplicates),
                static_cast<unsigned long long>(r.skipped));
        return 0;
    }

  private:
    StoreOption store_;
    std::optional<std::string> config_;
    std::vector<std::string> files_;
    std::string on_error_ = "fail";
    bool quiet_ = false, verbose_ = false;
};

}  // namespace

std::unique_ptr<Command> make_meters_ingest_command() {
    return std::make_unique<MetersIngestCommand>();
}

}  // namespace curcrunch::cli
