// curcrunch billing run: bill every customer for a month (billing/billing_run.hpp).
#include <cstdio>

#include "curcrunch/billing/billing_run.hpp"
#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/config_load.hpp"
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/sign_options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class BillingRunCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"billing run",
                "bill customers for a month: invoices (PDF, CSV, JSON) and the margin report",
                "curcrunch billing run --db billing.db --config billing.json --period 2026-10 "
                "--out invoices/",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.value("--config", config_, "FILE", "the billing configuration (JSON)");
        o.value("--period", period_, "YYYY-MM", "the month to bill");
        o.value("--out", out_, "DIR", "the folder for the invoices and the margin report");
        o.flag("--reissue", reissue_,
               "replace final invoices that changed by a new version and a credit note");
        sign_.declare(o, "the invoice PDFs");
        o.flag("--quiet", quiet_, "print only what changed");
    }

    int run() override {
        if (!config_) throw_usage("--config: give the billing configuration file");
        if (!period_) throw_usage("--period: give the month to bill (YYYY-MM)");
        if (!out_) throw_usage("--out: give the folder for the invoices");
        billing::BillingRunOptions o;
        o.period = parse_month("--period", *period_);
        o.out_dir = *out_;
        o.reissue = reissue_;
        const std::optional<report::SigningKey> key = sign_.load();
        if (key) o.signer = &*key;
        const billing::BillingConfig c = billing::load_billing_config(*config_);
        // Every configuration error stops the run before the store is even opened.
        billing::raise_config_errors(c, billing::check_billing_config(c, {}));
        // A run bills from the AWS costs already in a store: a mistyped --db would otherwise
        // create an empty store and issue invoices of fees alone.
        if (store::Store::is_new(store_.path()))
            throw_usage("--db " + store_.path() +
                        ": no store there; give the store the AWS costs were ingested into");
        // SIGINT/SIGTERM: the work stops where nothing is written yet (core/interrupt.hpp).
        InterruptScope interrupts;
        auto store = store::Store::open(store_.path());
        const billing::BillingRunResult r = billing::run_billing(store->db(), c, o);
        for (const auto& w : r.warnings)
            std::fprintf(stderr, "%s\n", w.c_str());
        if (!quiet_)
            for (const auto& u : r.units)
                std::printf("AWS costs of payer %s %s: %s (%s), data through %s\n",
                            u.payer.empty() ? "(none)" : u.payer.c_str(),
                            format_period(o.period).c_str(), store::period_status_name(u.status),
                            u.status_basis.c_str(), format_day(u.data_through).c_str());
        for (const auto& l : r.changes)
            std::printf("%s\n", l.c_str());
        if (!quiet_)
            std::printf("billing run %lld: %zu document(s), %zu file(s) in %s\n",
                        static_cast<long long>(r.run_id), r.documents.size(), r.files.size(),
                        o.out_dir.c_str());
        return 0;
    }

  private:
    StoreOption store_;
    SignOptions sign_;
    std::optional<std::string> config_, period_, out_;
    bool reissue_ = false, quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_billing_run_command() {
    return std::make_unique<BillingRunCommand>();
}

}  // namespace curcrunch::cli
