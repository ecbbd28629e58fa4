// curcrunch periods: the billing periods in the store and the ingests that last replaced them.
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class PeriodsCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"periods",
                "list the billing periods in the store and their ingests",
                "curcrunch periods --db billing.db",
                {}};
    }

    void declare(OptionSet& o) override { store_.declare(o); }

    int run() override {
        auto store = store::Store::open(store_.path(), true);
        std::printf("%-8s %7s %12s %16s  %-20s  %s\n", "period", "ingest", "rows", "unblended",
                    "replaced", "assembly");
        for (const auto& p : store->periods())
            std::printf("%-8s %7lld %12lld %16s  %-20s  %s\n", p.period.c_str(),
                        static_cast<long long>(p.ingest_id), static_cast<long long>(p.rows),
                        format_money(p.unblended).c_str(), p.replaced_at.c_str(),
                        p.assembly_id.c_str());
        return 0;
    }

  private:
    StoreOption store_;
};

}  // namespace

std::unique_ptr<Command> make_periods_command() {
    return std::make_unique<PeriodsCommand>();
}

}  // namespace curcrunch::cli
