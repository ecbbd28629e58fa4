// The command line as a user meets it, through the real binary: every command's --help, -h and
// `help COMMAND`; suggestions for mistyped options and commands; the option conventions every
// command shares; the messages for missing and foreign stores; and every command's exit codes
// checked against the table in README.md (and the man page's EXIT STATUS).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <map>
#include <regex>
#include <set>
#include <thread>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/suggest.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

std::vector<cli::CommandInfo> registered_commands() {
    std::vector<cli::CommandInfo> out;
    for (cli::CommandFactory make : cli::command_factories())
        out.push_back(make()->info());
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(CliHelp, EveryCommandAnswersHelpDashHAndHelpCommand) {
    for (const auto& info : registered_commands()) {
        SCOPED_TRACE(info.name);
        const RunResult help = run_cli({info.name, "--help"});
        EXPECT_EQ(help.exit_code, 0) << help.err;
        EXPECT_EQ(help.err, "");
        EXPECT_TRUE(contains(help.out, info.summary + "\nUsage: curcrunch " + info.name))
            << help.out;
        EXPECT_TRUE(contains(help.out, "  -h,--help ")) << help.out;
        EXPECT_TRUE(contains(help.out, "\nExample:\n  ")) << help.out;
        // The example runs this very command (by its name or an alias).
        const std::string example = help.out.substr(help.out.find("\nExample:\n"));
        bool named = contains(example, "curcrunch " + info.name) ||
                     (info.name == "version" && contains(example, "curcrunch --version"));
        for (const auto& alias : info.aliases)
            named = named || contains(example, "curcrunch " + alias + " ");
        EXPECT_TRUE(named) << example;

        const RunResult dash_h = run_cli({info.name, "-h"});
        EXPECT_EQ(dash_h.exit_code, 0);
        EXPECT_EQ(dash_h.out, help.out);
        const RunResult topic = run_cli({"help", info.name});
        EXPECT_EQ(topic.exit_code, 0);
        EXPECT_EQ(topic.out, help.out);
        for (const auto& alias : info.aliases) {
            EXPECT_EQ(run_cli({alias, "--help"}).out, help.out);
            EXPECT_EQ(run_cli({"help", alias}).out, help.out);
        }
    }
}

// --help of `command`, each option's description unwrapped onto one line.
std::string help_of(const std::string& command) {
    return std::regex_replace(run_cli({command, "--help"}).out, std::regex("\n {28}"), " ");
}

TEST(CliHelp, OptionsShowValueNamesAndDefaults) {
    const RunResult s{0, help_of("summary"), ""};
    EXPECT_TRUE(
        std::regex_search(s.out, std::regex("\n  --granularity G +time buckets: day, "
                                            "week, month, year, total \\[default: month\\]")))
        << s.out;
    EXPECT_TRUE(std::regex_search(
        s.out,
        std::regex("\n  --db FILE +the store \\(a SQLite file\\) \\[default: \\$CURCRUNCH_DB,")))
        << s.out;
    EXPECT_TRUE(contains(s.out, "\n  --account ID[,ID...] ")) << s.out;
    const RunResult i{0, help_of("ingest"), ""};
    EXPECT_TRUE(contains(i.out, "Usage: curcrunch ingest [OPTIONS] [PATH...]")) << i.out;
    EXPECT_TRUE(std::regex_search(i.out, std::regex("\n  --threads N +threads that parse; 1: one "
                                                    "thread in all, digests\\s+included "
                                                    "\\[default: all cores\\]")))
        << i.out;
    EXPECT_TRUE(std::regex_search(i.out, std::regex("\n  --quiet +no per-file table"))) << i.out;
    const RunResult f{0, help_of("fetch"), ""};
    EXPECT_TRUE(std::regex_search(f.out, std::regex("\n  --max-attempts N +attempts per request, "
                                                    "retries included \\[default: 5\\]")))
        << f.out;
    // Help wins over everything else on the line: no "give at least one file".
    const RunResult bare = run_cli({"ingest", "--bogus", "--help"});
    EXPECT_EQ(bare.exit_code, 0) << bare.err;
    EXPECT_EQ(bare.out, run_cli({"ingest", "-h"}).out);
}

TEST(CliHelp, HelpListsEveryCommandAndTheExitCodes) {
    const RunResult help = run_cli({"help"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    for (const auto& info : registered_commands())
        EXPECT_TRUE(std::regex_search(
            help.out, std::regex("\n  " + info.name + " +" +
                                 std::regex_replace(info.summary, std::regex("[()$.]"), "\\$&"))))
            << info.name << "\n"
            << help.out;
    EXPECT_TRUE(contains(help.out, "exit codes: 0 ok")) << help.out;
    EXPECT_EQ(run_cli({"--help"}).out, help.out);
    EXPECT_EQ(run_cli({"-h"}).out, help.out);
    // No command at all: the same list, on stderr, as a usage error.
    const RunResult none = run_cli({});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_EQ(none.out, "");
    EXPECT_EQ(none.err, help.out);
    const RunResult v = run_cli({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_TRUE(std::regex_match(v.out, std::regex("curcrunch [0-9]+\\.[0-9]+\\.[0-9]+ \\(scan "
                                                   "kernel [a-z0-9]+\\)\n")))
        << v.out;
    EXPECT_EQ(run_cli({"version"}).out, v.out);
}

TEST(CliSuggest, UnknownOptionsNameTheNearestOne) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"summary", "--acount", "1"},
         "summary: unknown option --acount (did you mean --account?)"},
        {{"summary", "--form", "2026-01-01"},
         "summary: unknown option --form (did you mean --from?)"},
        {{"summary", "--granularty=day"},
         "summary: unknown option --granularty (did you mean --granularity?)"},
        {{"summary", "-db", "x.db"}, "summary: unknown option -db (did you mean --db?)"},
        {{"ingest", "--thread", "2", "x.csv"},
         "ingest: unknown option --thread (did you mean --threads?)"},
        {{"ingest", "--on-eror=skip", "x.csv"},
         "ingest: unknown option --on-eror (did you mean --on-error?)"},
        {{"report", "--output", "x.pdf"}, "report: unknown option --output (did you mean --out?)"},
        {{"serve", "--lisen", "127.0.0.1:1"},
         "serve: unknown option --lisen (did you mean --listen?)"},
        {{"ce", "--profle", "a"},
         "cost-explorer: unknown option --profle (did you mean --profile?)"},
    };
    for (const auto& [args, message] : cases) {
        const RunResult r = run_cli(args);
        EXPECT_EQ(r.exit_code, 2) << args[1];
        EXPECT_TRUE(contains(r.err, "curcrunch: error: " + message)) << r.err;
        EXPECT_TRUE(contains(r.err, "see `curcrunch ")) << r.err;
        EXPECT_EQ(r.out, "");
    }
    // Nothing close: no guess.
    const RunResult far = run_cli({"summary", "--bogus"});
    EXPECT_EQ(far.exit_code, 2);
    EXPECT_TRUE(
        contains(far.err, "summary: unknown option --bogus; see `curcrunch summary --help`"))
        << far.err;
}

TEST(CliSuggest, AValueTypedIntoTheWrongPlaceIsNeverEchoed) {
    const std::string secret = "hvs.CAESIJ9secretTokenValue";
    for (auto args : std::vector<std::vector<std::string>>{{"fetch", "--secret-id", secret},
                                                           {"fetch", "--secret-id=" + secret},
                                                           {"fetch", secret},
                                                           {"fetch", "--", secret}}) {
        const RunResult r = run_cli(args);
        EXPECT_EQ(r.exit_code, 2) << args[1];
        EXPECT_FALSE(contains(r.err + r.out, "CAESIJ9")) << r.err;
    }
    EXPECT_TRUE(contains(run_cli({"fetch", "--secret-id", secret}).err,
                         "unknown option --secret-id (did you mean --secret-id-file?)"));
    EXPECT_TRUE(contains(run_cli({"fetch", secret}).err,
                         "fetch takes no positional arguments (secrets come from the environment"));
    // Control bytes in an argument are shown escaped.
    const RunResult bin = run_cli({"summary", "--b\x01y"});
    EXPECT_TRUE(contains(bin.err, "unknown option --b\\x01y")) << bin.err;
}

TEST(CliSuggest, UnknownCommandsNameTheNearestOne) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"sumary", "summary"},
        {"inegst", "ingest"},
        {"import-pdfs", "import-pdf"},
        {"acounts", "accounts"},
        {"periodes", "periods"},
        {"frobnicate", ""},
        {"cost-exploer", "cost-explorer"}};
    for (const auto& [typed, near] : cases) {
        const RunResult r = run_cli({typed});
        EXPECT_EQ(r.exit_code, 2) << typed;
        EXPECT_TRUE(contains(r.err, "curcrunch: error: unknown command '" + typed + "'")) << r.err;
        if (near.empty()) {
            EXPECT_FALSE(contains(r.err, "did you mean")) << r.err;
        } else {
            EXPECT_TRUE(contains(r.err, "(did you mean `curcrunch " + near + "`?)")) << r.err;
        }
        EXPECT_TRUE(contains(r.err, "`curcrunch help` lists the commands")) << r.err;
        EXPECT_EQ(run_cli({"help", typed}).err, r.err);
    }
    const RunResult options_first = run_cli({"--db", "x.db", "summary"});
    EXPECT_EQ(options_first.exit_code, 2);
    EXPECT_TRUE(contains(options_first.err, "the command comes first")) << options_first.err;
}

TEST(CliSuggest, EditDistanceCountsSwapsAsOneEdit) {
    EXPECT_EQ(cli::edit_distance("", "abc"), 3u);
    EXPECT_EQ(cli::edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(cli::edit_distance("form", "from"), 1u);
    EXPECT_EQ(cli::edit_distance("same", "same"), 0u);
    const std::vector<std::string> names = {"from", "format", "to", "secret-id-file"};
    EXPECT_EQ(cli::nearest("form", names), "from");
    EXPECT_EQ(cli::nearest("formt", names), "format");
    EXPECT_EQ(cli::nearest("secret-id", names), "secret-id-file");
    EXPECT_EQ(cli::nearest("formatting", names), "format");
    EXPECT_EQ(cli::nearest("x", names), "");
    EXPECT_EQ(cli::nearest("zzzzzz", names), "");
}

class CliOptions : public ::testing::Test {
  protected:
    void SetUp() override {
        write_file(tmp / "oct.csv", known_month_csv("2026-10", "10.00"));
        ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, tmp / "oct.csv"}).exit_code, 0);
    }
    std::string accounts(std::vector<std::string> extra) {
        std::vector<std::string> a = {"summary",       "--db",  db,         "--by", "account",
                                      "--granularity", "total", "--format", "csv"};
        a.insert(a.end(), extra.begin(), extra.end());
        const RunResult r = run_cli(a);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string keys;
        for (size_t at = r.out.find("\n,"); at != std::string::npos; at = r.out.find("\n,", at + 1))
            keys += r.out.substr(at + 2, 12) + " ";
        return keys;
    }
    TempDir tmp;
    std::string db = tmp / "s.db";
};

TEST_F(CliOptions, ListsRepeatAndSplitAtCommas) {
    EXPECT_EQ(accounts({}), "111111111111 222222222222 ");
    EXPECT_EQ(accounts({"--account", "111111111111"}), "111111111111 ");
    EXPECT_EQ(accounts({"--account", "222222222222,,222222222222", "--account=111111111111"}),
              "111111111111 222222222222 ");
    EXPECT_EQ(accounts({"--account=222222222222", "--service", "AmazonS3,AmazonKMS"}),
              "222222222222 ");
}

TEST_F(CliOptions, EqualsFormsLastValueWinsAndDoubleDashEndsOptions) {
    const RunResult last = run_cli({"summary", "--db=" + db, "--format", "csv", "--format=json"});
    EXPECT_EQ(last.exit_code, 0) << last.err;
    EXPECT_EQ(last.out.substr(0, 1), "{");
    // After --, a name starting with dashes is a file.
    write_file(tmp / "--nov.csv", known_month_csv("2026-11", "1.00"));
    const RunResult dashed =
        run_cli({"ingest", "--quiet", "--db", db, "--", (tmp.path() / "--nov.csv").string()});
    EXPECT_EQ(dashed.exit_code, 0) << dashed.err;
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM billing_period"), "2");
    // A value may start with a dash; a flag takes none; a value must be there.
    const RunResult neg = run_cli({"summary", "--db", db, "--min-cost", "-5"});
    EXPECT_EQ(neg.exit_code, 2);
    EXPECT_TRUE(contains(neg.err, "--min-cost: expected a non-negative amount, got '-5'"))
        << neg.err;
    const RunResult flag = run_cli({"ingest", "--db", db, "--quiet=yes", tmp / "oct.csv"});
    EXPECT_EQ(flag.exit_code, 2);
    EXPECT_TRUE(contains(flag.err, "ingest: option --quiet takes no value")) << flag.err;
    const RunResult missing = run_cli({"summary", "--db"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_TRUE(contains(missing.err, "summary: option --db needs a value (FILE)")) << missing.err;
    const RunResult empty = run_cli({"ingest", "--db=", tmp / "oct.csv"});
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_TRUE(contains(empty.err, "--db: give the store's file name")) << empty.err;
    const RunResult stray = run_cli({"summary", "--db", db, "services"});
    EXPECT_EQ(stray.exit_code, 2);
    EXPECT_TRUE(contains(stray.err, "summary: takes no arguments, got 'services'")) << stray.err;
}

// ------------------------------------------------------------------------------ stores

const std::vector<std::string> kReadCommands = {"summary",  "periods", "accounts",
                                                "invoices", "reports", "cost-explorer",
                                                "audit",    "report",  "serve"};

TEST(CliStore, AMissingStoreIsNamedAndNeverCreated) {
    TempDir tmp;
    const std::string db = tmp / "nowhere.db";
    for (const auto& cmd : kReadCommands) {
        SCOPED_TRACE(cmd);
        std::vector<std::string> args = {cmd, "--db", db};
        if (cmd == "report") args.insert(args.end(), {"--out", tmp / "r.pdf"});
        const RunResult r = run_cli(args);
        EXPECT_EQ(r.exit_code, 4);
        EXPECT_EQ(r.err, "curcrunch: error: no store at " + db +
                             ": run `curcrunch ingest` or `curcrunch fetch` first, or give the "
                             "store with --db\n");
        EXPECT_FALSE(fs::exists(db));
        EXPECT_FALSE(fs::exists(db + "-wal"));
        EXPECT_FALSE(fs::exists(db + "-shm"));
        EXPECT_FALSE(fs::exists(tmp / "r.pdf"));
    }
    // The default store comes from CURCRUNCH_DB, and is named the same way.
    const RunResult env = run_cli({"summary"}, {"CURCRUNCH_DB=" + db});
    EXPECT_EQ(env.exit_code, 4);
    EXPECT_TRUE(contains(env.err, "no store at " + db + ": run `curcrunch ingest`")) << env.err;
    EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(CliStore, ForeignFoldersAndNewerStoresAreNamed) {
    TempDir tmp;
    write_file(tmp / "a.csv", std::string(kLegacyHeader) + legacy_row("1", "2026-09-03", "1"));
    write_file(tmp / "notes.db", "these are my notes, not a database\n");
    const std::string other = tmp / "other.db";
    {
        store::Database d(other, store::Database::Mode::read_write_create);
        d.exec("CREATE TABLE recipes(name TEXT)");
    }
    const std::string newer = tmp / "newer.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", newer, tmp / "a.csv"}).exit_code, 0);
    {
        store::Database d(newer, store::Database::Mode::read_write_create);
        d.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    }
    const std::string notes_before = read_file(tmp / "notes.db");
    const std::string other_before = dump_store(other);
    const std::string newer_before = dump_store(newer);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {tmp / "notes.db", tmp / "notes.db" + " is not a curcrunch store (not an SQLite database)"},
        {other, other + " is not a curcrunch store (an SQLite database of something else)"},
        {newer, newer + " was written by a newer curcrunch (store schema 99; this curcrunch reads "
                        "up to "},
        {tmp.path().string(), tmp.path().string() + " is a folder, not a store"}};
    for (const auto& [db, message] : cases) {
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"summary", "--db", db},
              std::vector<std::string>{"ingest", "--quiet", "--db", db, tmp / "a.csv"},
              std::vector<std::string>{"import-pdf", "--db", db, tmp / "a.csv"}}) {
            const RunResult r = run_cli(args);
            EXPECT_EQ(r.exit_code, 4) << args[0] << " " << db << r.err;
            EXPECT_TRUE(contains(r.err, "curcrunch: error: " + message)) << r.err;
        }
    }
    EXPECT_EQ(read_file(tmp / "notes.db"), notes_before);
    EXPECT_EQ(dump_store(other), other_before);
    EXPECT_EQ(dump_store(newer), newer_before);
    const RunResult nodir = run_cli({"ingest", "--db", tmp / "no/such/dir/s.db", tmp / "a.csv"});
    EXPECT_EQ(nodir.exit_code, 4);
    EXPECT_TRUE(contains(nodir.err, "cannot create the store " + (tmp / "no/such/dir/s.db") +
                                        ": the folder " + (tmp / "no/such/dir") +
                                        " does not exist"))
        << nodir.err;
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
