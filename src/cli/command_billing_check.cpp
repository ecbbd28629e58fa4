// curcrunch billing check: validate a billing configuration (billing/config_check.hpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "curcrunch/billing/billing_run.hpp"
#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/config_load.hpp"
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class BillingCheckCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"billing check",
                "validate a billing configuration (customers, groups, pricing, meters, plans)",
                "curcrunch billing check --config billing.json --db billing.db",
                {}};
    }

    void declare(OptionSet& o) override {
        o.value("--config", config_, "FILE", "the billing configuration (JSON)");
        o.value("--db", db_, "FILE",
                "a store to check account ids against (unknown accounts are warnings)", "none");
    }

    int run() override {
        if (!config_) throw_usage("--config: give the billing configuration file");
        const billing::BillingConfig c = billing::load_billing_config(*config_);
        std::vector<std::string> accounts;
        std::vector<billing::StoreCurrency> currencies;
        std::vector<billing::StoreUnit> units;
        if (db_) {
            auto store = store::Store::open(*db_, true);
            accounts = billing::known_accounts(store->db());
            currencies = billing::store_currencies(store->db());
            if (std::any_of(c.rules.begin(), c.rules.end(),
                            [](const billing::PricingRule& r) { return !r.unit.empty(); }))
                units = billing::store_units(store->db());
        }
        for (const auto& w : billing::raise_config_errors(
                 c, billing::check_billing_config(c, accounts, currencies, units)))
            std::fprintf(stderr, "%s\n", w.c_str());
        std::printf(
            "%s: ok: %zu customer(s), %zu billing group(s), %zu pricing rule(s) in %zu plan(s), "
            "%zu custom line item(s), %zu meter(s), %zu usage plan(s), %zu subscription(s)\n",
            c.file.c_str(), c.customers.size(), c.groups.size(), c.rules.size(), c.plans.size(),
            c.items.size(), c.meters.size(), c.usage_plans.size(), c.subscriptions.size());
        return 0;
    }

  private:
    std::optional<std::string> config_, db_;
};

}  // namespace

std::unique_ptr<Command> make_billing_check_command() {
    return std::make_unique<BillingCheckCommand>();
}

}  // namespace curcrunch::cli
