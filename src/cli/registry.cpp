// The commands of the curcrunch binary and the dispatch from argv to them.
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/suggest.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"

namespace curcrunch::cli {

const std::vector<CommandFactory>& command_factories() {
    static const std::vector<CommandFactory> factories = {
        make_ingest_command,
        make_summary_command,
        make_periods_command,
        make_vacuum_command,
        make_gen_command,
        make_fetch_command,
        make_shards_command,
        make_merge_command,
        make_accounts_command,
        make_invoices_command,
        make_cost_explorer_command,
        make_report_command,
        make_import_pdf_command,
        make_audit_command,
        make_reports_command,
        make_serve_command,
        make_billing_check_command,
        make_billing_run_command,
        make_billing_invoices_command,
        make_meters_ingest_command,
        make_version_command,
        make_help_command,
    };
    return factories;
}

std::unique_ptr<Command> find_command(const std::string& name) {
    for (CommandFactory make : command_factories()) {
        auto cmd = make();
        const CommandInfo info = cmd->info();
        if (info.name == name) return cmd;
        for (const auto& alias : info.aliases)
            if (alias == name) return cmd;
    }
    return nullptr;
}

void throw_unknown_command(const std::string& name) {
    // The first word of two-word commands ("billing"): say which second words exist.
    std::string verbs;
    for (CommandFactory make : command_factories()) {
        const std::string n = make()->info().name;
        if (n.size() > name.size() && n.compare(0, name.size() + 1, name + " ") == 0)
            verbs += (verbs.empty() ? "" : ", ") + n.substr(name.size() + 1);
    }
    if (!verbs.empty())
        throw_usage("`curcrunch " + name + "` needs one of: " + verbs + " (e.g. `curcrunch " +
                    name + " " + verbs.substr(0, verbs.find(',')) + " --help`)");
    std::vector<std::string> names;
    for (CommandFactory make : command_factories()) {
        const CommandInfo info = make()->info();
        names.push_back(info.name);
        names.insert(names.end(), info.aliases.begin(), info.aliases.end());
    }
    std::string message = "unknown command '" + printable_argument(name) + "'";
    if (const std::string near = nearest(name, names); !near.empty())
        message += " (did you mean `curcrunch " + near + "`?)";
    throw_usage(message + "; `curcrunch help` lists the commands");
}

std::string overview_help() {
    std::string out =
        "curcrunch: exact, fast rollups of AWS billing exports (CUR, CUR 2.0, FOCUS) in SQLite\n"
        "usage: curcrunch COMMAND [options] [arguments]\n\ncommands:\n";
    for (CommandFactory make : command_factories()) {
        const CommandInfo info = make()->info();
        char line[64];
        std::snprintf(line, sizeof line, "  %-14s ", info.name.c_str());
        out += line + info.summary;
        for (size_t i = 0; i < info.aliases.size(); ++i)
            out += (i ? ", " : " (also: ") + info.aliases[i] +
                   (i + 1 == info.aliases.size() ? ")" : "");
        out += "\n";
    }
    out +=
        "\nRun `curcrunch COMMAND --help` or `curcrunch help COMMAND` for a command's options\n"
        "and an example, `man curcrunch` for everything.\n"
        "\nexit codes: 0 ok, 1 internal error, 2 usage error, 3 bad input (store unchanged),\n"
        "            4 store error (none at --db, not a curcrunch store, newer schema),\n"
        "            5 fetch failed, 6 fetch partly failed, 7 audit found differences\n";
    return out;
}

namespace {

int run_command(Command& cmd, const std::vector<std::string>& args) {
    OptionSet options(cmd.info());
    cmd.declare(options);
    if (options.parse(args) == OptionSet::Parsed::help_shown) return 0;
    return cmd.run();
}

}  // namespace

int run(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(overview_help().c_str(), stderr);
        return 2;
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h") name = "help";
    if (name == "--version") name = "version";
    try {
        // Two-word commands first ("billing run"), then one-word ones.
        if (argc >= 3 && argv[2][0] != '-') {
            if (auto two = find_command(name + " " + argv[2]))
                return run_command(*two, std::vector<std::string>(argv + 3, argv + argc));
        }
        auto cmd = find_command(name);
        if (!cmd) {
            if (name.size() > 1 && name[0] == '-')
                throw_usage(
                    "the command comes first, then its options: `curcrunch COMMAND [options]` "
                    "(`curcrunch help` lists the commands)");
            throw_unknown_command(name);
        }
        return run_command(*cmd, std::vector<std::string>(argv + 2, argv + argc));
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::interrupted) {  // not an error: the user stopped the work
            log::info(e.what());
            return e.exit_code();
        }
        log::error(e.what());
        if (e.kind() == ErrorKind::input) log::error("nothing was written to the store");
        return e.exit_code();
    } catch (const std::exception& e) {
        log::error(std::string("internal error: ") + e.what());
        return 1;
    }
}

}  // namespace curcrunch::cli
