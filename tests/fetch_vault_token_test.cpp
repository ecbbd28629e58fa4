// The Vault token's life during `curcrunch fetch`, through the binary: tokens with a TTL of a few
// seconds (the Vault test server enforces TTLs, max TTLs and single-use secret_ids as Vault
// does) against slow S3 and document downloads. The token is renewed in the background whatever
// the run is doing, replaced by a new AppRole login when it reaches its max TTL, the run fails
// cleanly when it cannot be replaced, and a failed revoke at the end is only a warning.
#include <gtest/gtest.h>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

// GETs of the KV secret the Vault test server saw.
int kv_reads(VaultTestServer& v) {
    int n = 0;
    for (const auto& s : v.raw().seen())
        n += s.method == "GET" && s.target.find("/v1/secret/data/billing/aws") == 0;
    return n;
}

// The World's profiles read their keys from the AWS secrets engine instead of KV: each read
// issues a new key, deleted when its lease ends (iam_user roles). Returns fetch's arguments.
std::vector<std::string> use_aws_engine(World& w) {
    w.vault.put_aws_role("billing-reader", [&](int n) {
        const std::string id = "AKIAENGINE000000000" + std::to_string(n);
        w.aws.add_key(id, "engine/secret/" + std::to_string(n));
        return "{\"access_key\":\"" + id + "\",\"secret_key\":\"engine/secret/" +
               std::to_string(n) + "\",\"security_token\":null}";
    });
    w.vault.on_lease_revoked(
        [&](int n) { w.aws.remove_key("AKIAENGINE000000000" + std::to_string(n)); });
    write_file(w.tmp / "engine.json", R"({
  "vault": {"aws_engine_role": "billing-reader"},
  "profiles": {
    "oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur"}],
            "organizations": false, "invoices": false},
    "internal": {"cur": [{"bucket": "billing-internal", "prefix": "billing/internal-cur"}],
                 "organizations": false, "invoices": false}
  }
})");
    auto a = w.args();
    a[2] = w.tmp / "engine.json";
    return a;
}

}  // namespace

TEST(FetchVaultToken, NewIamUserKeysAreWaitedForUntilIamKnowsThem) {
    World w;
    auto args = use_aws_engine(w);
    args.push_back("--verbose");
    // IAM is eventually consistent: each key the engine creates is refused as unknown for 2.5 s
    // (InvalidAccessKeyId from S3), more than the retries' backoff would wait.
    w.aws.propagate_new_keys_after(std::chrono::milliseconds(2500));
    auto r = run_cli(args, w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_GE(w.aws.unknown_key_refusals(), 2);
    EXPECT_NE(r.err.find("HTTP 403 InvalidAccessKeyId with keys created moments ago; waiting for "
                         "IAM to know them"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("retries: 0"), std::string::npos) << r.out;
}

TEST(FetchVaultToken, IsRenewedInTheBackgroundWhileASlowDownloadOutlastsItsTtl) {
    World w;
    w.vault.add_role(kRoleId, VaultTestServer::Role{kSecretId, 2, 0, 0});
    w.aws.pace(0, 1500);  // each data file takes 1.5 s; four of them: 6 s, three TTLs
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: ok"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_GE(w.vault.renewals(), 3);
    EXPECT_EQ(w.vault.denied(), 0);  // no request ever carried an expired token
    EXPECT_EQ(w.vault.logins(), 1);
    EXPECT_EQ(w.vault.revocations(), 1);
    EXPECT_EQ(w.vault.live_tokens(), 0u);
    EXPECT_EQ(query_one(w.db, "SELECT outcome FROM fetch_run"), "ok");
}

TEST(FetchVaultToken, IsRenewedWhileTheWorkAfterTheLastMonthOutlastsItsTtl) {
    World w;
    w.vault.add_role(kRoleId, VaultTestServer::Role{kSecretId, 2, 0, 0});
    w.aws.pace(0, 0, 1500);  // four invoice documents, 1.5 s each
    LoopbackServer hook;
    hook.set_handler([](const SeenRequest&) { return respond(204, ""); });
    auto r = run_cli(w.args({"--alert-webhook", hook.url("/alerts")}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("documents: 4 downloaded"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("problem:"), std::string::npos) << r.out;
    EXPECT_GE(w.vault.renewals(), 3);
    EXPECT_EQ(w.vault.denied(), 0);
    EXPECT_EQ(w.vault.revocations(), 1);
    EXPECT_EQ(w.vault.live_tokens(), 0u);
    EXPECT_TRUE(hook.seen().empty());  // nothing failed: no alert
}

TEST(FetchVaultToken, PastItsMaxTtlTheAppRoleLogsInAgainAndTheSecretIsNotReadAgain) {
    World w;
    w.vault.add_role(kRoleId, VaultTestServer::Role{kSecretId, 2, 3, 0});
    w.aws.pace(0, 1500);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_GE(w.vault.capped_renewals(), 1);
    EXPECT_GE(w.vault.logins(), 2);
    EXPECT_NE(r.err.find("logged in again with the AppRole"), std::string::npos) << r.err;
    EXPECT_EQ(kv_reads(w.vault), 1);  // the keys were already in memory
    EXPECT_EQ(w.vault.denied(), 0);
    EXPECT_EQ(w.vault.live_tokens(), 0u);  // the last token revoked, the others expired
    EXPECT_EQ(r.out.find("problem:"), std::string::npos) << r.out;
}

TEST(FetchVaultToken, ASecretIdThatCannotLogInAgainFailsTheRunCleanly) {
    World w;
    // A response-wrapped secret_id valid for one login, as CI systems hand them out.
    w.vault.add_role(kRoleId, VaultTestServer::Role{kSecretId, 2, 3, 1});
    const std::string wrapped = w.vault.wrap_secret_id(kSecretId);
    w.aws.pace(5000, 0);  // the CUR listing alone outlasts the token's max TTL
    LoopbackServer hook;
    hook.set_handler([](const SeenRequest&) { return respond(204, ""); });
    auto env = w.env();
    env[2] = "VAULT_SECRET_ID=" + wrapped;
    auto r = run_cli(w.args({"--profile", "internal", "--secret-id-wrapped", "--alert-webhook",
                             hook.url("/alerts")}),
                     env);
    EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: failed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("problem: vault: the token reaches its max TTL and a new AppRole login "
                         "failed: vault auth/approle/login failed: HTTP 400 (after 1 attempt(s)): "
                         "invalid role or secret ID"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("cannot log in again"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("CUR periods: 0 ingested, 0 unchanged, 2 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db, "SELECT outcome FROM fetch_run"), "failed");
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM billing_period"), "0");
    auto seen = hook.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_NE(seen[0].body.find("\"exit_code\":5"), std::string::npos) << seen[0].body;
    EXPECT_NE(seen[0].body.find("invalid role or secret ID"), std::string::npos) << seen[0].body;
    for (const std::string& s : {std::string(kSecretId), wrapped, std::string("hvs.token-")}) {
        EXPECT_EQ(r.out.find(s), std::string::npos) << s;
        EXPECT_EQ(r.err.find(s), std::string::npos) << s;
        EXPECT_EQ(seen[0].body.find(s), std::string::npos) << s;
    }
}

TEST(FetchVaultToken, AFailedRevokeAtTheEndIsOnlyAWarning) {
    World w;
    LoopbackServer hook;
    hook.set_handler([](const SeenRequest&) { return respond(204, ""); });
    w.vault.fail_revoke(503, "Vault is sealed");
    auto r =
        run_cli(w.args({"--alert-webhook", hook.url("/alerts"), "--max-attempts", "2"}), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("fetch run 1: ok"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("note: the Vault token was not revoked (vault auth/token/revoke-self "
                         "failed: HTTP 503 (after 2 attempt(s)): Vault is sealed); it expires on "
                         "its own"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
    EXPECT_EQ(query_one(w.db, "SELECT outcome FROM fetch_run"), "ok");
    EXPECT_TRUE(hook.seen().empty());
}

TEST(FetchVaultToken, AwsEngineCredentialsAreReadAgainAfterANewLogin) {
    World w;
    w.vault.add_role(kRoleId, VaultTestServer::Role{kSecretId, 2, 3, 0});
    w.aws.pace(0, 1500);
    const auto a = use_aws_engine(w);
    auto r = run_cli(a, w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_GE(w.vault.logins(), 2);
    int engine_reads = 0;
    for (const auto& s : w.vault.raw().seen())
        engine_reads += s.target == "/v1/aws/creds/billing-reader";
    EXPECT_EQ(engine_reads, w.vault.logins());  // once per token: their lease ends with it
    EXPECT_EQ(r.err.find("engine/secret/"), std::string::npos);
}

TEST(FetchVaultToken, AwsEngineLeasesAreRenewedAndReadAnewBeforeTheirMaxTtl) {
    World w;
    // The token lives long; the credentials' lease lasts 2 s and at most 3 s: a run of about
    // 6 s must renew it and read new credentials before each one ends.
    w.vault.set_aws_lease(2, 3);
    w.aws.pace(0, 1500);  // four data files of 1.5 s each
    const auto a = use_aws_engine(w);
    auto r = run_cli(a, w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_EQ(w.vault.logins(), 1);  // the token was never replaced: the leases were kept
    EXPECT_GE(w.vault.lease_renewals(), 2);
    int engine_reads = 0;
    for (const auto& s : w.vault.raw().seen())
        engine_reads += s.target == "/v1/aws/creds/billing-reader";
    EXPECT_GE(engine_reads, 3);
    EXPECT_EQ(r.err.find("engine/secret/"), std::string::npos);
    EXPECT_EQ(r.out.find("engine/secret/"), std::string::npos);
}

TEST(FetchVaultToken, AListingAfterANewLoginUsesTheNewAwsEngineCredentials) {
    World w;
    // Tokens of at most 3 s and listings of 2.5 s each: the first token ends during the second
    // profile's listing, and Vault revokes its AWS key with it, before any checkpoint of the
    // run; the requests that follow the listing (the manifests) need the new key.
    w.vault.add_role(kRoleId, VaultTestServer::Role{kSecretId, 2, 3, 0});
    w.aws.pace(2500, 0);
    const auto a = use_aws_engine(w);
    auto r = run_cli(a, w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // The second profile's listing outlasts the key it started with: listed again, not failed.
    EXPECT_NE(r.err.find("profile internal: the AWS credentials from Vault were replaced during "
                         "the CUR listing of s3://billing-internal/billing/internal-cur; listing "
                         "again with the new ones"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_GE(w.vault.logins(), 2);
}

}  // namespace CURCRUNCH_UNITY_ID
