#pragma once
// The world `curcrunch fetch` runs against in the tests: a Vault test server with an AppRole and
// a KV v2 secret holding two payer profiles' keys, an AWS test server (STS, S3 with both
// profiles' CUR exports and an older assembly that must never be read, and the billing
// services), a store ingested from the same exports on disk to compare with, and the fetch
// configuration.
#include <sys/stat.h>

#include <thread>

#include "aws_test_server.hpp"
#include "billing_test_services.hpp"
#include "curcrunch/gen/generator.hpp"
#include "test_support.hpp"
#include "vault_test_server.hpp"

namespace testsupport {
namespace fs = std::filesystem;

// Secrets of the scenario; the leak test looks for each of them.
inline const char* kRoleId = "role-7c1f0a3e";
inline const char* kSecretId = "secret-id-5d0b9f1e2a7c";
inline const char* kOabKey = "AKIAOABBASE00000001";
inline const char* kOabSecret = "oab/base/Secret+Key/0001";
inline const char* kInternalKey = "AKIAINTERNAL0000002";
inline const char* kInternalSecret = "internal/base/Secret+Key/0002";
inline const char* kRoleArn = "arn:aws:iam::111111111111:role/billing-read";

struct World {
    World() : aws(kOabKey, kOabSecret), billing(aws) {
        aws.add_key(kInternalKey, kInternalSecret);
        aws.add_role(kRoleArn);
        export_profile("oab", 7, "billing-oab");
        export_profile("internal", 11, "billing-internal");
        // An older assembly of September in oab's bucket, with different data: never read.
        const std::string old_dir =
            "billing/oab-cur/20260901-20261001/00000000-0000-4000-a000-000000000000";
        aws.put_object(
            "billing-oab", old_dir + "/oab-cur-00001.csv.gz",
            gzip_bytes(std::string(kLegacyHeader) + legacy_row("1", "2026-09-02", "999999")));
        aws.put_object("billing-oab", old_dir + "/oab-cur-Manifest.json",
                       "{\"assemblyId\":\"00000000-0000-4000-a000-000000000000\","
                       "\"billingPeriod\":{\"start\":\"20260901T000000.000Z\"},"
                       "\"reportKeys\":[\"" +
                           old_dir + "/oab-cur-00001.csv.gz\"]}");

        vault.add_role(kRoleId, kSecretId);
        vault.put_kv2("billing/aws", std::string("{\"aws_region_name\":\"eu-west-1\",") +
                                         "\"aws_oab_access_key_id\":\"" + kOabKey +
                                         "\",\"aws_oab_secret_access_key\":\"" + kOabSecret +
                                         "\",\"aws_oab_roleArn\":\"" + kRoleArn +
                                         "\",\"aws_oab_roleSessionName\":\"curcrunch-nightly\","
                                         "\"aws_internal_access_key_id\":\"" +
                                         kInternalKey + "\",\"aws_internal_secret_access_key\":\"" +
                                         kInternalSecret + "\"}");

        // The organisation knows the accounts the CUR files bill.
        disk_db = (tmp / "disk.db");
        auto r = run_cli({"ingest", "--quiet", "--db", disk_db, (tmp / "oab").c_str(),
                          (tmp / "internal").c_str()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string ids =
            query_one(disk_db,
                      "SELECT group_concat(v, ',') FROM (SELECT DISTINCT usage_account AS v FROM "
                      "cost_daily_named ORDER BY v)");
        for (size_t i = 0, j; i <= ids.size(); i = j + 1) {
            j = ids.find(',', i);
            if (j == std::string::npos) j = ids.size();
            billing.add_account(ids.substr(i, j - i), "Team " + ids.substr(i, 4));
            account_ids.push_back(ids.substr(i, j - i));
        }
        billing.add_ce({"2026-09-01", account_ids[0], "Amazon Simple Storage Service", "12.34"});
        billing.add_ce({"2026-09-01", account_ids[1], "Amazon Elastic Compute Cloud - Compute",
                        "1234.5678901234"});
        billing.add_ce({"2026-10-01", account_ids[0], "Amazon Simple Storage Service", "13.00"});
        billing.add_invoice({"111111111111", "EUINGB26-0901", 2026, 9, "1500.00", "300.00", "USD",
                             "EUR", "1380.25"});
        billing.add_invoice({"111111111111", "EUINGB26-1001", 2026, 10, "1612.40", "322.48", "USD",
                             "EUR", "1490.10"});
        billing.add_instrument("pi-1", "CARD");

        write_file(tmp / "fetch.json", R"({
  "vault": {"kv_mount": "secret", "kv_path": "billing/aws", "kv_version": 2},
  "profiles": {
    "oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur"}]},
    "internal": {"cur": [{"bucket": "billing-internal", "prefix": "billing/internal-cur"}],
                 "organizations": false, "invoices": false}
  }
})");
    }

    void export_profile(const std::string& name, uint64_t seed, const std::string& bucket) {
        curcrunch::gen::GenOptions o;
        o.out = (tmp / name);
        o.layout = true;
        o.gzip = true;
        o.gzip_level = 1;  // gzip's fastest: the tests do not measure compression
        o.hourly = false;
        o.start = 202609;
        o.months = 2;
        o.seed = seed;
        o.payers = 1;
        o.first_payer = name == "internal" ? 1 : 0;  // two organisations: two payers
        o.accounts_per_payer = 2;
        o.resources_per_account = 3;
        o.report_name = name + "-cur";
        curcrunch::gen::generate(o);
        for (const auto& e : fs::recursive_directory_iterator(tmp.path() / name))
            if (e.is_regular_file())
                aws.put_object(bucket,
                               "billing/" + fs::relative(e.path(), tmp.path() / name).string(),
                               read_file(e.path().string()));
    }

    std::vector<std::string> env() const {
        return {"VAULT_ADDR=" + vault.address(),
                std::string("VAULT_ROLE_ID=") + kRoleId,
                std::string("VAULT_SECRET_ID=") + kSecretId,
                "AWS_ACCESS_KEY_ID=",
                "AWS_SECRET_ACCESS_KEY=",
                "CURCRUNCH_ALERT_WEBHOOK="};
    }
    std::vector<std::string> args(std::vector<std::string> extra = {}) const {
        std::vector<std::string> a = {"fetch",
                                      "--config",
                                      tmp / "fetch.json",
                                      "--db",
                                      db,
                                      "--cache-dir",
                                      tmp / "cache",
                                      "--archive-dir",
                                      tmp / "invoices",
                                      "--error-log",
                                      tmp / "errors.jsonl",
                                      "--endpoint-url",
                                      aws.endpoint(),
                                      "--from",
                                      "2026-09",
                                      "--to",
                                      "2026-10",
                                      "--retry-base-ms",
                                      "1",
                                      "--retry-cap-ms",
                                      "20"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    TempDir tmp;
    VaultTestServer vault;
    AwsTestServer aws;
    BillingServices billing;
    std::string db = tmp / "fetch.db", disk_db;
    std::vector<std::string> account_ids;
};

inline size_t count_of(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1))
        ++n;
    return n;
}

}  // namespace testsupport
