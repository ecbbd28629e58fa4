#pragma once
// A CLI command: it names and describes itself, declares its options on an OptionSet (each bound
// to one of its members), and runs once they are parsed. Commands stay thin: they turn option
// text into the library's parameter structs, call the library, and format what it returns.
//
// Adding a command: write src/cli/command_NAME.cpp with a class deriving from Command and a
// factory `std::unique_ptr<Command> make_NAME_command()`, declare the factory below and list it
// in src/cli/registry.cpp (that list is also the order of `curcrunch help`). A name may have two
// words ("billing run"): `curcrunch billing run ...` runs it.
#include <memory>
#include <string>
#include <vector>

namespace curcrunch::cli {

class OptionSet;

struct CommandInfo {
    std::string name;                  // what the user types after `curcrunch`
    std::string summary;               // one line, shown by `curcrunch help` and atop --help
    std::string example;               // one or more command lines, one per line
    std::vector<std::string> aliases;  // other names accepted for it (none usually)
};

class Command {
  public:
    virtual ~Command() = default;
    virtual CommandInfo info() const = 0;
    // Declares every option and positional argument; OptionSet::parse fills the bound members.
    virtual void declare(OptionSet& options) = 0;
    // Runs after a successful parse. Returns the exit code; failures are thrown as
    // curcrunch::Error (core/error.hpp), whose kind is the exit code.
    virtual int run() = 0;
};

using CommandFactory = std::unique_ptr<Command> (*)();

// Every command, in the order `curcrunch help` lists them (src/cli/registry.cpp).
const std::vector<CommandFactory>& command_factories();
// The command called `name` (or one of its aliases), or nullptr.
std::unique_ptr<Command> find_command(const std::string& name);

std::unique_ptr<Command> make_ingest_command();
std::unique_ptr<Command> make_summary_command();
std::unique_ptr<Command> make_periods_command();
std::unique_ptr<Command> make_vacuum_command();
std::unique_ptr<Command> make_gen_command();
std::unique_ptr<Command> make_fetch_command();
std::unique_ptr<Command> make_accounts_command();
std::unique_ptr<Command> make_invoices_command();
std::unique_ptr<Command> make_cost_explorer_command();
std::unique_ptr<Command> make_report_command();
std::unique_ptr<Command> make_import_pdf_command();
std::unique_ptr<Command> make_audit_command();
std::unique_ptr<Command> make_reports_command();
std::unique_ptr<Command> make_serve_command();
std::unique_ptr<Command> make_shards_command();
std::unique_ptr<Command> make_merge_command();
std::unique_ptr<Command> make_billing_check_command();
std::unique_ptr<Command> make_billing_run_command();
std::unique_ptr<Command> make_billing_invoices_command();
std::unique_ptr<Command> make_meters_ingest_command();
std::unique_ptr<Command> make_version_command();
std::unique_ptr<Command> make_help_command();

// `curcrunch help`: every command with its summary, and the exit codes.
std::string overview_help();
// A usage error naming the nearest command.
[[noreturn]] void throw_unknown_command(const std::string& name);

// The entry point of the curcrunch binary: dispatches argv[1] through the registry.
int run(int argc, char** argv);

}  // namespace curcrunch::cli
