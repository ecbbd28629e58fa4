// Invoice PDFs given back to import-pdf and audited: recognised by their embedded invoice JSON,
// compared with the store's invoice of the same id (a restated draft shows its changes), and
// refused when the JSON and the Info keys disagree.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kPayer = "100000000001";

const char* kConfig = R"({
  "seller": {"name": "Partner Ltd", "tax_id": "GB1", "address": ["1 Street", "London"]},
  "customers": [{"id": "acme", "name": "Acme Ltd", "currency": "USD", "tax_rate": "10",
                 "address": ["2 Road"]}],
  "pricing_rules": [{"id": "m", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "rules": ["m"]}],
  "billing_groups": [{"id": "g", "customer": "acme", "primary_account": "100000000001",
    "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [{"id": "fee", "group": "g", "type": "fee", "amount": "50.00",
    "description": "Service fee", "from": "2026-03"}]
})";

void ingest_march(World& w, const std::string& ec2) {
    w.ingest({{kPayer, kPayer, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud",
               "BoxUsage:m5.large", "RunInstances", "10", ec2, ec2}});
}

RunResult audit(const World& w, std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"audit", "--db", w.db, "--format", "csv"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run_cli(a);
}

}  // namespace

TEST(BillingArchive, AnInvoicePdfIsImportedAndAuditedAgainstTheStore) {
    World w;
    ingest_march(w, "100.00");
    w.write_config(kConfig);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const std::string pdf = w.out + "/acme-2026-03.pdf";
    auto imp = run_cli({"import-pdf", "--db", w.db, pdf});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    EXPECT_NE(imp.out.find("imported " + pdf +
                           ": customer_invoice acme-2026-03, 1 page(s), "
                           "signature unsigned; curcrunch invoice "
                           "acme-2026-03 as this store holds it (draft)"),
              std::string::npos)
        << imp.out;
    EXPECT_EQ(query_one(w.db, "SELECT kind || ' ' || invoice_id FROM archive_document"),
              "customer_invoice acme-2026-03");
    EXPECT_EQ(query_one(w.db, "SELECT document FROM customer_invoice_archive"),
              read_file(w.out + "/acme-2026-03.json"));
    // The same bytes again change nothing.
    auto again = run_cli({"import-pdf", "--db", w.db, pdf});
    EXPECT_NE(again.out.find("0 imported, 1 already in the archive, 0 failed"), std::string::npos)
        << again.out;
    // Nothing changed since: audit is clean, by id too.
    auto clean = run_cli({"audit", "--db", w.db});
    EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
    EXPECT_NE(clean.out.find("1 invoice(s) audited, 0 with differences above 0.01"),
              std::string::npos)
        << clean.out;
    EXPECT_EQ(audit(w, {"--report-id", "acme-2026-03"}).exit_code, 0);
    // A restated CUR (EC2 120.00) and a re-run replace the draft: the archived copy differs
    // line by line and in its totals (110.00 -> 132.00; 176.00 -> 200.20), exit 7; csv gives
    // exact amounts.
    ingest_march(w, "120.00");
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    auto changed = audit(w);
    EXPECT_EQ(changed.exit_code, 7) << changed.err;
    EXPECT_EQ(changed.out,
              "report,period,table,row,column,reported,current,difference,status\n"
              "acme-2026-03,2026-03,invoice_lines,Amazon Elastic Compute Cloud (100000000001),"
              "amount,110,132,22,changed\n"
              "acme-2026-03,2026-03,invoice,acme-2026-03,subtotal,160,182,22,changed\n"
              "acme-2026-03,2026-03,invoice,acme-2026-03,tax,16,18.2,2.2,changed\n"
              "acme-2026-03,2026-03,invoice,acme-2026-03,total,176,200.2,24.2,changed\n");
    // Within a tolerance of 25.00 it is clean again.
    EXPECT_EQ(audit(w, {"--tolerance", "25"}).exit_code, 0);
}

TEST(BillingArchive, AnInvoiceOfAnotherStoreIsArchivedAndAuditedAsNoData) {
    World w;
    ingest_march(w, "100.00");
    w.write_config(kConfig);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    World other;
    auto imp = run_cli({"import-pdf", "--db", other.db, w.out + "/acme-2026-03.pdf"});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    EXPECT_NE(imp.out.find("curcrunch invoice acme-2026-03, unknown to this store"),
              std::string::npos)
        << imp.out;
    auto a = audit(other);
    EXPECT_EQ(a.exit_code, 7);
    EXPECT_NE(a.out.find("acme-2026-03,2026-03,invoice,acme-2026-03,total,176,,,no data\n"),
              std::string::npos)
        << a.out;
}

TEST(BillingArchive, AnInvoicePdfWhoseJsonWasSwappedIsRefused) {
    World w;
    ingest_march(w, "100.00");
    w.write_config(kConfig);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const std::string pdf = w.out + "/acme-2026-03.pdf";
    // The embedded JSON replaced by one that still reads as a valid invoice (a line renamed).
    std::string json = read_file(w.out + "/acme-2026-03.json");
    const size_t at = json.find("Service fee");
    ASSERT_NE(at, std::string::npos);
    json.replace(at, 11, "Waived fee!");
    write_file(w.tmp / "curcrunch-invoice.json", json);
    const std::string edited = w.tmp / "edited.pdf";
    const auto swap = shell("cd '" + w.tmp.path().string() + "' && qpdf '" + pdf +
                            "' --remove-attachment=curcrunch-invoice.json --add-attachment "
                            "curcrunch-invoice.json --mimetype=application/json -- '" +
                            edited + "'");
    ASSERT_EQ(swap.code, 0) << swap.out;
    const std::string before = dump_store(w.db);
    auto imp = run_cli({"import-pdf", "--db", w.db, edited});
    EXPECT_EQ(imp.exit_code, 3);
    EXPECT_NE(imp.err.find(edited + ": not imported: Info CurcrunchInvoiceSha256 says '"),
              std::string::npos)
        << imp.err;
    EXPECT_NE(imp.err.find("the file was edited"), std::string::npos) << imp.err;
    EXPECT_EQ(dump_store(w.db), before);
}

TEST(BillingArchive, AnInvoicePdfWhosePagesWereEditedIsRefused) {
    World w;
    ingest_march(w, "100.00");
    w.write_config(kConfig);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const std::string pdf = w.out + "/acme-2026-03.pdf";
    // The JSON (version 3) records what the pages show; the store holds that same JSON.
    const std::string json = read_file(w.out + "/acme-2026-03.json");
    EXPECT_NE(json.find("\"version\":3,"), std::string::npos) << json;
    const size_t at = json.find("\"pages_sha256\":\"");
    ASSERT_NE(at, std::string::npos) << json;
    const std::string recorded = json.substr(at + 16, 64);
    EXPECT_EQ(recorded.find_first_not_of("0123456789abcdef"), std::string::npos) << recorded;
    EXPECT_EQ(query_one(w.db, "SELECT document FROM customer_invoice"), json);
    // The total drawn on the page goes from 176.00 to 976.00 (UTF-16 hex in the page content);
    // the JSON, its checksum and the Info keys are left as they were.
    const std::string qdf = w.tmp / "qdf.pdf", edited = w.tmp / "edited.pdf";
    ASSERT_EQ(shell("qpdf --qdf --object-streams=disable '" + pdf + "' '" + qdf + "'").code, 0);
    std::string q = read_file(qdf);
    const size_t total = q.find("003100370036002e00300030");
    ASSERT_NE(total, std::string::npos);
    q.replace(total, 4, "0039");
    write_file(qdf, q);
    ASSERT_EQ(shell("qpdf '" + qdf + "' '" + edited + "'").code, 0);
    const std::string before = dump_store(w.db);
    auto imp = run_cli({"import-pdf", "--db", w.db, edited});
    EXPECT_EQ(imp.exit_code, 3);
    EXPECT_NE(imp.err.find(edited + ": not imported: the pages differ from those invoice "
                                    "acme-2026-03 recorded (pages sha256 "),
              std::string::npos)
        << imp.err;
    EXPECT_NE(imp.err.find(", recorded " + recorded.substr(0, 16) + "…): page content was edited"),
              std::string::npos)
        << imp.err;
    EXPECT_EQ(dump_store(w.db), before);
    // The genuine file is imported; a second run that keeps the invoice draws the same pages,
    // so the stored JSON stays as it was.
    EXPECT_EQ(run_cli({"import-pdf", "--db", w.db, pdf}).exit_code, 0);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    EXPECT_EQ(read_file(w.out + "/acme-2026-03.json"), json);
    EXPECT_EQ(query_one(w.db, "SELECT document FROM customer_invoice"), json);
}

}  // namespace CURCRUNCH_UNITY_ID
