// What `curcrunch fetch` says about a run, through the binary: messages that say what really
// happened after an S3 ExpiredToken, every period a payer with wrong credentials could not
// deliver listed as failed, and a User-Agent naming curcrunch and its version on every request.
#include <gtest/gtest.h>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;

TEST(FetchReport, AfterAnExpiredTokenMidDownloadTheMessagesSayWhatHappens) {
    World w;
    w.aws.expire_sessions_at_get("oab-cur/20261001-20261101/");  // oab's October data file
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(w.aws.assumed(), 2);
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_EQ(r.err.find("will not be ingested"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("not synced"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("period 2026-10, profile oab: the session expired during the download; "
                         "assumed the role again, downloading the rest"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("period 2026-10, profile oab: "), std::string::npos) << r.err;
}

TEST(FetchReport, APayerWithWrongCredentialsHasItsOwnPeriodsListedAsFailed) {
    World w;
    ASSERT_EQ(run_cli(w.args(), w.env()).exit_code, 0);
    const std::string rollups = dump_rollups(w.db);
    // oab's secret key in Vault is now wrong: STS refuses the AssumeRole signature.
    w.vault.put_kv2(
        "billing/aws",
        std::string("{\"aws_region_name\":\"eu-west-1\",") + "\"aws_oab_access_key_id\":\"" +
            kOabKey + "\",\"aws_oab_secret_access_key\":\"not-the-key\"," +
            "\"aws_oab_roleArn\":\"" + kRoleArn + "\",\"aws_internal_access_key_id\":\"" +
            kInternalKey + "\",\"aws_internal_secret_access_key\":\"" + kInternalSecret + "\"}");
    // internal no longer delivers September: the period is known from the store only.
    for (const auto& e : fs::recursive_directory_iterator(w.tmp / "internal"))
        if (e.is_regular_file() && e.path().string().find("20260901-20261001") != std::string::npos)
            w.aws.remove_object(
                "billing-internal",
                "billing/" + fs::relative(e.path(), w.tmp.path() / "internal").string());
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;  // internal's October is fine
    EXPECT_NE(r.out.find("problem: profile oab: sts AssumeRole"), std::string::npos) << r.out;
    for (const char* p : {"2026-09", "2026-10"})
        EXPECT_NE(r.out.find(std::string("problem: period ") + p +
                             ", profile oab: not fetched (the profile has no usable "
                             "credentials); period left as it was"),
                  std::string::npos)
            << p << "\n"
            << r.out;
    // oab's two months failed; internal's October did not change (its September is no longer
    // delivered: nothing to do for it).
    EXPECT_NE(r.out.find("CUR periods: 0 ingested, 1 unchanged, 2 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), rollups);
    EXPECT_EQ(r.out.find("not-the-key"), std::string::npos);
}

TEST(FetchReport, APayerMissingFromTheSecretFailsAloneNamingTheField) {
    World w;
    w.vault.put_kv2("billing/aws", std::string("{\"aws_region_name\":\"eu-west-1\",") +
                                       "\"aws_oab_access_key_id\":\"" + kOabKey + "\"," +
                                       "\"aws_internal_access_key_id\":\"" + kInternalKey +
                                       "\",\"aws_internal_secret_access_key\":\"" +
                                       kInternalSecret + "\"}");
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;  // internal delivered its months
    EXPECT_NE(r.out.find("problem: profile oab: vault secret secret/billing/aws has no "
                         "aws_oab_secret_access_key field"),
              std::string::npos)
        << r.out;
    // internal's months are its own (payer, period) units: ingested whatever oab did.
    for (const char* p : {"2026-09", "2026-10"})
        EXPECT_NE(r.out.find(std::string("problem: period ") + p +
                             ", profile oab: not fetched (the profile has no usable "
                             "credentials); period left as it was"),
                  std::string::npos)
            << p << "\n"
            << r.out;
    EXPECT_NE(r.out.find("CUR periods: 2 ingested, 0 unchanged, 2 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db,
                        "SELECT group_concat(payer || ' ' || period, ',') FROM "
                        "(SELECT payer, period FROM billing_period ORDER BY 1, 2)"),
              "121111111111 202609,121111111111 202610");
}

TEST(FetchReport, EveryRequestCarriesTheCurcrunchUserAgent) {
    World w;
    LoopbackServer hook;
    hook.set_handler([](const SeenRequest&) { return respond(204, ""); });
    w.billing.malform_next("ListAccounts");  // a partial run, so the webhook is called too
    auto r = run_cli(w.args({"--cost-explorer", "--alert-webhook", hook.url("/alerts")}), w.env());
    ASSERT_EQ(r.exit_code, 6) << r.out << r.err;
    const std::string ua = std::string("curcrunch/") + CURCRUNCH_VERSION;
    size_t aws = 0, presigned = 0, vault = 0;
    for (const auto& s : w.aws.raw().seen()) {
        EXPECT_EQ(s.header("User-Agent"), ua) << s.method << " " << s.target;
        ++aws;
        presigned += s.target.rfind("/_presigned/", 0) == 0;
    }
    for (const auto& s : w.vault.raw().seen()) {
        EXPECT_EQ(s.header("User-Agent"), ua) << s.method << " " << s.target;
        ++vault;
    }
    EXPECT_GT(aws, 20u);
    EXPECT_EQ(presigned, 4u);
    EXPECT_EQ(vault, 3u);  // login, KV read, revoke
    ASSERT_EQ(hook.seen().size(), 1u);
    EXPECT_EQ(hook.seen()[0].header("User-Agent"), ua);
}

}  // namespace CURCRUNCH_UNITY_ID
