#pragma once
// A command's options: declared once (name, value name, one-line help, default), parsed by CLI11,
// and shown by --help / -h and `curcrunch help COMMAND` from the same declarations. CLI11 is
// included only by options.cpp.
//
// What every command gets from here:
// - `--name VALUE` and `--name=VALUE`; a repeated single-value option keeps its last value;
// - list options: repeatable and comma-separated (`--account a,b --account c`), empty parts
//   dropped;
// - `--` ends the options (everything after it is a positional argument);
// - -h / --help print the command's usage and exit 0;
// - an unknown option is a usage error (exit 2) naming the nearest valid option, and its value
//   is never echoed (it might be a secret typed in the wrong place).
//
// Adding an option to a command is one line in its declare(), e.g.
//     o.list("--payer", payers_, "ID", "only these payer accounts");
// plus whatever run() does with the member.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/cli/command.hpp"

namespace curcrunch::cli {

class OptionSet {
  public:
    explicit OptionSet(const CommandInfo& info);
    ~OptionSet();
    OptionSet(const OptionSet&) = delete;
    OptionSet& operator=(const OptionSet&) = delete;

    // --name VALUE. `out` stays std::nullopt when the option is not given; `default_text` tells
    // --help what happens then ("all cores", "$CURCRUNCH_DB, else ./curcrunch.db").
    void value(const std::string& name, std::optional<std::string>& out,
               const std::string& value_name, const std::string& help,
               const std::string& default_text = "");
    // --name VALUE whose default is `out`'s value at declaration time (shown by --help).
    void value(const std::string& name, std::string& out, const std::string& value_name,
               const std::string& help);
    // --name V[,V...], repeatable; every value of every occurrence, split at commas.
    void list(const std::string& name, std::vector<std::string>& out, const std::string& value_name,
              const std::string& help, const std::string& default_text = "");
    // --name, no value (`--name=x` is a usage error).
    void flag(const std::string& name, bool& out, const std::string& help);
    // Positional arguments, any number (the command checks how many it needs).
    void positionals(const std::string& value_name, std::vector<std::string>& out,
                     const std::string& help);
    // The message for positional arguments a command without positionals() was given. Set, it
    // replaces the default ("unexpected argument 'X'") and the argument is not echoed.
    void stray_arguments_message(const std::string& message);

    enum class Parsed { run, help_shown };
    // Parses the arguments after the command name. Prints the help and returns help_shown for
    // -h / --help; throws Error(usage) for anything it cannot accept.
    Parsed parse(const std::vector<std::string>& args);
    std::string help() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace curcrunch::cli
