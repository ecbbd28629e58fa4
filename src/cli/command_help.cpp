// curcrunch help [COMMAND]: the list of commands, or one command's --help.
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::cli {
namespace {

class HelpCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"help",
                "list the commands, or explain one",
                "curcrunch help\ncurcrunch help summary",
                {}};
    }

    void declare(OptionSet& o) override {
        o.positionals("COMMAND", topic_, "the command to explain");
    }

    int run() override {
        if (topic_.empty()) {
            std::fputs(overview_help().c_str(), stdout);
            return 0;
        }
        if (topic_.size() > 2) throw_usage("help: give one command, e.g. `curcrunch help ingest`");
        // Two-word commands may come as two arguments ("help billing run").
        const std::string name =
            topic_.size() == 2 ? topic_.front() + " " + topic_.back() : topic_.front();
        auto cmd = find_command(name);
        if (!cmd) throw_unknown_command(name);
        OptionSet options(cmd->info());
        cmd->declare(options);
        std::fputs(options.help().c_str(), stdout);
        return 0;
    }

  private:
    std::vector<std::string> topic_;
};

}  // namespace

std::unique_ptr<Command> make_help_command() {
    return std::make_unique<HelpCommand>();
}

}  // namespace curcrunch::cli
