// Two `billing run`s on one store at once (found by the billing audit: the loser died with
// "UNIQUE constraint failed", exit 4, having chosen invoice versions on a snapshot the winner
// had made stale). A run decides inside its write transaction: the second waits for the first
// and then sees its invoices; one that cannot get the store in time says another run holds it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

constexpr int kCustomers = 40;

// Many customers, each with a flat fee, so that a run draws many PDFs and two runs overlap.
std::string many_customers_config() {
    std::string customers, groups, items;
    for (int i = 0; i < kCustomers; ++i) {
        const std::string n = std::to_string(i), acct = std::to_string(500000000000LL + i);
        customers += std::string(i ? "," : "") + R"({"id": "c)" + n + R"(", "name": "C)" + n +
                     R"(", "currency": "USD", "tax_rate": "10"})";
        groups += std::string(i ? "," : "") + R"({"id": "g)" + n + R"(", "customer": "c)" + n +
                  R"(", "primary_account": ")" + acct +
                  R"(", "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]})";
        items += std::string(i ? "," : "") + R"({"id": "f)" + n + R"(", "group": "g)" + n +
                 R"(", "type": "fee", "amount": "10", "description": "fee", "from": "2026-01",
                 "to": "2026-12"})";
    }
    return R"({"seller": {"name": "S", "address": ["1 Road"]}, "customers": [)" + customers +
           R"(], "pricing_rules": [{"id": "g", "scope": "global", "type": "markup",
           "percent": "10"}], "pricing_plans": [{"id": "p", "rules": ["g"]}],
           "billing_groups": [)" +
           groups + R"(], "custom_line_items": [)" + items + "]}";
}

RunResult run_into(const World& w, const std::string& out) {
    return run_cli({"billing", "run", "--db", w.db, "--config", w.config, "--period", "2026-04",
                    "--out", out});
}

std::vector<CurRow> april_rows() {
    return {{"111111111111", "500000000000", "Usage", "AmazonEC2", "Amazon EC2", "BoxUsage",
             "RunInstances", "1", "5", "5", "", "", "", "2026-04-05"}};
}

}  // namespace

TEST(BillingConcurrency, TwoRunsAtOnceBothDecideOnFreshData) {
    for (int round = 0; round < 3; ++round) {
        World w;
        w.ingest(april_rows());
        w.write_config(many_customers_config());
        RunResult a, b;
        std::thread first([&] { a = run_into(w, w.tmp / "a"); });
        std::thread second([&] { b = run_into(w, w.tmp / "b"); });
        first.join();
        second.join();
        ASSERT_EQ(a.exit_code, 0) << a.err;
        ASSERT_EQ(b.exit_code, 0) << b.err;
        // One of them added the drafts; the other, deciding after it, found them unchanged.
        const RunResult& added = a.out.find("new draft") != std::string::npos ? a : b;
        const RunResult& kept = &added == &a ? b : a;
        EXPECT_NE(added.out.find("c7 2026-04: new draft c7-2026-04, total 11.00 USD"),
                  std::string::npos)
            << added.out;
        EXPECT_EQ(kept.out.find("new draft"), std::string::npos) << kept.out;
        EXPECT_NE(kept.out.find("c7 2026-04: c7-2026-04 unchanged (draft), total 11.00 USD"),
                  std::string::npos)
            << kept.out;
        EXPECT_EQ(query_one(w.db,
                            "SELECT count(*) || ' ' || count(DISTINCT invoice_id) || ' ' || "
                            "max(version) FROM customer_invoice WHERE period = 202604"),
                  std::to_string(kCustomers) + " " + std::to_string(kCustomers) + " 1");
        EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM billing_run"), "2");
    }
}

TEST(BillingConcurrency, ARunThatCannotGetTheStoreSaysAnotherRunHoldsIt) {
    World w;
    w.ingest(april_rows());
    w.write_config(many_customers_config());
    ASSERT_EQ(w.run("2026-04").exit_code, 0);
    const std::string before = dump_relation_of(w.db, "customer_invoice");
    // Another writer holds the store's write lock longer than a run waits for it (10 s).
    sqlite3* holder = nullptr;
    ASSERT_EQ(sqlite3_open(w.db.c_str(), &holder), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    auto r = run_into(w, w.tmp / "late");
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("curcrunch: error: " + w.db + ": another billing run on " + w.db +
                         " is in progress (or another command is writing to the store): nothing "
                         "was written; run again once it has finished"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("UNIQUE"), std::string::npos) << r.err;
    EXPECT_EQ(dump_relation_of(w.db, "customer_invoice"), before);
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM billing_run"), "1");
}

}  // namespace CURCRUNCH_UNITY_ID
