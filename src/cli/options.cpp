// OptionSet over CLI11 (Debian's libcli11-dev). CLI11 parses; this file keeps curcrunch's own
// conventions on top of it: values are kept as text and converted by the command (so every
// message about a bad value is curcrunch's, see option_values.hpp), lists split at commas (a
// backslash escapes a comma or a backslash: core/value_list.hpp), unknown options and stray
// arguments are collected (allow_extras) and reported with a suggestion instead of CLI11's
// "The following arguments were not expected", which would echo values.
#include "curcrunch/cli/options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "curcrunch/cli/suggest.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/core/value_list.hpp"

namespace curcrunch::cli {
namespace {

constexpr size_t kNameColumn = 28;
constexpr size_t kLineWidth = 80;

// Wraps `text` into lines of at most `width` characters (longer words stay whole).
std::string wrap(const std::string& text, size_t width) {
    std::string out, line;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        const std::string word = text.substr(start, end - start);
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out.append(out.empty() ? "" : "\n").append(line);
            line.clear();
        }
        line.append(line.empty() ? "" : " ").append(word);
        start = end + 1;
    }
    if (!line.empty()) out.append(out.empty() ? "" : "\n").append(line);
    return out;
}

// The layout of --help: "--name VALUE" on the left, the help and "[default: ...]" wrapped on
// the right, the example as the footer.
class HelpFormatter : public CLI::Formatter {
  public:
    explicit HelpFormatter(const std::map<const CLI::Option*, std::string>& defaults)
        : defaults_(defaults) {
        column_width(kNameColumn);
    }
    std::string make_option_opts(const CLI::Option* opt) const override {
        return opt->get_type_size() == 0 || opt->get_positional() ? std::string()
                                                                  : " " + opt->get_option_text();
    }
    std::string make_option_desc(const CLI::Option* opt) const override {
        std::string d = opt->get_description();
        if (auto it = defaults_.find(opt); it != defaults_.end() && !it->second.empty())
            d += " [default: " + it->second + "]";
        return wrap(d, kLineWidth - kNameColumn);
    }
    std::string make_option_usage(const CLI::Option* opt) const override {
        return "[" + opt->get_option_text() + "]";
    }

  private:
    const std::map<const CLI::Option*, std::string>& defaults_;
};

std::string without_dashes(const std::string& name) {
    return name.substr(name.find_first_not_of('-') == std::string::npos
                           ? name.size()
                           : name.find_first_not_of('-'));
}

}  // namespace

struct OptionSet::Impl {
    std::string name, path;  // "ingest", "curcrunch ingest"
    // What --help shows as an option's default; declared before `app`, whose formatter keeps a
    // reference to it.
    std::map<const CLI::Option*, std::string> defaults;
    CLI::App app;
    // Copies an option's parsed results into the member it is bound to.
    std::vector<std::function<void()>> assign;
    std::vector<std::string> long_names;  // for suggestions, without dashes
    std::set<std::string> valued;         // "--db": options that take a value
    bool has_positionals = false;
    std::string stray_message;

    explicit Impl(const CommandInfo& info)
        : name(info.name), path("curcrunch " + info.name), app(info.summary, path) {
        app.formatter(std::make_shared<HelpFormatter>(defaults));
        app.set_help_flag("-h,--help", "print this help and exit");
        app.allow_extras();
        std::string footer = "Example:";
        size_t start = 0;
        while (start < info.example.size()) {
            size_t end = info.example.find('\n', start);
            if (end == std::string::npos) end = info.example.size();
            footer += "\n  " + info.example.substr(start, end - start);
            start = end + 1;
        }
        app.footer(footer + "\n\nSee `man curcrunch` for the details of every option.");
        long_names.push_back("help");
    }

    // A value-taking option: one value per occurrence, every occurrence kept (TakeAll) so
    // lists see them all and single values can take the last.
    CLI::Option* add_valued(const std::string& name, const std::string& value_name,
                            const std::string& help) {
        CLI::Option* opt = app.add_option(name, help);
        opt->type_name(value_name)
            ->option_text(value_name)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
            ->allow_extra_args(false);
        remember(opt);
        for (const auto& n : opt->get_lnames())
            valued.insert("--" + n);
        return opt;
    }

    // CLI11 reads `--db=` (an empty value) as `--db` and takes the next argument instead; so
    // `--name=value` of a value option is handed over as `--name` `value`, which keeps an
    // empty value empty. Flags and unknown options keep their `=` (a flag's value is refused,
    // an unknown option's is never shown).
    std::vector<std::string> split_values(const std::vector<std::string>& args) const {
        std::vector<std::string> out;
        bool options_ended = false;
        for (const auto& arg : args) {
            const size_t eq = arg.find('=');
            if (options_ended || arg.rfind("--", 0) != 0 || eq == std::string::npos ||
                !valued.count(arg.substr(0, eq))) {
                options_ended = options_ended || arg == "--";
                out.push_back(arg);
                continue;
            }
            out.push_back(arg.substr(0, eq));
            out.push_back(arg.substr(eq + 1));
        }
        return out;
    }
    void remember(const CLI::Option* opt) {
        for (const auto& n : opt->get_lnames())
            long_names.push_back(n);
    }

    [[noreturn]] void fail(const std::string& message) const {
        throw_usage(name + ": " + message + "; see `" + path + " --help`");
    }

    // Reports what allow_extras collected: unknown options first (a stray value usually belongs
    // to one), then arguments the command does not take.
    void check_leftovers() const {
        const std::vector<std::string> left = app.remaining();
        bool after_dashes = false;
        std::vector<std::string> strays;
        for (const auto& arg : left) {
            if (!after_dashes && arg == "--") {
                after_dashes = true;
                continue;
            }
            if (after_dashes || arg.size() < 2 || arg[0] != '-') {
                strays.push_back(arg);
                continue;
            }
            // The option's name only: a value given with `=` is never shown.
            const std::string option = arg.substr(0, arg.find('='));
            std::string message = "unknown option " + printable_argument(option);
            const std::string near = nearest(without_dashes(option), long_names);
            if (!near.empty()) message += " (did you mean --" + near + "?)";
            fail(message);
        }
        if (strays.empty()) return;
        if (!stray_message.empty()) fail(stray_message);
        fail(std::string(has_positionals ? "unexpected argument '" : "takes no arguments, got '") +
             printable_argument(strays.front()) + "'");
    }

    // CLI11's own parse errors, in curcrunch's words. They name the option: "--db: 1 required
    // FILE missing", "quiet was given a disallowed flag override".
    [[noreturn]] void translate(const CLI::ParseError& e) const {
        const std::string what = e.what();
        const std::string first = without_dashes(what.substr(0, what.find_first_of(": ")));
        for (const CLI::Option* opt : app.get_options()) {
            const auto& names = opt->get_lnames();
            if (std::find(names.begin(), names.end(), first) == names.end()) continue;
            const std::string shown_name = "--" + first;
            if (what.find("required") != std::string::npos)
                fail("option " + shown_name + " needs a value (" + opt->get_option_text() + ")");
            if (what.find("flag override") != std::string::npos)
                fail("option " + shown_name + " takes no value");
        }
        fail(what);
    }
};

OptionSet::OptionSet(const CommandInfo& info) : impl_(std::make_unique<Impl>(info)) {}
OptionSet::~OptionSet() = default;

void OptionSet::value(const std::string& name, std::optional<std::string>& out,
                      const std::string& value_name, const std::string& help,
                      const std::string& default_text) {
    CLI::Option* opt = impl_->add_valued(name, value_name, help);
    impl_->defaults[opt] = default_text;
    impl_->assign.push_back([opt, &out] {
        if (!opt->results().empty()) out = opt->results().back();
    });
}

void OptionSet::value(const std::string& name, std::string& out, const std::string& value_name,
                      const std::string& help) {
    CLI::Option* opt = impl_->add_valued(name, value_name, help);
    impl_->defaults[opt] = out;
    impl_->assign.push_back([opt, &out] {
        if (!opt->results().empty()) out = opt->results().back();
    });
}

void OptionSet::list(const std::string& name, std::vector<std::string>& out,
                     const std::string& value_name, const std::string& help,
                     const std::string& default_text) {
    CLI::Option* opt =
        impl_->add_valued(name, value_name + "[," + value_name + "...]",
                          help + "; repeatable; a comma inside a value is written \\,");
    impl_->defaults[opt] = default_text;
    Impl* impl = impl_.get();
    impl_->assign.push_back([opt, &out, impl] {
        for (const auto& v : opt->results())
            if (!split_value_list(v, out))
                impl->fail("--" + opt->get_lnames().front() + ": " + kValueListRule + ", got '" +
                           shown_text(v, 60) + "'");
    });
}

void OptionSet::flag(const std::string& name, bool& out, const std::string& help) {
    CLI::Option* opt = impl_->app.add_flag(name)->description(help)->disable_flag_override();
    impl_->remember(opt);
    impl_->assign.push_back([opt, &out] { out = opt->count() > 0; });
}

void OptionSet::positionals(const std::string& value_name, std::vector<std::string>& out,
                            const std::string& help) {
    CLI::Option* opt = impl_->app.add_option(value_name, help);
    opt->option_text(value_name + "...")
        ->expected(0, CLI::detail::expected_max_vector_size)
        ->allow_extra_args(true)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    impl_->has_positionals = true;
    impl_->assign.push_back([opt, &out] { out = opt->results(); });
}

void OptionSet::stray_arguments_message(const std::string& message) {
    impl_->stray_message = message;
}

OptionSet::Parsed OptionSet::parse(const std::vector<std::string>& args) {
    const std::vector<std::string> split = impl_->split_values(args);
    std::vector<std::string> reversed(split.rbegin(), split.rend());  // CLI11 pops from the back
    try {
        impl_->app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        std::fputs(help().c_str(), stdout);
        return Parsed::help_shown;
    } catch (const CLI::ParseError& e) {
        impl_->translate(e);
    }
    impl_->check_leftovers();
    for (const auto& a : impl_->assign)
        a();
    return Parsed::run;
}

std::string OptionSet::help() const {
    return impl_->app.help();
}

}  // namespace curcrunch::cli
