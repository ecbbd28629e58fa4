// `curcrunch fetch` end to end, through the binary, against the Vault and AWS test servers on
// 127.0.0.1: Vault AppRole -> KV secret with two payer profiles -> STS AssumeRole -> S3 CUR
// (two assemblies of a period; the newer wins) -> store, plus Organizations, Cost Explorer,
// Invoicing with pre-signed documents and Payments. Then every injected fault, the circuit
// breaker, the rate limit, the webhook, and a search for secrets everywhere they could leak.
#include <gtest/gtest.h>

#include "curcrunch/core/sha256.hpp"
#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST(Fetch, VaultStsS3ToStoreEqualsIngestFromDiskWithAccountsCostExplorerAndInvoices) {
    World w;
    auto r = run_cli(w.args({"--cost-explorer"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: ok"), std::string::npos) << r.out;
    // Two months of two profiles: each (profile, month) delivery ingested on its own.
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;

    // The same rollups as ingesting both exports from disk; the stale assembly was not read.
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_EQ(dump_rollups(w.db).find("999999"), std::string::npos);
    EXPECT_EQ(w.aws.rejected(), 0);  // every request verified
    EXPECT_EQ(w.aws.assumed(), 1);
    EXPECT_EQ(w.vault.live_tokens(), 0u);  // revoked at the end

    // Accounts, every page; names show in summaries.
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM account"),
              std::to_string(w.account_ids.size()));
    EXPECT_EQ(query_one(w.db, "SELECT DISTINCT payer_profile FROM account"), "oab");
    auto acc = run_cli({"accounts", "--db", w.db, "--format", "csv"});
    EXPECT_NE(acc.out.find(w.account_ids[0] + ",Team " + w.account_ids[0].substr(0, 4)),
              std::string::npos)
        << acc.out;
    auto sum = run_cli({"summary", "--db", w.db, "--by", "account", "--format", "csv"});
    EXPECT_NE(sum.out.find("Team " + w.account_ids[1].substr(0, 4)), std::string::npos) << sum.out;

    // Cost Explorer: every page stored exactly, and the paid requests counted.
    const int ce_calls = w.billing.calls("GetCostAndUsage");
    EXPECT_GE(ce_calls, 3);  // one group per page
    EXPECT_NE(r.out.find("cost explorer: " + std::to_string(ce_calls) + " paid request(s)"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db,
                        "SELECT money_sum(amount) FROM ce_cost WHERE granularity='MONTHLY' AND "
                        "start_day=20260901 AND payer_profile='oab'"),
              "12469078901234");  // 12.34 + 1234.5678901234, in units of 1e-10

    // Invoices with both currencies, the payment method, and archived documents.
    auto inv = run_cli({"invoices", "--db", w.db, "--format", "csv"});
    EXPECT_NE(inv.out.find("2026-09,EUINGB26-0901,INVOICE,oab,111111111111,2025-04-01T01:00:00Z,"
                           "USD,1500,300,0,EUR,1380.25,CARD,2\n"),
              std::string::npos)
        << inv.out;
    EXPECT_NE(inv.out.find("2026-10,EUINGB26-1001,INVOICE,oab,111111111111,2025-04-01T01:00:00Z,"
                           "USD,1612.4,322.48,0,EUR,1490.1,CARD,2\n"),
              std::string::npos)
        << inv.out;
    for (const char* id : {"EUINGB26-0901", "EUINGB26-1001"}) {
        const fs::path pdf = fs::path(w.tmp / "invoices") / id / (std::string(id) + ".pdf");
        ASSERT_TRUE(fs::exists(pdf)) << pdf;
        EXPECT_EQ(read_file(pdf.string()), BillingServices::pdf_bytes(id));
        EXPECT_EQ(query_one(w.db, "SELECT sha256 FROM invoice_document WHERE document_id='" +
                                      std::string(id) + "'"),
                  Sha256::of(BillingServices::pdf_bytes(id)));
    }
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM invoice_document"), "4");

    // Again: nothing changed, nothing re-ingested or re-downloaded, the store is identical.
    const std::string before = dump_rollups(w.db);
    const int gets = w.aws.document_gets();
    auto again = run_cli(w.args(), w.env());
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("CUR periods: 0 ingested, 4 unchanged, 0 failed"), std::string::npos)
        << again.out;
    EXPECT_NE(again.out.find("documents: 0 downloaded, 4 already archived"), std::string::npos)
        << again.out;
    EXPECT_EQ(w.aws.document_gets(), gets);
    EXPECT_EQ(dump_rollups(w.db), before);
}

TEST(Fetch, NoSecretInOutputErrorLogDatabaseOrCommandLine) {
    World w;
    // The secret_id comes from a file this time; faults fill the error log.
    write_file(w.tmp / "secret-id", std::string(kSecretId) + "\n");
    ::chmod((w.tmp / "secret-id").c_str(), 0600);
    std::atomic<int> pid{0};
    std::string cmdline;
    w.vault.on_login([&] {
        if (pid > 0) cmdline = read_file("/proc/" + std::to_string(pid.load()) + "/cmdline");
    });
    auto env = w.env();
    env[2] = "VAULT_SECRET_ID=";
    w.aws.raw().push(respond(503,
                             "<Error><Code>SlowDown</Code><Message>Reduce your request rate"
                             "</Message></Error>"));
    w.aws.raw().push(respond(500, "{\"__type\":\"InternalServerException\"}"));
    auto r =
        run_cli(w.args({"--secret-id-file", w.tmp / "secret-id", "--cost-explorer", "--verbose"}),
                env, &pid);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_FALSE(cmdline.empty());  // captured while the child was logged in
    EXPECT_NE(cmdline.find("fetch"), std::string::npos);
    const std::string errlog = read_file(w.tmp / "errors.jsonl");
    EXPECT_EQ(count_of(errlog, "\n"), 2u) << errlog;

    std::string db_bytes = read_file(w.db);
    if (fs::exists(w.db + "-wal")) db_bytes += read_file(w.db + "-wal");
    const std::vector<std::string> secrets = {kSecretId,        kOabSecret,
                                              kInternalSecret,  "hvs.token-",
                                              "tempsecret/",    "FwoGZXIvYXdzEXAMPLETOKEN",
                                              "X-Amz-Signature"};
    for (const std::string& s : secrets) {
        SCOPED_TRACE(s);
        EXPECT_EQ(r.out.find(s), std::string::npos);
        EXPECT_EQ(r.err.find(s), std::string::npos);
        EXPECT_EQ(errlog.find(s), std::string::npos);
        EXPECT_EQ(db_bytes.find(s), std::string::npos);
        EXPECT_EQ(cmdline.find(s), std::string::npos);
    }
    // Nor may a secret be given on the command line at all.
    auto bad = run_cli({"fetch", "--secret-id", kSecretId}, w.env());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.err.find(kSecretId), std::string::npos) << bad.err;
}

TEST(Fetch, TransientFaultsAreRetriedAndCounted) {
    World w;
    // The first AWS call is STS AssumeRole: it meets every transient fault in turn.
    w.aws.raw().push(respond(429,
                             "<ErrorResponse><Error><Code>Throttling</Code></Error>"
                             "</ErrorResponse>",
                             {{"Retry-After", "1"}}));
    // Closing after the 503 puts the reset on a fresh connection: on a reused one, curl itself
    // would quietly retry and the fault would not be seen.
    w.aws.raw().push(
        respond(503,
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                "</Error>",
                {{"Connection", "close"}}));
    Action reset;
    reset.kind = Action::reset;
    w.aws.raw().push(reset);
    Action cut = respond(200, std::string(4000, 'x'));
    cut.kind = Action::truncate;
    w.aws.raw().push(cut);
    Action stall = respond(200, "late");
    stall.kind = Action::stall;
    stall.stall_ms = 4000;
    w.aws.raw().push(stall);
    // Retry-After is held to --retry-cap-ms: a cap above the second it asks for.
    auto r = run_cli(w.args({"--max-attempts", "6", "--breaker-threshold", "10", "--stall-timeout",
                             "1", "--timeout", "2", "--retry-cap-ms", "1500"}),
                     w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("retries: 5"), std::string::npos) << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    // Retry-After: 1 was honoured between the first two attempts.
    auto seen = w.aws.raw().seen();
    ASSERT_GE(seen.size(), 2u);
    EXPECT_GE(seen[1].at - seen[0].at, 950ms);
    const std::string errlog = read_file(w.tmp / "errors.jsonl");
    EXPECT_EQ(count_of(errlog, "\n"), 5u) << errlog;
    EXPECT_NE(errlog.find("\"service\":\"sts\",\"operation\":\"AssumeRole " +
                          std::string(kRoleArn) + "\",\"status\":429"),
              std::string::npos)
        << errlog;
    EXPECT_NE(errlog.find("\"code\":\"SlowDown\",\"message\":\"Please reduce your request rate.\""),
              std::string::npos)
        << errlog;
}

TEST(Fetch, AnExpiredSessionIsAssumedAgain) {
    World w;
    w.aws.expire_sessions_after(3);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(w.aws.assumed(), 2);
    EXPECT_NE(r.err.find("session expired early"), std::string::npos) << r.err;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
}

TEST(Fetch, AFailedDownloadLeavesItsPeriodExactlyAsItWas) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    auto october = [&] {
        return query_one(w.db,
                         "SELECT money_sum(unblended) || '/' || count(*) FROM cost_daily WHERE "
                         "period = 202610");
    };
    const std::string before = october();
    // October's data file disappears from oab's bucket; its manifest still lists it.
    std::string victim;
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "oab"))
        if (e.path().string().find("20261001-20261101/") != std::string::npos &&
            e.path().extension() == ".gz")
            victim = "billing/" + fs::relative(e.path(), w.tmp.path() / "oab").string();
    ASSERT_FALSE(victim.empty());
    w.aws.remove_object("billing-oab", victim);
    fs::remove_all(w.tmp / "cache");  // so the file must be downloaded again
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;  // partial: September is fine
    EXPECT_NE(r.out.find("fetch run 2: partial"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("period 2026-10, profile oab: download failed, period left as it was: "
                         "listed file s3://billing-oab/" +
                         victim + " is missing"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(october(), before);
    EXPECT_EQ(query_one(w.db, "SELECT outcome FROM fetch_run WHERE id = 2"), "partial");
}

TEST(Fetch, TwoProfilesOfOnePayerNeverReplaceEachOthersUnits) {
    World w;
    // "internal" is pointed at oab's export: two profiles delivering the same payer's months.
    write_file(w.tmp / "fetch.json", R"({
  "vault": {"kv_mount": "secret", "kv_path": "billing/aws", "kv_version": 2},
  "profiles": {
    "oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur"}]},
    "internal": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur"}],
                 "organizations": false, "invoices": false}
  }
})");
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
    // Whichever profile came second for a month is refused for it, naming the first.
    for (const char* month : {"2026-09", "2026-10"}) {
        const std::string text = std::string("'s ") + month + " was already delivered by profile ";
        EXPECT_EQ(count_of(r.out, text), 1u) << month << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("two profiles deliver the same payer"), std::string::npos) << r.out;
    // The store holds the payer's months once, as an ingest of the export alone would.
    const std::string alone = w.tmp / "alone.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", alone, w.tmp / "oab"}).exit_code, 0);
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(alone));
}

TEST(Fetch, MalformedResponsesFailTheirPartOnly) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const std::string rollups = dump_rollups(w.db);
    const std::string accounts = query_one(w.db, "SELECT group_concat(id || name) FROM account");

    // Organizations answers JSON cut short: the accounts part fails, the rest succeeds.
    w.billing.add_account("999999999999", "Late");
    w.billing.malform_next("ListAccounts");
    auto r1 = run_cli(w.args(), w.env());
    EXPECT_EQ(r1.exit_code, 6) << r1.out << r1.err;
    EXPECT_NE(r1.out.find("problem: profile oab: accounts not fetched: organizations "
                          "ListAccounts page 1: malformed response"),
              std::string::npos)
        << r1.out;
    EXPECT_EQ(query_one(w.db, "SELECT group_concat(id || name) FROM account"), accounts);

    // STS answers XML cut short: oab has no credentials, so its periods stay exactly as they
    // were; internal's files download fine and its periods are replaced all the same (each
    // payer's period is its own unit).
    w.aws.raw().push(respond(200, "<AssumeRoleResponse><AssumeRoleResult><Credentials>"));
    fs::remove_all(w.tmp / "cache");
    auto ingests_of = [&](const char* payer) {
        return query_one(w.db, std::string("SELECT group_concat(ingest_id) FROM billing_period "
                                           "WHERE payer = '") +
                                   payer + "'");
    };
    const std::string oab_before = ingests_of("010000000000");
    const std::string internal_before = ingests_of("121111111111");
    auto r2 = run_cli(w.args({"--max-attempts", "1"}), w.env());
    EXPECT_EQ(r2.exit_code, 6) << r2.out << r2.err;
    EXPECT_NE(r2.out.find("problem: profile oab: sts AssumeRole " + std::string(kRoleArn) +
                          ": malformed XML response"),
              std::string::npos)
        << r2.out;
    EXPECT_NE(r2.out.find("CUR periods: 2 ingested, 0 unchanged, 2 failed"), std::string::npos)
        << r2.out;
    EXPECT_EQ(ingests_of("010000000000"), oab_before);
    EXPECT_NE(ingests_of("121111111111"), internal_before);
    EXPECT_EQ(dump_rollups(w.db), rollups);  // internal's deliveries had not changed
}

TEST(Fetch, ADeadEndpointOpensTheBreakerAndTheWebhookHearsOfIt) {
    World w;
    LoopbackServer hook;
    hook.set_handler([](const SeenRequest&) { return respond(204, ""); });
    // Nothing listens on this port.
    int dead_port;
    {
        LoopbackServer tmp;
        dead_port = tmp.port();
    }
    write_file(w.tmp / "two.json", R"({"profiles": {
      "a": {"invoices": false},
      "b": {"invoices": false},
      "c": {"invoices": false}}})");
    auto start = std::chrono::steady_clock::now();
    auto r =
        run_cli({"fetch", "--config", w.tmp / "two.json", "--db", w.db, "--cache-dir",
                 w.tmp / "cache", "--endpoint-url", "http://127.0.0.1:" + std::to_string(dead_port),
                 "--max-attempts", "2", "--breaker-threshold", "2", "--retry-base-ms", "1",
                 "--alert-webhook", hook.url("/alerts")},
                {"VAULT_ADDR=", "AWS_ACCESS_KEY_ID=AKIAENVKEY000000001",
                 "AWS_SECRET_ACCESS_KEY=env/secret/key"});
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: failed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("profile b: accounts not fetched: organizations ListAccounts: endpoint "
                         "unavailable (circuit open after 2 consecutive failures"),
              std::string::npos)
        << r.out;
    EXPECT_LT(took, 10s);
    auto seen = hook.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_NE(seen[0].body.find("\"outcome\":\"failed\""), std::string::npos) << seen[0].body;
    EXPECT_NE(seen[0].body.find("\"exit_code\":5"), std::string::npos);
    EXPECT_NE(seen[0].body.find("circuit open"), std::string::npos);
    EXPECT_EQ(seen[0].body.find("env/secret/key"), std::string::npos);
}

TEST(Fetch, TheRateLimitHoldsPerService) {
    World w;
    auto r = run_cli(w.args({"--rate-limit", "2"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    std::vector<std::chrono::steady_clock::time_point> invoicing;
    for (const auto& s : w.aws.raw().seen())
        if (s.header("X-Amz-Target").rfind("Invoicing.", 0) == 0) invoicing.push_back(s.at);
    ASSERT_GE(invoicing.size(), 4u);
    // Token bucket, 2/s with a burst of 2: any k requests span at least (k - 2) / 2 seconds.
    for (size_t i = 0; i < invoicing.size(); ++i)
        for (size_t j = i + 2; j < invoicing.size(); ++j) {
            const double span = std::chrono::duration<double>(invoicing[j] - invoicing[i]).count();
            EXPECT_GE(span + 0.05, (static_cast<double>(j - i + 1) - 2) / 2) << i << ".." << j;
        }
}

TEST(Fetch, BadConfigurationAndMissingCredentialsAreUsageErrors) {
    World w;
    write_file(w.tmp / "typo.json", R"({"profiles": {"oab": {"curr": []}}})");
    auto r = run_cli({"fetch", "--config", w.tmp / "typo.json", "--db", w.db}, w.env());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("typo.json: profiles.oab.curr: unknown field"), std::string::npos)
        << r.err;
    auto none = run_cli(w.args(), {"VAULT_ADDR=", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY="});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("no AWS credentials"), std::string::npos) << none.err;
    auto wrong = run_cli(w.args(), {"VAULT_ADDR=" + w.vault.address(), "VAULT_ROLE_ID=nobody",
                                    "VAULT_SECRET_ID=wrong-secret-value"});
    EXPECT_EQ(wrong.exit_code, 5);
    EXPECT_NE(wrong.out.find("invalid role or secret ID"), std::string::npos) << wrong.out;
    EXPECT_EQ(wrong.out.find("wrong-secret-value"), std::string::npos);
    EXPECT_EQ(wrong.err.find("wrong-secret-value"), std::string::npos);
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM billing_period"), "0");
}

TEST(Fetch, CostExplorerAddsTheCurrentMonthByDay) {
    World w;
    const Day today = today_utc();
    const Period now = period_of(today);
    const std::string first = format_day(first_day(now));
    w.billing.add_ce({first, w.account_ids[0], "AWS Lambda", "0.0000002"});
    std::vector<std::string> a = w.args({"--cost-explorer", "--no-invoices"});
    for (size_t i = 0; i + 1 < a.size(); ++i) {
        if (a[i] == "--from") a[i + 1] = format_period(add_months(now, -1));
        if (a[i] == "--to") a[i + 1] = format_period(now);
    }
    auto r = run_cli(a, w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string daily =
        query_one(w.db,
                  "SELECT count(*) || '/' || coalesce(money_sum(amount), 0) FROM ce_cost WHERE "
                  "granularity='DAILY' AND payer_profile='oab' AND start_day=" +
                      std::to_string(to_yyyymmdd(first_day(now))));
    // On the first of a month there is no finished day yet to ask for.
    EXPECT_EQ(daily, today > first_day(now) ? "1/2000" : "0/0");
    EXPECT_EQ(query_one(w.db,
                        "SELECT count(*) FROM ce_cost WHERE granularity='MONTHLY' AND "
                        "payer_profile='oab' AND service='AWS Lambda'"),
              "1");
}

}  // namespace CURCRUNCH_UNITY_ID
