// `curcrunch fetch` keeps its secrets off the wire: a Vault, endpoint or webhook URL in plain
// http to another machine is refused before anything is sent.
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

}  // namespace CURCRUNCH_UNITY_ID
