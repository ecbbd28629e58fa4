// The Organizations inventory end to end, through the binary: `fetch` walks every account up its
// OU tree (ListParents, every page; DescribeOrganizationalUnit once per OU) against the AWS test
// server (SigV4 verified), stores the OU path with the account's state and joined date, and
// `accounts` (table, CSV, JSON, --by ou) and `summary --by account` show them. Throttling is
// retried, AccessDenied is a note, other failures make the run partial; a store from before the OU
// columns upgrades in place.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>

#include "curcrunch/store/schema.hpp"
#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

// The schema version that added account.ou_path / ou_ids (store/schema.cpp).
constexpr int kOuSchema = 7;

const char* kWorkloads = "ou-ab12-aaaaaaaa";
const char* kProd = "ou-ab12-bbbbbbbb";
const char* kSandbox = "ou-ab12-cccccccc";

// root -> Workloads -> Prod -> accounts 0 and 1; root -> Workloads -> account 3; root -> Sandbox
// -> account 2 (suspended); and account 4, which has no costs, at the root.
void nested_tree(World& w) {
    ASSERT_EQ(w.account_ids.size(), 4u);  // billed in the World's CUR exports (two payers)
    w.billing.add_account("222222222222", "Team 2222");
    w.account_ids.push_back("222222222222");
    w.billing.org.add_ou(kWorkloads, "Workloads", OrgTreeService::kRoot);
    w.billing.org.add_ou(kProd, "Prod", kWorkloads);
    w.billing.org.add_ou(kSandbox, "Sandbox", OrgTreeService::kRoot);
    w.billing.org.place(w.account_ids[0], kProd);
    w.billing.org.place(w.account_ids[1], kProd);
    w.billing.org.place(w.account_ids[2], kSandbox);
    w.billing.org.place(w.account_ids[3], kWorkloads);
    w.billing.set_state(w.account_ids[2], "SUSPENDED");
}

std::string team(const std::string& id) {
    return "Team " + id.substr(0, 4);
}

std::string ou_row(const World& w, const std::string& id) {
    return query_one(w.db, "SELECT ou_path || '|' || ou_ids FROM account WHERE id = '" + id + "'");
}

// Exact costs by account from `summary` (amounts as exact decimal text), over [from, to].
std::map<std::string, Amount> costs_by_account(const std::string& db,
                                               const std::vector<std::string>& range = {}) {
    std::vector<std::string> args = {"summary",       "--db",  db,         "--by", "account",
                                     "--granularity", "total", "--format", "csv"};
    args.insert(args.end(), range.begin(), range.end());
    auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, Amount> out;
    std::istringstream in(r.out);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        // bucket,key,label,unblended,... ; labels here hold no commas.
        std::vector<std::string> f;
        for (size_t i = 0, j; i <= line.size(); i = j + 1) {
            j = line.find(',', i);
            if (j == std::string::npos) j = line.size();
            f.push_back(line.substr(i, j - i));
        }
        Amount a = 0;
        EXPECT_EQ(parse_amount(f.at(3), a), ParseStatus::ok) << line;
        out[f.at(1)] = a;
    }
    return out;
}

}  // namespace

TEST(OrgInventory, NestedTreeOverPagedParentsIsStoredWithStateAndJoinedDate) {
    World w;
    nested_tree(w);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: ok"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("accounts: 5 (OU path read for 5)"), std::string::npos) << r.out;
    EXPECT_EQ(w.aws.rejected(), 0);  // every request's SigV4 verified

    const std::string& a0 = w.account_ids[0];
    EXPECT_EQ(ou_row(w, a0), "Root / Workloads / Prod|r-ab12/ou-ab12-aaaaaaaa/ou-ab12-bbbbbbbb");
    EXPECT_EQ(ou_row(w, w.account_ids[1]), ou_row(w, a0));
    EXPECT_EQ(ou_row(w, w.account_ids[2]), "Root / Sandbox|r-ab12/ou-ab12-cccccccc");
    EXPECT_EQ(ou_row(w, w.account_ids[3]), "Root / Workloads|r-ab12/ou-ab12-aaaaaaaa");
    EXPECT_EQ(ou_row(w, w.account_ids[4]), "Root|r-ab12");
    EXPECT_EQ(query_one(w.db, "SELECT state || ' ' || joined_at FROM account WHERE id = '" +
                                  w.account_ids[2] + "'"),
              "SUSPENDED 2016-12-15T21:02:21Z");
    EXPECT_EQ(query_one(w.db, "SELECT value FROM meta WHERE key = 'schema_version'"),
              std::to_string(store::kSchemaVersion));

    // Each OU described once; every ListParents answer came in three pages (empty, parent,
    // empty with a null token): 5 accounts + 3 OUs asked once each.
    EXPECT_EQ(w.billing.org.calls("DescribeOrganizationalUnit"), 3);
    for (const char* ou : {kWorkloads, kProd, kSandbox})
        EXPECT_EQ(w.billing.org.describes_of(ou), 1) << ou;
    EXPECT_EQ(w.billing.org.calls("ListParents"), 3 * (5 + 3));

    // `accounts` as CSV: OU path and ids, state, joined date, the payer from the account ARN.
    auto csv = run_cli({"accounts", "--db", w.db, "--format", "csv"});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
              "id,name,email,state,joined,ou_path,ou_ids,payer,profile,updated");
    EXPECT_NE(csv.out.find("\n" + a0 + "," + team(a0) + "," + a0 +
                           "@example.com,ACTIVE,2016-12-15T21:02:21Z,Root / Workloads / Prod,"
                           "r-ab12/ou-ab12-aaaaaaaa/ou-ab12-bbbbbbbb,111111111111,oab,"),
              std::string::npos)
        << csv.out;
    EXPECT_NE(csv.out.find("," + team(w.account_ids[2]) + "," + w.account_ids[2] +
                           "@example.com,SUSPENDED,2016-12-15T21:02:21Z,Root / Sandbox,"),
              std::string::npos)
        << csv.out;

    // JSON: one object per account, keyed by the same names.
    auto json = run_cli({"accounts", "--db", w.db, "--format", "json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    simdjson::dom::parser parser;
    simdjson::dom::array list;
    ASSERT_FALSE(parser.parse(json.out).get(list)) << json.out;
    ASSERT_EQ(list.size(), 5u);
    std::map<std::string, std::string> path_of;
    for (simdjson::dom::element e : list) {
        std::string_view id, path, state;
        ASSERT_FALSE(e["id"].get_string().get(id));
        ASSERT_FALSE(e["ou_path"].get_string().get(path));
        ASSERT_FALSE(e["state"].get_string().get(state));
        path_of[std::string(id)] = std::string(path) + "|" + std::string(state);
    }
    EXPECT_EQ(path_of[w.account_ids[4]], "Root|ACTIVE");
    EXPECT_EQ(path_of[w.account_ids[2]], "Root / Sandbox|SUSPENDED");

    // The table, for people.
    auto table = run_cli({"accounts", "--db", w.db});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("ou_path"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("Root / Workloads / Prod"), std::string::npos) << table.out;

    // summary --by account names each account with its id.
    auto sum = run_cli({"summary", "--db", w.db, "--by", "account", "--granularity", "total"});
    ASSERT_EQ(sum.exit_code, 0) << sum.err;
    for (size_t i = 0; i < 4; ++i)  // the accounts with costs
        EXPECT_NE(sum.out.find(team(w.account_ids[i]) + " (" + w.account_ids[i] + ")"),
                  std::string::npos)
            << sum.out;
    auto sum_csv = run_cli(
        {"summary", "--db", w.db, "--by", "account", "--granularity", "total", "--format", "csv"});
    EXPECT_NE(sum_csv.out.find("," + a0 + "," + team(a0) + " (" + a0 + "),"), std::string::npos)
        << sum_csv.out;
}

TEST(OrgInventory, ByOuGroupsAccountsWithExactCosts) {
    World w;
    nested_tree(w);
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    for (const std::vector<std::string>& range :
         {std::vector<std::string>{},
          std::vector<std::string>{"--from", "2026-10-01", "--to", "2026-10-31"}}) {
        const auto cost = costs_by_account(w.db, range);
        ASSERT_EQ(cost.size(), 4u);  // account 4 has no costs
        std::vector<std::string> args = {"accounts", "--db", w.db, "--by", "ou", "--format", "csv"};
        args.insert(args.end(), range.begin(), range.end());
        auto r = run_cli(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto& id = w.account_ids;
        const std::string expected =
            "ou_path,ou_id,accounts,unblended,currency\n"
            "Root,r-ab12,1,0,USD\nRoot / Sandbox,ou-ab12-cccccccc,1," +
            to_plain_string(cost.at(id[2])) + ",USD\nRoot / Workloads,ou-ab12-aaaaaaaa,1," +
            to_plain_string(cost.at(id[3])) + ",USD\nRoot / Workloads / Prod,ou-ab12-bbbbbbbb,2," +
            to_plain_string(cost.at(id[0]) + cost.at(id[1])) + ",USD\n";
        EXPECT_EQ(r.out, expected);
    }
    // Another measure, JSON.
    auto amort = run_cli(
        {"accounts", "--db", w.db, "--by", "ou", "--measure", "amortized", "--format", "json"});
    ASSERT_EQ(amort.exit_code, 0) << amort.err;
    EXPECT_NE(amort.out.find("{\"ou_path\":\"Root / Sandbox\",\"ou_id\":\"ou-ab12-cccccccc\","
                             "\"accounts\":\"1\",\"amortized\":\""),
              std::string::npos)
        << amort.out;
    // Costs belong to --by ou; the plain list refuses them, and a bad --by names the choices.
    auto bad = run_cli({"accounts", "--db", w.db, "--from", "2026-10-01"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("go with --by ou"), std::string::npos) << bad.err;
    auto bad_by = run_cli({"accounts", "--db", w.db, "--by", "team"});
    EXPECT_EQ(bad_by.exit_code, 2);
    EXPECT_NE(bad_by.err.find("--by: expected one of account,ou; got 'team'"), std::string::npos)
        << bad_by.err;
}

TEST(OrgInventory, ThrottledTreeCallsAreRetried) {
    World w;
    nested_tree(w);
    w.billing.org.throttle_next("ListParents", 2);
    w.billing.org.throttle_next("DescribeOrganizationalUnit", 1);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("accounts: 5 (OU path read for 5)"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("TooManyRequestsException; retrying"), std::string::npos) << r.err;
    EXPECT_EQ(ou_row(w, w.account_ids[0]),
              "Root / Workloads / Prod|r-ab12/ou-ab12-aaaaaaaa/ou-ab12-bbbbbbbb");
    EXPECT_EQ(w.billing.org.calls("ListParents"), 3 * 8 + 2);
    EXPECT_EQ(w.billing.org.calls("DescribeOrganizationalUnit"), 3 + 1);
}

TEST(OrgInventory, AccessDeniedIsANoteAndKeepsTheStoredPaths) {
    World w;
    nested_tree(w);
    // A fresh store and credentials that may list accounts but not read the tree.
    w.billing.org.deny(true);
    auto denied = run_cli(w.args(), w.env());
    ASSERT_EQ(denied.exit_code, 0) << denied.out << denied.err;
    EXPECT_NE(denied.out.find("fetch run 1: ok"), std::string::npos) << denied.out;
    EXPECT_NE(denied.out.find("note: profile oab: OU paths not readable with these credentials"),
              std::string::npos)
        << denied.out;
    EXPECT_NE(denied.out.find("accounts: 5 (OU path read for 0)"), std::string::npos) << denied.out;
    EXPECT_EQ(w.billing.org.calls("ListParents"), 1);  // no hammering after a denial
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM account WHERE ou_path = '' AND ou_ids = ''"),
              "5");
    auto csv = run_cli({"accounts", "--db", w.db, "--by", "ou", "--format", "csv"});
    EXPECT_NE(csv.out.find("\n(OU not known),,5,"), std::string::npos) << csv.out;

    // Allowed: the paths arrive. Denied again: the account list is refreshed, the paths stay.
    w.billing.org.deny(false);
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const std::string paths =
        query_one(w.db, "SELECT group_concat(id || ou_path || ou_ids) FROM account");
    w.billing.org.deny(true);
    w.billing.rename_account(w.account_ids[1], "Renamed team");
    auto again = run_cli(w.args(), w.env());
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(query_one(w.db, "SELECT name FROM account WHERE id = '" + w.account_ids[1] + "'"),
              "Renamed team");
    EXPECT_EQ(query_one(w.db, "SELECT group_concat(id || ou_path || ou_ids) FROM account"), paths);
}

TEST(OrgInventory, AnOuThatCannotBeReadMakesTheRunPartialAndStoresTheAccounts) {
    World w;
    nested_tree(w);
    w.billing.org.place(w.account_ids[4], "ou-ab12-zzzzzzzz");  // AWS does not know this OU
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: partial"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("problem: profile oab: OU paths of 1 of 5 accounts not fetched: "
                         "organizations DescribeOrganizationalUnit failed: HTTP 400 "
                         "OrganizationalUnitNotFoundException"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM account"), "5");
    EXPECT_EQ(ou_row(w, w.account_ids[0]),
              "Root / Workloads / Prod|r-ab12/ou-ab12-aaaaaaaa/ou-ab12-bbbbbbbb");
    EXPECT_EQ(ou_row(w, w.account_ids[4]), "|");
}

TEST(OrgInventory, AnAccountsUpdatedStampMovesOnlyWhenItsOuPathChanges) {
    World w;
    nested_tree(w);
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    auto stamps = [&] {
        return query_one(w.db,
                         "SELECT group_concat(id || '=' || ou_ids || '@' || updated_at, ' ') FROM "
                         "(SELECT * FROM account ORDER BY id)");
    };
    const std::string first = stamps();
    std::this_thread::sleep_for(1100ms);  // stamps have whole seconds
    w.billing.org.set_paging(false);      // the same tree in one page each: nothing changes
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    EXPECT_EQ(stamps(), first);

    const std::string moved = w.account_ids[1];
    const std::string other_before =
        query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + w.account_ids[0] + "'");
    const std::string moved_before =
        query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + moved + "'");
    w.billing.org.place(moved, kSandbox);
    std::this_thread::sleep_for(1100ms);
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    EXPECT_EQ(ou_row(w, moved), "Root / Sandbox|r-ab12/ou-ab12-cccccccc");
    EXPECT_NE(query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + moved + "'"),
              moved_before);
    EXPECT_EQ(
        query_one(w.db, "SELECT updated_at FROM account WHERE id = '" + w.account_ids[0] + "'"),
        other_before);
}

TEST(OrgInventory, AStoreFromBeforeTheOuColumnsIsReadAndUpgradedInPlace) {
    TempDir tmp;
    const std::string db = tmp / "before.db";
    const std::string before = std::to_string(kOuSchema - 1);
    write_file(tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv"}).exit_code, 0);
    // The store as the version before wrote it: the account table without the OU columns.
    {
        store::Database d(db, store::Database::Mode::read_write_create);
        d.exec("ALTER TABLE account DROP COLUMN ou_ids");
        d.exec("ALTER TABLE account DROP COLUMN ou_path");
        // ... and without the tables later versions add (their blocks create them on upgrade).
        d.exec("DROP TABLE IF EXISTS shard_run");
        for (const char* t :
             {"meter_ingest", "meter_uid_bucket", "meter_daily", "meter_events", "meter_distinct",
              "billing_run", "customer_invoice", "customer_invoice_line", "billing_margin",
              "customer_invoice_archive"})
            d.exec(std::string("DROP TABLE IF EXISTS ") + t);
        // ... and ingest_source without the file identity of version 10.
        d.exec("DROP INDEX ingest_source_path");
        for (const char* c : {"file_dev", "file_ino", "file_mtime_ns", "sha256_origin"})
            d.exec(std::string("ALTER TABLE ingest_source DROP COLUMN ") + c);
        d.exec("UPDATE meta SET value = '" + before + "' WHERE key = 'schema_version'");
        d.exec(
            "INSERT INTO account VALUES ('000000000042', 'Kept', 'k@example.com', 'ACTIVE', "
            "'INVITED', '2020-01-02T03:04:05Z', "
            "'arn:aws:organizations::999999999999:account/o-x/000000000042', 'main', "
            "'2024-01-01T00:00:00Z')");
    }
    // The first command upgrades it in place (one transaction, the store's rule for older
    // versions), keeping the row as it was: the OU columns are empty until a fetch reads them.
    auto read = run_cli({"accounts", "--db", db, "--format", "csv"});
    ASSERT_EQ(read.exit_code, 0) << read.err;
    EXPECT_NE(read.out.find("000000000042,Kept,k@example.com,ACTIVE,2020-01-02T03:04:05Z,,,"
                            "999999999999,main,2024-01-01T00:00:00Z\n"),
              std::string::npos)
        << read.out;
    EXPECT_EQ(query_one(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
              std::to_string(store::kSchemaVersion));
    // Later writes keep it too.
    write_file(tmp / "oct.csv", known_month_csv("2026-10", "12.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, tmp / "oct.csv"}).exit_code, 0);
    EXPECT_EQ(query_one(db,
                        "SELECT name || '|' || ou_path || '|' || ou_ids || '|' || updated_at "
                        "FROM account"),
              "Kept|||2024-01-01T00:00:00Z");
}

}  // namespace CURCRUNCH_UNITY_ID
