// The Vault client and the token keeper against the Vault test server over loopback HTTP.
#include <gtest/gtest.h>

#include <thread>

#include "curcrunch/core/error.hpp"
#include "curcrunch/vault/token_keeper.hpp"
#include "curcrunch/vault/vault_client.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"
#include "vault_test_server.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

const char* kRole = "59d6d1ca-47bb-4e7e-a40b-8be3bc5a0ba8";
const char* kSecretId = "84896a0c-1347-aa90-a4f6-aca8b7558780";

struct Fixture {
    Fixture() : http(net::ClientOptions{}), rc(http, quick_retries(4)) {
        vault.add_role(kRole, kSecretId);
    }
    vault::VaultClient client(const std::string& ns = "") {
        return vault::VaultClient(vault::VaultConfig{vault.address(), ns}, rc);
    }
    VaultTestServer vault;
    net::HttpClient http;
    net::ResilientClient rc;
};

}  // namespace

TEST(Vault, AppRoleLoginReadsKvV2AndRevokes) {
    Fixture f;
    f.vault.put_kv2("curcrunch/billing",
                    "{\"aws_region_name\":\"us-east-1\",\"aws_oab_access_key_id\":\"AKIAOAB\","
                    "\"aws_oab_secret_access_key\":\"oab-secret\"}");
    auto v = f.client();
    const vault::TokenLease lease = v.login_approle(Secret(kRole), Secret(kSecretId));
    EXPECT_TRUE(v.logged_in());
    EXPECT_EQ(lease.ttl, 1200s);
    EXPECT_TRUE(lease.renewable);
    auto kv = v.read_kv("secret", "curcrunch/billing", 2);
    ASSERT_EQ(kv.size(), 3u);
    EXPECT_EQ(kv["aws_oab_access_key_id"].reveal(), "AKIAOAB");
    EXPECT_EQ(kv["aws_oab_secret_access_key"].reveal(), "oab-secret");
    EXPECT_EQ(f.vault.live_tokens(), 1u);
    v.revoke_self();
    EXPECT_FALSE(v.logged_in());
    EXPECT_EQ(f.vault.live_tokens(), 0u);
    // The login body carried the ids; every later request carried the token, never the ids.
    auto seen = f.vault.raw().seen();
    EXPECT_NE(seen[0].body.find(kSecretId), std::string::npos);
    for (size_t i = 1; i < seen.size(); ++i)
        EXPECT_EQ(seen[i].body.find(kSecretId), std::string::npos);
    EXPECT_EQ(seen[1].header("X-Vault-Token").rfind("hvs.token-", 0), 0u);
}

TEST(Vault, KvV1AndAwsSecretsEngine) {
    Fixture f;
    f.vault.put_kv1("billing/team", "{\"foo\":\"bar\",\"ttl\":\"1h\"}");
    f.vault.put_aws_role(
        "billing-reader",
        "{\"access_key\":\"AKIAVAULT\",\"secret_key\":\"vault-secret\","
        "\"security_token\":\"FwoGZXIvYXdzE\",\"arn\":\"arn:aws:sts::1:assumed-role/r/s\"}");
    auto v = f.client();
    v.login_approle(Secret(kRole), Secret(kSecretId));
    EXPECT_EQ(v.read_kv("kv", "billing/team", 1).at("foo").reveal(), "bar");
    auto c = v.aws_creds("aws", "billing-reader");
    EXPECT_EQ(c.access_key_id, "AKIAVAULT");
    EXPECT_EQ(c.secret_access_key.reveal(), "vault-secret");
    EXPECT_EQ(c.session_token.reveal(), "FwoGZXIvYXdzE");
    EXPECT_EQ(c.lease_id, "aws/creds/billing-reader/l1");
    EXPECT_EQ(c.lease, 3600s);
}

TEST(Vault, WrappedSecretIdIsUnwrappedOnce) {
    Fixture f;
    std::string wrap = f.vault.wrap_secret_id(kSecretId);
    auto v = f.client();
    v.login_approle(Secret(kRole), Secret(wrap), true);
    EXPECT_TRUE(v.logged_in());
    auto again = f.client();
    std::string msg = error_text([&] { again.login_approle(Secret(kRole), Secret(wrap), true); });
    EXPECT_NE(msg.find("HTTP 400"), std::string::npos) << msg;
    EXPECT_NE(msg.find("wrapping token is not valid or does not exist"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(wrap), std::string::npos);  // the wrapping token is a secret too
}

TEST(Vault, BadCredentialsFailAtOnceWithVaultsMessageAndNoSecret) {
    Fixture f;
    auto v = f.client();
    std::string msg =
        error_text([&] { v.login_approle(Secret(kRole), Secret("wrong-secret-id")); });
    EXPECT_EQ(msg,
              "vault auth/approle/login failed: HTTP 400 (after 1 attempt(s)): invalid role or "
              "secret ID");
    EXPECT_EQ(msg.find("wrong-secret-id"), std::string::npos);
    EXPECT_EQ(f.vault.raw().seen().size(), 1u);  // 400 is not retried
    std::string denied = error_text([&] { v.read_kv("secret", "x", 2); });
    EXPECT_NE(denied.find("read before login"), std::string::npos);
}

TEST(Vault, ADeletedOrMissingSecretSaysWhatHappenedToIt) {
    Fixture f;
    auto v = f.client();
    v.login_approle(Secret(kRole), Secret(kSecretId));
    f.vault.put_kv2("gone", "{\"k\":\"v\"}");
    f.vault.delete_kv2("gone");
    EXPECT_EQ(error_text([&] { v.read_kv("secret", "gone", 2); }),
              "vault read secret/data/gone failed: HTTP 404 (after 1 attempt(s)): version 3 of the "
              "secret was deleted at 2026-12-01T09:30:00.123456Z: undelete it (vault kv undelete "
              "-versions=3) or write a new version");
    f.vault.delete_kv2("gone", true);
    EXPECT_EQ(error_text([&] { v.read_kv("secret", "gone", 2); }),
              "vault read secret/data/gone failed: HTTP 404 (after 1 attempt(s)): version 3 of the "
              "secret was destroyed: write a new version");
    EXPECT_EQ(error_text([&] { v.read_kv("secret", "never/written", 2); }),
              "vault read secret/data/never/written failed: HTTP 404 (after 1 attempt(s)): nothing "
              "is stored at this path (check the mount, the path and kv_version)");
}

TEST(Vault, AStandbyNodesRedirectIsFollowedToTheActiveNode) {
    Fixture f;
    f.vault.put_kv2("p", "{\"k\":\"v\"}");
    // A standby that does not forward requests answers 307 with the active node's address.
    LoopbackServer standby;
    standby.set_handler([&](const SeenRequest& r) {
        return respond(307, "", {{"Location", f.vault.address() + r.target}});
    });
    vault::VaultClient v(
        vault::VaultConfig{"http://127.0.0.1:" + std::to_string(standby.port()), ""}, f.rc);
    v.login_approle(Secret(kRole), Secret(kSecretId));
    EXPECT_EQ(v.read_kv("secret", "p", 2).at("k").reveal(), "v");
    EXPECT_EQ(standby.seen().size(), 2u);
    EXPECT_EQ(f.rc.stats().retries, 0);
    // A redirect that would change what is asked, not where, is not followed.
    standby.set_handler([&](const SeenRequest&) {
        return respond(307, "", {{"Location", f.vault.address() + "/v1/secret/data/other"}});
    });
    EXPECT_EQ(error_text([&] { v.read_kv("secret", "p", 2); }),
              "vault read secret/data/p failed: HTTP 307 (after 1 attempt(s))");
}

TEST(Vault, SealedAndRateLimitedAreRetried) {
    Fixture f;
    f.vault.raw().push(respond(503, "{\"errors\":[\"Vault is sealed\"]}"));
    f.vault.raw().push(respond(
        429,
        "{\"errors\":[\"request path \\\"auth/approle/login\\\": rate limit quota exceeded\"]}"));
    f.vault.raw().push(respond(412, "{\"errors\":[]}"));
    auto v = f.client();
    v.login_approle(Secret(kRole), Secret(kSecretId));
    EXPECT_TRUE(v.logged_in());
    EXPECT_EQ(f.rc.stats().retries, 3);
    // A server that stays sealed fails the run with Vault's message.
    f.vault.set_sealed(true);
    auto w = f.client();
    std::string msg = error_text([&] { w.login_approle(Secret(kRole), Secret(kSecretId)); });
    EXPECT_EQ(msg,
              "vault auth/approle/login failed: HTTP 503 (after 4 attempt(s)): Vault is sealed");
}

TEST(Vault, NamespaceHeaderAndRenewal) {
    Fixture f;
    f.vault.require_namespace("billing/team-a/");
    f.vault.put_kv2("p", "{\"k\":\"v\"}");
    auto wrong = f.client();
    std::string msg = error_text([&] { wrong.login_approle(Secret(kRole), Secret(kSecretId)); });
    EXPECT_NE(msg.find("HTTP 404"), std::string::npos) << msg;
    auto v = f.client("billing/team-a/");
    v.login_approle(Secret(kRole), Secret(kSecretId));
    EXPECT_EQ(v.renew_self(600s).ttl, 600s);
    EXPECT_EQ(f.vault.renewals(), 1);
    EXPECT_EQ(f.vault.raw().seen().back().body, "{\"increment\":\"600s\"}");
    EXPECT_EQ(v.read_kv("secret", "p", 2).at("k").reveal(), "v");
}

TEST(Vault, RenewalIsCappedAtTheMaxTtlAndAnExpiredTokenIsRefused) {
    Fixture f;
    f.vault.add_role(kRole, VaultTestServer::Role{kSecretId, 3, 4, 0});
    f.vault.put_kv2("p", "{\"k\":\"v\"}");
    auto v = f.client();
    EXPECT_EQ(v.login_approle(Secret(kRole), Secret(kSecretId)).ttl, 3s);
    std::this_thread::sleep_for(1500ms);
    const vault::TokenLease capped = v.renew_self(3s);  // 2.5 s left before the max TTL
    EXPECT_EQ(capped.ttl, 2s);
    EXPECT_TRUE(capped.renewable);
    EXPECT_EQ(f.vault.capped_renewals(), 1);
    EXPECT_NE(f.vault.raw().seen().size(), 0u);
    std::this_thread::sleep_for(2600ms);  // past the max TTL
    try {
        v.read_kv("secret", "p", 2);
        ADD_FAILURE() << "an expired token was accepted";
    } catch (const vault::VaultError& e) {
        EXPECT_EQ(e.status(), 403);
        EXPECT_NE(std::string(e.what()).find("permission denied"), std::string::npos) << e.what();
    }
    EXPECT_EQ(f.vault.live_tokens(), 0u);
}

TEST(TokenKeeper, RenewsAtTwoThirdsOfTheLeaseInTheBackground) {
    Fixture f;
    f.vault.add_role(kRole, VaultTestServer::Role{kSecretId, 3, 0, 0});
    vault::VaultClient v(vault::VaultConfig{f.vault.address(), ""}, f.rc);
    const auto start = std::chrono::steady_clock::now();
    vault::TokenKeeper keeper(v, vault::AppRoleLogin{Secret(kRole), Secret(kSecretId), false});
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(keeper.renewals(), 1);
    EXPECT_EQ(f.vault.renewals(), 1);
    auto seen = f.vault.raw().seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].target, "/v1/auth/token/renew-self");
    EXPECT_EQ(seen[1].body, "{\"increment\":\"3s\"}");
    EXPECT_GE(seen[1].at - start, 1900ms);  // two thirds of 3 s
    EXPECT_LE(seen[1].at - start, 2400ms);
    EXPECT_EQ(keeper.finish(), "");
    EXPECT_EQ(f.vault.live_tokens(), 0u);
    EXPECT_EQ(keeper.lost(), "");
}

TEST(TokenKeeper, LogsInAgainWhenTheMaxTtlCapsTheRenewal) {
    Fixture f;
    f.vault.add_role(kRole, VaultTestServer::Role{kSecretId, 2, 3, 0});
    f.vault.put_kv2("p", "{\"k\":\"v\"}");
    vault::VaultClient v(vault::VaultConfig{f.vault.address(), ""}, f.rc);
    int new_logins = 0;
    vault::KeeperOptions options;
    options.on_new_login = [&] { ++new_logins; };
    vault::TokenKeeper keeper(v, vault::AppRoleLogin{Secret(kRole), Secret(kSecretId), false},
                              options);
    // Reads keep working from this thread while the keeper replaces the token underneath.
    const auto until = std::chrono::steady_clock::now() + 4500ms;
    int reads = 0;
    while (std::chrono::steady_clock::now() < until) {
        EXPECT_EQ(v.read_kv("secret", "p", 2).at("k").reveal(), "v");
        ++reads;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_GT(reads, 50);
    EXPECT_GE(f.vault.capped_renewals(), 2);
    EXPECT_GE(keeper.logins(), 3);
    EXPECT_EQ(new_logins, keeper.logins() - 1);
    EXPECT_EQ(f.vault.denied(), 0);
    EXPECT_EQ(f.vault.live_tokens(), 1u);  // each replaced token was revoked at once
    EXPECT_EQ(keeper.finish(), "");
    EXPECT_EQ(f.vault.live_tokens(), 0u);
}

TEST(TokenKeeper, ASecretIdThatCannotLogInAgainIsReportedNotThrown) {
    Fixture f;
    f.vault.add_role(kRole, VaultTestServer::Role{kSecretId, 2, 3, 1});
    vault::VaultClient v(vault::VaultConfig{f.vault.address(), ""}, f.rc);
    const std::string wrap = f.vault.wrap_secret_id(kSecretId);
    vault::TokenKeeper keeper(v, vault::AppRoleLogin{Secret(kRole), Secret(wrap), true});
    std::this_thread::sleep_for(1600ms);
    EXPECT_EQ(keeper.lost(),
              "vault: the token reaches its max TTL and a new AppRole login failed: vault "
              "auth/approle/login failed: HTTP 400 (after 1 attempt(s)): invalid role or secret ID "
              "(a secret_id limited to one use, as response-wrapped ones usually are, cannot log "
              "in again: raise the role's token_max_ttl above the length of a run, or allow the "
              "secret_id more uses)");
    EXPECT_EQ(f.vault.logins(), 1);
    EXPECT_EQ(keeper.finish(), "");  // the token still lives until its max TTL: revoked
    EXPECT_EQ(f.vault.live_tokens(), 0u);
}

TEST(TokenKeeper, AFailedRevokeIsAWarningAndTheDestructorStaysQuiet) {
    Fixture f;
    f.vault.fail_revoke(403, "permission denied");
    vault::VaultClient v(vault::VaultConfig{f.vault.address(), ""}, f.rc);
    {
        vault::TokenKeeper keeper(v, vault::AppRoleLogin{Secret(kRole), Secret(kSecretId), false});
        const std::string warning = keeper.finish();
        EXPECT_EQ(warning.rfind("the Vault token was not revoked (vault auth/token/revoke-self "
                                "failed: HTTP 403 (after 1 attempt(s)): permission denied); it "
                                "expires on its own within 11",
                                0),
                  0u)
            << warning;
        EXPECT_EQ(keeper.finish(), "");  // once
    }
    // Never finished: the destructor revokes, fails, logs, and does not throw.
    auto keeper = std::make_unique<vault::TokenKeeper>(
        v, vault::AppRoleLogin{Secret(kRole), Secret(kSecretId), false});
    EXPECT_NO_THROW(keeper.reset());
    EXPECT_EQ(f.vault.live_tokens(), 2u);
}

TEST(TokenKeeper, BatchTokensAreReplacedBeforeTheyExpireAndNeverRevoked) {
    Fixture f;
    f.vault.add_role(kRole, VaultTestServer::Role{kSecretId, 3, 0, 0, true});
    vault::VaultClient v(vault::VaultConfig{f.vault.address(), ""}, f.rc);
    vault::TokenKeeper keeper(v, vault::AppRoleLogin{Secret(kRole), Secret(kSecretId), false});
    std::this_thread::sleep_for(2300ms);  // a new login at two thirds of 3 s
    EXPECT_EQ(keeper.logins(), 2);
    EXPECT_EQ(keeper.renewals(), 0);
    EXPECT_EQ(keeper.finish(), "");
    for (const auto& s : f.vault.raw().seen()) {
        EXPECT_NE(s.target, "/v1/auth/token/renew-self");
        EXPECT_NE(s.target, "/v1/auth/token/revoke-self");
    }
    EXPECT_EQ(f.vault.denied(), 0);
}

}  // namespace CURCRUNCH_UNITY_ID
