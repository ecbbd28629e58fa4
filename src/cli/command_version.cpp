// curcrunch version (also `curcrunch --version`).
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/ingest/chunk_scanner.hpp"

namespace curcrunch::cli {
namespace {

class VersionCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"version", "print the version", "curcrunch --version", {}};
    }
    void declare(OptionSet&) override {}
    int run() override {
        std::printf("curcrunch %s (scan kernel %s)\n", CURCRUNCH_VERSION,
                    ingest::scan_kernel_name());
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_version_command() {
    return std::make_unique<VersionCommand>();
}

}  // namespace curcrunch::cli
