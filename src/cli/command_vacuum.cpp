// curcrunch vacuum: recount the strings the rollups use, drop the unused, compact the file.
#include <cstdio>
#include <filesystem>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/dim_refs.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class VacuumCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"vacuum",
                "drop strings no row uses and give free space back to the file system",
                "curcrunch vacuum --db billing.db",
                {}};
    }

    void declare(OptionSet& o) override { store_.declare(o); }

    int run() override {
        // A write command, but one that must not make a store where there is none.
        if (!std::filesystem::exists(store_.path()))
            throw_store("no store at " + store_.path() + ": nothing to vacuum");
        auto store = store::Store::open(store_.path());
        const auto r = store::vacuum_store(store->db());
        std::printf("vacuum: %lld unused string(s) removed; %lld -> %lld bytes\n",
                    static_cast<long long>(r.strings_removed),
                    static_cast<long long>(r.bytes_before), static_cast<long long>(r.bytes_after));
        return 0;
    }

  private:
    StoreOption store_;
};

}  // namespace

std::unique_ptr<Command> make_vacuum_command() {
    return std::make_unique<VacuumCommand>();
}

}  // namespace curcrunch::cli
