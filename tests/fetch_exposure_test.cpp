// `curcrunch fetch` keeps its secrets off the wire and out of its records: a Vault, endpoint or
// webhook URL in plain http to another machine is refused before anything is sent, and a
// session token that a service quotes back in its refusal is shown, logged, stored and sent to
// the webhook blanked.
#include <gtest/gtest.h>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

const char* kCleartext =
    " would carry its secrets in cleartext: use https (plain http is allowed only to a loopback "
    "address: 127.0.0.0/8, ::1, localhost)";

}  // namespace

TEST(FetchExposure, PlainHttpToAnotherMachineIsAUsageErrorBeforeAnythingIsSent) {
    World w;
    // 192.0.2.0/24 is TEST-NET-1: nothing answers there. One short attempt, should a request
    // go out after all.
    const std::vector<std::string> quick = {"--max-attempts", "1", "--connect-timeout", "1"};
    auto env = w.env();
    env[0] = "VAULT_ADDR=http://192.0.2.2:18403";
    auto vault = run_cli(w.args(quick), env);
    EXPECT_EQ(vault.exit_code, 2) << vault.out << vault.err;
    EXPECT_NE(vault.err.find("VAULT_ADDR: plain http to 192.0.2.2" + std::string(kCleartext)),
              std::string::npos)
        << vault.err;
    EXPECT_FALSE(fs::exists(w.tmp / "cache"));

    const std::vector<std::string> keys = {"VAULT_ADDR=", "AWS_ACCESS_KEY_ID=AKIAENVKEY000000001",
                                           "AWS_SECRET_ACCESS_KEY=env/secret/key",
                                           "CURCRUNCH_ALERT_WEBHOOK="};
    auto endpoint_url =
        run_cli({"fetch", "--config", w.tmp / "fetch.json", "--db", w.db, "--cache-dir",
                 w.tmp / "cache", "--endpoint-url", "http://192.0.2.2:9000", "--max-attempts", "1",
                 "--connect-timeout", "1"},
                keys);
    EXPECT_EQ(endpoint_url.exit_code, 2) << endpoint_url.out << endpoint_url.err;
    EXPECT_NE(
        endpoint_url.err.find("--endpoint-url: plain http to 192.0.2.2" + std::string(kCleartext)),
        std::string::npos)
        << endpoint_url.err;

    // The configuration's endpoints, AWS_ENDPOINT_URL_<SERVICE> and the webhook's variable.
    write_file(w.tmp / "endpoints.json", R"({
  "profiles": {"oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur"}]}},
  "endpoints": {"s3": "http://s3.example.internal:9000"}
})");
    const std::vector<std::string> base = {"fetch",
                                           "--db",
                                           w.db,
                                           "--cache-dir",
                                           w.tmp / "cache",
                                           "--max-attempts",
                                           "1",
                                           "--connect-timeout",
                                           "1"};
    auto with_config = [&](const std::string& config) {
        std::vector<std::string> a = base;
        a.insert(a.end(), {"--config", config});
        return a;
    };
    auto configured = run_cli(with_config(w.tmp / "endpoints.json"), keys);
    EXPECT_EQ(configured.exit_code, 2) << configured.out << configured.err;
    EXPECT_NE(
        configured.err.find("endpoints.json: endpoints.s3: plain http to s3.example.internal" +
                            std::string(kCleartext)),
        std::string::npos)
        << configured.err;
    auto sts_env = keys;
    sts_env.push_back("AWS_ENDPOINT_URL_STS=http://sts.example.internal");
    auto sts = run_cli(with_config(w.tmp / "fetch.json"), sts_env);
    EXPECT_EQ(sts.exit_code, 2) << sts.out << sts.err;
    EXPECT_NE(sts.err.find("AWS_ENDPOINT_URL_STS: plain http to sts.example.internal"),
              std::string::npos)
        << sts.err;
    auto hook_env = keys;
    hook_env.back() = "CURCRUNCH_ALERT_WEBHOOK=http://hooks.example.internal/alerts";
    auto hook = run_cli(with_config(w.tmp / "fetch.json"), hook_env);
    EXPECT_EQ(hook.exit_code, 2) << hook.out << hook.err;
    EXPECT_NE(hook.err.find("CURCRUNCH_ALERT_WEBHOOK: plain http to hooks.example.internal"),
              std::string::npos)
        << hook.err;

    EXPECT_EQ(w.vault.logins(), 0);
    EXPECT_TRUE(w.aws.raw().seen().empty());
    EXPECT_FALSE(fs::exists(w.tmp / "cache"));
}

TEST(FetchExposure, ATokenAServiceQuotesBackIsNotShownLoggedStoredOrSent) {
    World w;
    LoopbackServer hook;
    hook.set_handler([](const SeenRequest&) { return respond(204, ""); });
    // oab's data files are read with the session of its assumed role; the first one's GET is
    // refused with its token and Authorization header quoted.
    w.aws.echo_token_at_get("oab-cur-00001");
    auto env = w.env();
    env.back() = "CURCRUNCH_ALERT_WEBHOOK=" + hook.url("/alerts");
    auto r = run_cli(w.args({"--verbose", "--max-attempts", "1"}), env);
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
    ASSERT_GE(w.aws.assumed(), 1);
    const std::string said =
        "s3 GetObject failed: HTTP 400 InvalidToken (after 1 attempt(s)): The provided token is "
        "malformed or otherwise invalid. Token (not shown) Credential AWS4-HMAC-SHA256 "
        "Credential=(not shown), SignedHeaders=";
    EXPECT_NE(r.out.find(said), std::string::npos) << r.out;

    const std::string errlog = read_file(w.tmp / "errors.jsonl");
    EXPECT_NE(errlog.find("Token (not shown) Credential"), std::string::npos) << errlog;
    const std::string problems = query_one(w.db, "SELECT problems FROM fetch_run");
    EXPECT_NE(problems.find(said), std::string::npos) << problems;
    auto seen = hook.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_NE(seen[0].body.find("Token (not shown) Credential"), std::string::npos) << seen[0].body;
    std::string db_bytes = read_file(w.db);
    if (fs::exists(w.db + "-wal")) db_bytes += read_file(w.db + "-wal");
    // The test server's session tokens all begin so.
    const std::string token = "FwoGZXIvYXdzEXAMPLETOKEN";
    EXPECT_EQ(r.out.find(token), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(token), std::string::npos) << r.err;
    EXPECT_EQ(errlog.find(token), std::string::npos) << errlog;
    EXPECT_EQ(db_bytes.find(token), std::string::npos);
    EXPECT_EQ(seen[0].body.find(token), std::string::npos) << seen[0].body;
}

}  // namespace CURCRUNCH_UNITY_ID
