// `curcrunch fetch` end to end when AWS refuses requests in ways that say how to do better: a
// CUR bucket in another region than the profile's (S3's 301 PermanentRedirect), and a machine
// whose clock is off (S3's RequestTimeTooSkewed, STS's "Signature expired"). The run delivers
// everything, says what it corrected, and a configured region saves the redirect.
#include <gtest/gtest.h>

#include <algorithm>

#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

const char* kConfigWithRegion = R"({
  "vault": {"kv_mount": "secret", "kv_path": "billing/aws", "kv_version": 2},
  "profiles": {
    "oab": {"cur": [{"bucket": "billing-oab", "prefix": "billing/oab-cur",
                     "region": "us-east-2"}]},
    "internal": {"cur": [{"bucket": "billing-internal", "prefix": "billing/internal-cur"}],
                 "organizations": false, "invoices": false}
  }
})";

}  // namespace

TEST(FetchRefusals, ABucketElsewhereAndAClockOffStillDeliverEverything) {
    World w;  // the profiles' region is eu-west-1 (Vault's aws_region_name)
    w.aws.set_bucket_region("billing-oab", "us-east-2");
    w.aws.set_clock_offset(std::chrono::seconds(-2700));  // this machine runs 45 minutes fast
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("CUR periods: 4 ingested, 0 unchanged, 0 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    // The region was learned once for the whole run, and each service's clock once (STS,
    // S3, Organizations, Invoicing, Payments), every client after that signing right.
    EXPECT_EQ(w.aws.region_refusals(), 1);
    EXPECT_EQ(w.aws.assumed(), 1);
    EXPECT_EQ(count_of(r.err, "s3://billing-oab is in region us-east-2, not eu-west-1"), 1u)
        << r.err;
    const std::string skew = "this machine's clock is 2700 s ahead of ";
    EXPECT_EQ(count_of(r.err, skew + "sts's"), 1u) << r.err;
    EXPECT_EQ(count_of(r.err, skew + "s3's"), 1u) << r.err;
    EXPECT_EQ(count_of(r.err, skew + "organizations's"), 1u) << r.err;
    EXPECT_EQ(static_cast<size_t>(w.aws.skew_refusals()), count_of(r.err, skew)) << r.err;
}

TEST(FetchRefusals, AnInvoiceDocumentWhoseLinkExpiredIsAskedForAgain) {
    World w;
    // GetInvoicePDF's pre-signed URLs live 2 s (1-2 s after they are issued: X-Amz-Date has
    // whole seconds), and each document takes 2.5 s to download: the second link of each
    // invoice has expired by the time the first document is in (S3: 403 "Request has expired").
    w.billing.document_urls_live(2);
    w.aws.pace(0, 0, 2500);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("documents: 4 downloaded"), std::string::npos) << r.out;
    EXPECT_EQ(w.aws.expired_documents(), 2);
    EXPECT_EQ(w.billing.calls("GetInvoicePDF"), 4);  // each invoice asked twice
    EXPECT_EQ(count_of(r.err, "asking for fresh links to its documents (they expire)"), 2u)
        << r.err;
    for (const char* id : {"EUINGB26-0901", "EUINGB26-1001"})
        for (const std::string& doc : {std::string(id), std::string(id) + "-receipt"})
            EXPECT_EQ(read_file((fs::path(w.tmp / "invoices") / id / (doc + ".pdf")).string()),
                      BillingServices::pdf_bytes(doc))
                << doc;
}

TEST(FetchRefusals, ADocumentTheFreshLinksNoLongerNameIsAFailureAndNothingIsRecorded) {
    World w;
    w.billing.document_urls_live(2);
    w.aws.pace(0, 0, 2500);
    w.billing.drop_supplements_after(1);  // asked again, GetInvoicePDF names no receipt
    auto args = w.args();
    *(std::find(args.begin(), args.end(), "--to") + 1) = "2026-09";  // one invoice
    auto r = run_cli(args, w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
    EXPECT_NE(r.out.find("invoice EUINGB26-0901 stored, its documents not all archived: document "
                         "PAYMENT_RECEIPT/EUINGB26-0901-receipt is not among GetInvoicePDF's "
                         "fresh links"),
              std::string::npos)
        << r.out;
    // None of its documents is recorded, so the next run asks for them all again.
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM invoice_document"), "0");
}

TEST(FetchRefusals, ADocumentTheServerFailsIsNotAskedForAgain) {
    World w;
    // Not the link's refusal: a fresh link would meet the same failure.
    w.aws.fail_documents(503);
    // The test server answers every service at one endpoint, and a breaker is an endpoint's:
    // the first document's five 503s would otherwise stop the second invoice's GetInvoicePDF.
    auto r = run_cli(w.args({"--breaker-threshold", "20"}), w.env());
    EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
    EXPECT_NE(r.out.find("invoice EUINGB26-0901 stored, its documents not all archived: "
                         "invoice-documents GET INVOICE EUINGB26-0901 failed: HTTP 503 "
                         "SlowDown"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(w.billing.calls("GetInvoicePDF"), 2);  // once for each invoice
    EXPECT_EQ(r.err.find("asking for fresh links"), std::string::npos) << r.err;
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM invoice_document"), "0");
}

TEST(FetchRefusals, AConfiguredRegionSavesTheRedirect) {
    World w;
    w.aws.set_bucket_region("billing-oab", "us-east-2");
    write_file(w.tmp / "fetch.json", kConfigWithRegion);
    auto r = run_cli(w.args(), w.env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(dump_rollups(w.db), dump_rollups(w.disk_db));
    EXPECT_EQ(w.aws.region_refusals(), 0);
    EXPECT_EQ(r.err.find("is in region"), std::string::npos) << r.err;
}

TEST(FetchRefusals, ARegionThatIsNotOneIsAUsageError) {
    World w;
    std::string config = kConfigWithRegion;
    config.replace(config.find("us-east-2"), 9, "us east 2");
    write_file(w.tmp / "fetch.json", config);
    auto r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("fetch.json: profiles.oab.cur[0].region: expected a region's name, such "
                         "as eu-west-1"),
              std::string::npos)
        << r.err;
    // One bucket given two regions.
    config = kConfigWithRegion;
    const std::string internal = R"("prefix": "billing/internal-cur"})";
    config.replace(config.find(internal), internal.size(),
                   internal + R"(, {"bucket": "billing-oab", "prefix": "other",
                                     "region": "eu-west-3"})");
    write_file(w.tmp / "fetch.json", config);
    r = run_cli(w.args(), w.env());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bucket billing-oab is given region us-east-2 elsewhere in this file"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(w.aws.raw().seen().size(), 0u);
}

}  // namespace CURCRUNCH_UNITY_ID
