// Every command's exit codes against the table in README.md ("Exit codes") and the man page's
// EXIT STATUS: each command is driven, through the real binary, into every code the table gives
// it, and no command may exit with a code the table does not give it. Code 1 (internal error)
// is documented for all and exercised by none: it means a bug.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <set>
#include <thread>

#include "aws_test_server.hpp"
#include "billing_test_services.hpp"
#include "curcrunch/store/billing_records.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

struct DocumentedCode {
    int code;
    std::string commands;  // "all", "every command with `--db`" or "a, b"
};

// The rows of README.md's exit-code table.
std::vector<DocumentedCode> readme_table() {
    const std::string readme = read_file(std::string(CURCRUNCH_SOURCE_DIR) + "/README.md");
    const size_t start = readme.find("### Exit codes");
    EXPECT_NE(start, std::string::npos);
    std::vector<DocumentedCode> rows;
    const std::regex row("\n\\| ([0-9]) \\| [^|]+ \\| ([^|]+) \\|");
    const std::string section = readme.substr(start, readme.find("\n## ", start) - start);
    for (std::sregex_iterator it(section.begin(), section.end(), row), end; it != end; ++it)
        rows.push_back({std::stoi((*it)[1]), (*it)[2]});
    return rows;
}

std::set<int> man_page_codes() {
    const std::string man = read_file(std::string(CURCRUNCH_SOURCE_DIR) + "/man/curcrunch.1");
    const size_t start = man.find(".SH EXIT STATUS");
    const std::string section = man.substr(start, man.find("\n.SH ", start + 1) - start);
    std::set<int> codes;
    const std::regex code("\n\\.B ([0-9])\n");
    for (std::sregex_iterator it(section.begin(), section.end(), code), end; it != end; ++it)
        codes.insert(std::stoi((*it)[1]));
    return codes;
}

int free_port() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
    close(s);
    return ntohs(a.sin_port);
}

bool accepts(int port) {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(s);
    return ok;
}

class CliExitCodes : public ::testing::Test {
  protected:
    void SetUp() override {
        write_file(tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
        write_file(tmp / "oct.csv", known_month_csv("2026-10", "10.00"));
        write_file(tmp / "oct-restated.csv", known_month_csv("2026-10", "11.00"));
        write_file(tmp / "bad.csv", std::string(kLegacyHeader) + "1,2,3\n");
        write_file(tmp / "fake.pdf", "not a PDF at all\n");
        write_file(tmp / "text.db", "these are notes, not a store\n");
        fs::create_directories(tmp / "folder");
        ASSERT_EQ(
            run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv", tmp / "oct.csv"}).exit_code,
            0);
        auto store = store::Store::open(db);
        aws::CeCostRow cell;
        cell.start = first_day(202610);
        cell.account = "111111111111";
        cell.service = "Amazon Elastic Compute Cloud - Compute";
        cell.unit = "USD";
        cell.amount = 280 * kUnit;
        store::replace_ce_costs(store->db(), "main", aws::CeGranularity::monthly, cell.start,
                                cell.start + 30, {cell});
    }

    // Runs curcrunch and checks its exit code; remembers which command reached which code.
    void expect(std::vector<std::string> args, int code, std::vector<std::string> env = {}) {
        const RunResult r = run_cli(args, env);
        EXPECT_EQ(r.exit_code, code)
            << join(args) << "\nstdout: " << r.out << "\nstderr: " << r.err;
        // Usage and store errors say why on stderr (audit and fetch report on stdout).
        if ((code == 2 || code == 4) && !args.empty()) {
            EXPECT_TRUE(r.err.find("curcrunch: error: ") != std::string::npos) << join(args) << "\n"
                                                                               << r.err;
        }
        seen[command_of(args)].insert(r.exit_code);
    }

    // "billing run", "meters ingest": the commands with subcommands are named by both words.
    static std::string command_of(const std::vector<std::string>& args) {
        if (args.empty()) return "";
        if ((args[0] == "billing" || args[0] == "meters") && args.size() > 1 &&
            args[1].compare(0, 1, "-") != 0)
            return args[0] + " " + args[1];
        return args[0];
    }

    // serve runs until SIGTERM, then exits 0.
    void expect_serve_stops_cleanly() {
        const int port = free_port();
        std::atomic<int> pid{0};
        RunResult r{-1, "", ""};
        std::thread t([&] {
            r = run_cli({"serve", "--db", db, "--listen", "127.0.0.1:" + std::to_string(port)}, {},
                        &pid);
        });
        bool up = false;
        for (int i = 0; i < 200 && !up; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            up = accepts(port);
        }
        EXPECT_TRUE(up) << "serve did not listen on " << port;
        if (pid.load() > 0) kill(pid.load(), SIGTERM);
        t.join();
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.out.find("curcrunch dashboard: http://127.0.0.1:" + std::to_string(port)),
                  std::string::npos)
            << r.out;
        seen["serve"].insert(r.exit_code);
    }

    static std::string join(const std::vector<std::string>& args) {
        std::string s = "curcrunch";
        for (const auto& a : args)
            s += " " + a;
        return s;
    }

    TempDir tmp;
    std::string db = tmp / "store.db";
    std::string missing = tmp / "missing.db";
    std::map<std::string, std::set<int>> seen;
};

TEST_F(CliExitCodes, EveryCommandAgainstTheDocumentedTable) {
    const std::string fresh = tmp / "fresh.db";
    // ingest
    expect({"ingest", "--quiet", "--db", fresh, tmp / "sep.csv"}, 0);
    expect({"ingest", "--db", fresh}, 2);
    expect({"ingest", "--db", fresh, "--on-error=maybe", tmp / "sep.csv"}, 2);
    expect({"ingest", "--db", fresh, tmp / "bad.csv"}, 3);
    expect({"ingest", "--db", tmp / "text.db", tmp / "sep.csv"}, 4);
    // summary, periods, the fetched listings
    for (const std::string cmd :
         {"summary", "periods", "accounts", "invoices", "reports", "cost-explorer"}) {
        expect({cmd, "--db", db}, 0);
        expect({cmd, "--db", db, "--no-such-option"}, 2);
        expect({cmd, "--db", missing}, 4);
    }
    expect({"summary", "--db", db, "--by", "colour"}, 2);
    expect({"accounts", "--db", db, "--format", "xml"}, 2);
    expect({"cost-explorer", "--db", db, "--by", "region"}, 2);
    expect({"ce", "--db", db, "--format", "csv"}, 0);
    // vacuum
    expect({"vacuum", "--db", db}, 0);
    expect({"vacuum", "--db", db, "extra"}, 2);
    expect({"vacuum", "--db", missing}, 4);
    // gen
    expect({"gen", "--out", tmp / "gen.csv", "--months", "1", "--payers", "1", "--accounts", "1",
            "--resources", "1", "--daily"},
           0);
    expect({"gen", "--months", "1"}, 2);
    expect({"gen", "--out", tmp / "gen2.csv", "--dialect", "parquet"}, 2);
    // report, import-pdf, audit
    const std::string pdf = tmp / "oct.pdf";
    expect({"report", "--quiet", "--db", db, "--from", "2026-10-01", "--to", "2026-10-31", "--out",
            pdf},
           0);
    expect({"report", "--db", db, "--granularity", "year"}, 2);
    expect({"report", "--db", db, "--out", tmp / "no/such/folder/r.pdf"}, 2);
    expect({"report", "--db", missing, "--out", tmp / "r.pdf"}, 4);
    expect({"import-pdf", "--db", db, pdf}, 0);
    expect({"import-pdf", "--db", db}, 2);
    expect({"import-pdf", "--db", db, tmp / "fake.pdf"}, 3);
    expect({"import-pdf", "--db", tmp / "text.db", pdf}, 4);
    expect({"audit", "--db", db, "--all"}, 0);
    expect({"audit", "--db", db, "--all", "--report-id", "x"}, 2);
    expect({"audit", "--db", missing}, 4);
    expect({"ingest", "--quiet", "--db", db, tmp / "oct-restated.csv"}, 0);
    expect({"audit", "--db", db, "--all"}, 7);
    // shards, merge (and ingest --shard)
    const std::string plan = tmp / "plan.tsv", shard = tmp / "shard-0.db";
    write_file(plan, run_cli({"shards", "--quiet", tmp / "sep.csv"}).out);
    expect({"shards", "--quiet", tmp / "sep.csv"}, 0);
    expect({"shards"}, 2);
    expect({"shards", "--format", "xml", tmp / "sep.csv"}, 2);
    expect({"shards", tmp / "no-such-folder"}, 3);
    expect({"ingest", "--quiet", "--shard", "0", "--shards-file", plan, "--db", shard}, 0);
    expect({"merge", "--quiet", "--db", tmp / "merged.db", shard}, 0);
    expect({"merge", "--db", tmp / "merged.db"}, 2);
    expect({"merge", "--db", tmp / "merged.db", db}, 3);
    expect({"merge", "--db", tmp / "text.db", shard}, 4);
    // serve
    expect_serve_stops_cleanly();
    expect({"serve", "--db", db, "--listen", "nowhere"}, 2);
    expect({"serve", "--db", missing}, 4);
    // billing and meters: a customer billed for the account 111111111111 of `db`, whose
    // September AWS invoice is in the store (so its invoice is final) and October's is not.
    const std::string bill = tmp / "billing.json", bill_bad = tmp / "billing-bad.json";
    auto exit_billing_config = [](const std::string& fee) {
        return R"({"customers": [{"id": "c", "name": "C", "currency": "USD"}],
  "pricing_rules": [{"id": "list", "scope": "global", "type": "markup", "percent": "0"}],
  "pricing_plans": [{"id": "p", "rules": ["list"]}],
  "billing_groups": [{"id": "g", "customer": "c", "primary_account": "111111111111",
    "from": "2026-09", "plans": [{"plan": "p", "from": "2026-09"}]}],
  "custom_line_items": [{"id": "fee", "group": "g", "type": "fee", "amount": ")" +
               fee + R"(", "description": "Fee", "from": "2026-09"}],
  "products": [{"id": "p"}],
  "meters": [{"id": "api", "product": "p", "fields": {"n": "integer"},
    "aggregations": [{"id": "n", "type": "sum", "field": "n"}]}],
  "usage_plans": [{"id": "u", "currency": "USD"}],
  "subscriptions": [{"account": "app", "customer": "c", "plan": "u", "start": "2026-09-01"}]})";
    };
    write_file(bill, exit_billing_config("10"));
    write_file(bill_bad, R"({"customers": [{"id": "c", "name": "C", "currency": "XXX"}]})");
    write_file(tmp / "m.jsonl", R"({"uid":"u1","account":"app","timestamp":)"
                                R"("2026-09-02T10:00:00Z","meter":"api","values":{"n":2}})"
                                "\n");
    write_file(tmp / "m-bad.jsonl", R"({"uid":"u2","account":"app","timestamp":)"
                                    R"("2026-09-02T10:00:00Z","meter":"api","values":{"n":"x"}})"
                                    "\n");
    {
        auto store = store::Store::open(db);
        aws::InvoiceSummary inv;
        inv.account_id = "000011112222";
        inv.period = 202609;
        inv.invoice_type = "INVOICE";
        inv.billing_entity = "AWS";
        inv.invoice_id = "E-2026-09";
        store::put_invoices(store->db(), "main", {inv}, "");
    }
    expect({"billing", "check", "--config", bill}, 0);
    expect({"billing", "check"}, 2);
    expect({"billing", "check", "--config", bill_bad}, 3);
    expect({"billing", "check", "--config", bill, "--db", tmp / "text.db"}, 4);
    expect({"meters", "ingest", "--db", db, "--config", bill, tmp / "m.jsonl"}, 0);
    expect({"meters", "ingest", "--db", db, "--config", bill, "--on-error=maybe"}, 2);
    expect({"meters", "ingest", "--db", db, "--config", bill, tmp / "m-bad.jsonl"}, 3);
    expect({"meters", "ingest", "--db", tmp / "text.db", "--config", bill, tmp / "m.jsonl"}, 4);
    auto billing_run = [&](const std::string& store, const std::string& config) {
        return std::vector<std::string>{"billing",  "run",           "--db",     store,
                                        "--config", config,          "--period", "2026-09",
                                        "--out",    tmp / "invoices"};
    };
    expect(billing_run(db, bill), 0);
    expect(billing_run(missing, bill), 2);  // a --db that names no store
    expect(billing_run(db, bill_bad), 3);
    expect(billing_run(tmp / "text.db", bill), 4);
    write_file(bill, exit_billing_config("12"));
    expect(billing_run(db, bill), 2);  // the final invoice would change without --reissue
    expect({"billing", "invoices", "--db", db}, 0);
    expect({"billing", "invoices", "--db", db, "--format", "xml"}, 2);
    expect({"billing", "invoices", "--db", missing}, 4);
    // version, help, and no command at all
    expect({"version"}, 0);
    expect({"version", "extra"}, 2);
    expect({"help"}, 0);
    expect({"help", "ingest"}, 0);
    expect({"help", "no-such-command"}, 2);
    expect({"no-such-command"}, 2);
    expect({}, 2);

    // fetch: against the AWS test server with credentials from the environment.
    AwsTestServer aws("AKIAEXITCODES000001", "exit/codes/secret");
    BillingServices billing(aws);
    billing.add_account("111111111111", "Production");
    write_file(tmp / "fetch.json", R"({"profiles": {"main": {"cur": [], "invoices": false}}})");
    const std::vector<std::string> env = {"VAULT_ADDR=", "AWS_ACCESS_KEY_ID=AKIAEXITCODES000001",
                                          "AWS_SECRET_ACCESS_KEY=exit/codes/secret",
                                          "AWS_SESSION_TOKEN=", "CURCRUNCH_ALERT_WEBHOOK="};
    auto fetch = [&](const std::string& endpoint, std::vector<std::string> extra) {
        std::vector<std::string> a = {"fetch",
                                      "--config",
                                      tmp / "fetch.json",
                                      "--db",
                                      db,
                                      "--cache-dir",
                                      tmp / "cache",
                                      "--endpoint-url",
                                      endpoint,
                                      "--max-attempts",
                                      "1",
                                      "--retry-base-ms",
                                      "1"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    expect(fetch(aws.endpoint(), {"--cost-explorer"}), 0, env);
    billing.malform_next("GetCostAndUsage");
    expect(fetch(aws.endpoint(), {"--cost-explorer"}), 6, env);
    expect(fetch("http://127.0.0.1:" + std::to_string(free_port()), {}), 5, env);
    expect(fetch(aws.endpoint(), {"--from", "2026-10", "--to", "2026-09"}), 2, env);
    expect({"fetch", "--db", tmp / "folder", "--config", tmp / "fetch.json"}, 4, env);
    // shards --config: every listing failed (5), one of two failed (6).
    // An export with a delivery of a month long before the listed range only: no unit, and
    // no problem (a source holding no manifest at all is one: fetch_robustness_test.cpp).
    aws.put_object("cur-bucket", "cur/metadata/BILLING_PERIOD=2001-01/x-Manifest.json",
                   "{\"dataFiles\": []}");
    write_file(tmp / "cur.json", R"({"profiles": {
        "main": {"cur": [{"bucket": "cur-bucket", "prefix": "cur"}], "invoices": false},
        "gone": {"cur": [{"bucket": "no-such-bucket", "prefix": "cur"}], "invoices": false}}})");
    auto shards = [&](const std::string& endpoint, std::vector<std::string> extra) {
        std::vector<std::string> a = {"shards",         "--quiet",
                                      "--config",       tmp / "cur.json",
                                      "--error-log",    tmp / "errors.jsonl",
                                      "--endpoint-url", endpoint,
                                      "--max-attempts", "1"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    expect(shards(aws.endpoint(), {"--profile", "main"}), 0, env);
    expect(shards(aws.endpoint(), {}), 6, env);
    expect(shards("http://127.0.0.1:" + std::to_string(free_port()), {}), 5, env);

    // Every command reached 0 and 2, every command with --db reached 4, and each other code
    // the commands the table names; no command reached a code the table does not give it.
    std::set<std::string> commands, with_db;
    for (const auto& [cmd, _] : seen) {
        if (cmd.empty() || cmd == "no-such-command") continue;
        commands.insert(cmd == "ce" ? "cost-explorer" : cmd);
        std::vector<std::string> help = {cmd.substr(0, cmd.find(' '))};
        if (cmd.find(' ') != std::string::npos) help.push_back(cmd.substr(cmd.find(' ') + 1));
        help.push_back("--help");
        if (run_cli(help).out.find("\n  --db FILE ") != std::string::npos)
            with_db.insert(cmd == "ce" ? "cost-explorer" : cmd);
    }
    std::map<std::string, std::set<int>> by_command;
    for (const auto& [cmd, codes] : seen)
        by_command[cmd == "ce" ? "cost-explorer" : cmd].insert(codes.begin(), codes.end());
    const auto table = readme_table();
    ASSERT_EQ(table.size(), 8u);
    std::map<int, std::set<std::string>> allowed;
    for (const auto& row : table) {
        std::set<std::string>& who = allowed[row.code];
        if (row.commands == "all") {
            who = commands;
        } else if (row.commands == "every command with `--db`") {
            who = with_db;
        } else {
            const std::regex command("[a-z-]+( [a-z-]+)?");  // "ingest", "billing run"
            for (std::sregex_iterator it(row.commands.begin(), row.commands.end(), command), end;
                 it != end; ++it)
                who.insert(it->str());
        }
        if (row.code == 1) continue;  // a bug: no test can (or should) produce it on purpose
        for (const auto& cmd : who)
            EXPECT_TRUE(by_command[cmd].count(row.code))
                << "the README says `" << cmd << "` can exit " << row.code
                << "; no case here shows it";
    }
    for (const auto& [cmd, codes] : by_command) {
        if (cmd.empty() || cmd == "no-such-command") continue;  // usage errors before any command
        for (int code : codes)
            EXPECT_TRUE(allowed[code].count(cmd))
                << "`" << cmd << "` exited " << code << ", which the README does not list for it";
    }
    // Every command but gen, shards, help and version (billing check's --db is optional).
    EXPECT_EQ(with_db.size(), 18u);
    std::set<int> readme_codes;
    for (const auto& row : table)
        readme_codes.insert(row.code);
    EXPECT_EQ(readme_codes, (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(man_page_codes(), readme_codes);
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
