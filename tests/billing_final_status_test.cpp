// When a customer's invoice may be final: only once every payer that bills its groups' accounts
// has its month in the store and invoiced, not when some other payer's is (audit of issue 14,
// gap 1); and what a run says about a month the store has no AWS costs for (gap 5).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kPayerOne = "110000000001";  // bills acme's account; March invoiced
const char* kPayerTwo = "660000000001";  // bills beta's account; February only, at first
const char* kAcmeAccount = "110000000022";
const char* kBetaAccount = "660000000077";

std::string final_status_config() {
    return R"({
  "seller": {"name": "Partner Ltd", "address": ["1 Street"]},
  "customers": [{"id": "acme", "name": "Acme", "currency": "USD", "tax_rate": "0"},
                {"id": "beta", "name": "Beta", "currency": "USD", "tax_rate": "0"}],
  "pricing_rules": [{"id": "list", "scope": "global", "type": "markup", "percent": "0"}],
  "pricing_plans": [{"id": "p", "rules": ["list"]}],
  "billing_groups": [
    {"id": "ga", "customer": "acme", "primary_account": "110000000022", "from": "2026-01",
     "plans": [{"plan": "p", "from": "2026-01"}]},
    {"id": "gb", "customer": "beta", "primary_account": "660000000077", "from": "2026-01",
     "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [{"id": "fee", "group": "gb", "type": "fee", "amount": "50",
    "description": "Management fee", "from": "2026-01", "to": "2026-12"}]
})";
}

CurRow final_status_row(const char* payer, const char* account, const std::string& day,
                        const std::string& cost, const std::string& invoice) {
    CurRow r{payer,
             account,
             "Usage",
             "AmazonEC2",
             "Amazon Elastic Compute Cloud",
             "BoxUsage:m5.large",
             "RunInstances",
             "10",
             cost,
             cost};
    r.day = day;
    r.invoice = invoice;
    return r;
}

// Organizations listed `account` under `payer` (what `fetch` stores in the account table).
void final_status_listed(const std::string& db_path, const std::string& account,
                         const std::string& payer) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    const std::string sql =
        "INSERT INTO account(id, name, email, state, joined_method, joined_at, arn, "
        "payer_profile, updated_at) VALUES ('" +
        account +
        "', 'New', 'n@example.com', 'ACTIVE', 'CREATED', '', "
        "'arn:aws:organizations::" +
        payer + ":account/o-abc/" + account + "', 'main', '2026-04-01T00:00:00Z')";
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

}  // namespace

// The audit's case: beta's payer delivered February only; payer one's March is invoiced. Beta's
// March invoice has no AWS lines yet and must stay draft, saying which payer's month is missing;
// once that month arrives (invoiced) the draft takes its AWS lines and becomes final.
TEST(BillingFinalStatus, AnotherPayersInvoiceDoesNotMakeAGroupFinal) {
    World w;
    w.ingest({final_status_row(kPayerOne, kAcmeAccount, "2026-03-05", "100.00", "INV-ONE-MAR")},
             "one-mar.csv");
    w.ingest({final_status_row(kPayerTwo, kBetaAccount, "2026-02-10", "70.00", "INV-TWO-FEB")},
             "two-feb.csv");
    w.write_config(final_status_config());
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(w.invoice("acme-2026-03").invoice.status, "final");
    const auto beta = w.invoice("beta-2026-03").invoice;
    EXPECT_EQ(beta.status, "draft");
    EXPECT_TRUE(beta.aws_invoices.empty());
    EXPECT_EQ(summary(beta),
              "custom_fee|660000000077|fee|50.00\nsubtotal 50.00 tax 0.00 total "
              "50.00\n");
    EXPECT_NE(r.out.find("beta 2026-03: new draft beta-2026-03, total 50.00 USD (1 lines)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("warning: beta 2026-03: the invoice stays draft: the AWS costs of payer "
                         "660000000001 for 2026-03 are not in the store"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("warning: beta 2026-03: billing group gb has no AWS costs in the store "
                         "for 2026-03 (accounts 660000000077)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("warning: acme"), std::string::npos) << r.err;
    // Payer two's March arrives, invoiced: the draft is replaced, with its AWS line, and final.
    w.ingest({final_status_row(kPayerTwo, kBetaAccount, "2026-03-10", "88.00", "INV-TWO-MAR")},
             "two-mar.csv");
    auto later = w.run("2026-03");
    ASSERT_EQ(later.exit_code, 0) << later.err;
    EXPECT_NE(later.out.find("beta 2026-03: draft beta-2026-03 replaced and now final: total "
                             "50.00 USD -> 138.00 USD (+88.00 USD)"),
              std::string::npos)
        << later.out;
    const auto fin = w.invoice("beta-2026-03").invoice;
    EXPECT_EQ(fin.status, "final");
    EXPECT_EQ(fin.aws_invoices, std::vector<std::string>{"INV-TWO-MAR"});
    EXPECT_EQ(later.err.find("warning: beta"), std::string::npos) << later.err;
}

// An account without any costs yet depends on the payer Organizations lists it under when the
// store receives that payer's CUR; one that nothing in the store knows keeps its invoice draft
// until its costs arrive.
TEST(BillingFinalStatus, APayerKnownOnlyFromTheAccountDirectoryOrNotAtAllKeepsDraft) {
    World w;
    w.ingest({final_status_row(kPayerOne, kAcmeAccount, "2026-03-05", "100.00", "INV-ONE-MAR")},
             "one-mar.csv");
    // Payer two delivered February (for another account): its March is expected.
    w.ingest({final_status_row(kPayerTwo, "660000000088", "2026-02-10", "5.00", "INV-TWO-FEB")},
             "two-feb.csv");
    w.write_config(final_status_config());
    auto unknown = w.run("2026-03");
    ASSERT_EQ(unknown.exit_code, 0) << unknown.err;
    EXPECT_EQ(w.invoice("beta-2026-03").invoice.status, "draft");
    EXPECT_NE(unknown.err.find("warning: beta 2026-03: the invoice stays draft: no payer of "
                               "billing group gb's accounts is known"),
              std::string::npos)
        << unknown.err;
    final_status_listed(w.db, kBetaAccount, kPayerTwo);
    auto listed = w.run("2026-03");
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_EQ(w.invoice("beta-2026-03").invoice.status, "draft");
    EXPECT_NE(listed.err.find("the AWS costs of payer 660000000001 for 2026-03 are not in the "
                              "store"),
              std::string::npos)
        << listed.err;
    EXPECT_EQ(listed.err.find("no payer of billing group gb"), std::string::npos) << listed.err;
}

// Billing transfer: Organizations lists the accounts under their management account, but the
// CUR (and the AWS invoice) is the transfer account's. An account with costs depends on the
// payer of its rows alone, and a new account listed under a payer whose CUR the store never
// received is not waited for (a warning says so): the invoice becomes final with the month.
TEST(BillingFinalStatus, BillingTransferDoesNotKeepTheInvoiceDraft) {
    const char* management = "770000000001";  // the org's, in the directory; no CUR of its own
    const char* transfer = "880000000001";    // the bill-transfer account: the CUR payer
    World w;
    w.ingest({final_status_row(transfer, kBetaAccount, "2026-03-10", "40.00", "INV-TR-MAR")},
             "tr-mar.csv");
    w.ingest({final_status_row(kPayerOne, kAcmeAccount, "2026-03-05", "100.00", "INV-ONE-MAR")},
             "one-mar.csv");
    final_status_listed(w.db, kBetaAccount, management);
    final_status_listed(w.db, "660000000099", management);  // new, no costs yet
    std::string config = final_status_config();
    const std::string primary = R"("primary_account": "660000000077",)";
    config.replace(config.find(primary), primary.size(),
                   primary + R"( "accounts": ["660000000099"],)");
    w.write_config(config);
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto beta = w.invoice("beta-2026-03").invoice;
    EXPECT_EQ(beta.status, "final") << r.err;
    EXPECT_EQ(beta.aws_invoices, std::vector<std::string>{"INV-TR-MAR"});
    EXPECT_NE(r.err.find("warning: beta 2026-03: account 660000000099 of billing group gb has "
                         "no AWS costs in the store yet and the account directory lists it "
                         "under payer 770000000001, which has no month in the store up to "
                         "2026-03"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("payer 770000000001 for 2026-03 are not in the store"), std::string::npos)
        << r.err;
}

// An account that moved from payer one's organisation to payer two's in March: March depends on
// the payer of its March rows only (not on February's payer, whose organisation it left and
// whose March never comes), and February, run again, on February's payer only (not on the
// directory's payer of today, which has no February).
TEST(BillingFinalStatus, AnOrganisationMoveDependsOnEachMonthsOwnPayers) {
    World w;
    w.ingest({final_status_row(kPayerOne, kBetaAccount, "2026-02-10", "20.00", "")}, "one-feb.csv");
    w.ingest({final_status_row(kPayerTwo, kBetaAccount, "2026-03-10", "30.00", "INV-TWO-MAR")},
             "two-mar.csv");
    final_status_listed(w.db, kBetaAccount, kPayerTwo);
    w.write_config(final_status_config());
    auto march = w.run("2026-03");
    ASSERT_EQ(march.exit_code, 0) << march.err;
    EXPECT_EQ(w.invoice("beta-2026-03").invoice.status, "final") << march.err;
    EXPECT_EQ(march.err.find("warning: beta"), std::string::npos) << march.err;
    // February: accruing until payer one's invoice for it arrives; then final, although the
    // directory now lists the account under payer two, which has no February.
    auto feb = w.run("2026-02");
    ASSERT_EQ(feb.exit_code, 0) << feb.err;
    EXPECT_EQ(w.invoice("beta-2026-02").invoice.status, "draft");
    aws_invoice_arrives(w.db, kPayerOne, 202602, "INV-ONE-FEB");
    auto feb_again = w.run("2026-02");
    ASSERT_EQ(feb_again.exit_code, 0) << feb_again.err;
    const auto inv = w.invoice("beta-2026-02").invoice;
    EXPECT_EQ(inv.status, "final") << feb_again.err;
    EXPECT_EQ(inv.aws_invoices, std::vector<std::string>{"INV-ONE-FEB"});
    EXPECT_EQ(feb_again.err.find("payer 660000000001"), std::string::npos) << feb_again.err;
}

// An account with costs in the month before and none yet now waits for that payer's month (its
// CUR has not come); one quiet for longer (idle, or gone) waits for nothing but the month.
TEST(BillingFinalStatus, OnlyTheMonthBeforesPayerIsWaitedForByAnAccountWithoutCosts) {
    auto march_of = [](bool february) {
        World w;
        w.ingest({final_status_row(kPayerTwo, kBetaAccount, "2026-01-10", "10.00", "INV-TWO-JAN")},
                 "two-jan.csv");
        if (february)
            w.ingest(
                {final_status_row(kPayerTwo, kBetaAccount, "2026-02-10", "10.00", "INV-TWO-FEB")},
                "two-feb.csv");
        w.ingest({final_status_row(kPayerOne, kAcmeAccount, "2026-03-05", "100.00", "INV-ONE-MAR")},
                 "one-mar.csv");
        w.write_config(final_status_config());
        auto r = w.run("2026-03");
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return std::make_pair(w.invoice("beta-2026-03").invoice.status, r.err);
    };
    const auto [idle, idle_err] = march_of(false);
    EXPECT_EQ(idle, "final") << idle_err;
    EXPECT_EQ(idle_err.find("payer 660000000001"), std::string::npos) << idle_err;
    EXPECT_NE(idle_err.find("warning: beta 2026-03: billing group gb has no AWS costs"),
              std::string::npos)
        << idle_err;
    const auto [waiting, waiting_err] = march_of(true);
    EXPECT_EQ(waiting, "draft");
    EXPECT_NE(waiting_err.find("the AWS costs of payer 660000000001 for 2026-03 are not in the "
                               "store"),
              std::string::npos)
        << waiting_err;
}

// An account that moved to another organisation before the month is not waited for by its old
// payer: only the payer of its latest earlier month (and of this month's rows) counts.
TEST(BillingFinalStatus, APayerTheAccountLeftBeforeTheMonthIsNotWaitedFor) {
    World w;
    w.ingest({final_status_row(kPayerOne, kBetaAccount, "2026-01-10", "10.00", "INV-ONE-JAN")},
             "one-jan.csv");
    w.ingest({final_status_row(kPayerTwo, kBetaAccount, "2026-02-10", "20.00", "INV-TWO-FEB")},
             "two-feb.csv");
    w.ingest({final_status_row(kPayerTwo, kBetaAccount, "2026-03-10", "30.00", "INV-TWO-MAR")},
             "two-mar.csv");
    w.write_config(final_status_config());
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(w.invoice("beta-2026-03").invoice.status, "final");
    EXPECT_EQ(r.err.find("warning: beta"), std::string::npos) << r.err;
}

// A month the store has no AWS costs for is billed with warnings, and a --db that names no
// store is a usage error that creates nothing.
TEST(BillingFinalStatus, AMonthWithoutAwsDataWarnsAndAMissingStoreIsRefused) {
    World w;
    w.ingest({final_status_row(kPayerOne, kAcmeAccount, "2026-03-05", "100.00", "INV-ONE-MAR")});
    w.write_config(final_status_config());
    auto r = w.run("2026-11");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: the store has no AWS costs for 2026-11"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("warning: beta 2026-11: billing group gb has no AWS costs in the store "
                         "for 2026-11"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(w.invoice("beta-2026-11").invoice.status, "draft");
    const std::string missing = w.tmp / "nope.db";
    auto refused = run_cli({"billing", "run", "--db", missing, "--config", w.config, "--period",
                            "2026-03", "--out", w.tmp / "o"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find(missing), std::string::npos) << refused.err;
    EXPECT_FALSE(fs::exists(missing));
    EXPECT_FALSE(fs::exists(w.tmp / "o"));
}

}  // namespace CURCRUNCH_UNITY_ID
