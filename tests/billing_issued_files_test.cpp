// What a re-run does to the files and header of an invoice (audit of issue 14, gaps 2 and 3):
// a final invoice's files are left as issued (a signed PDF stays signed; a missing file comes
// back byte for byte), the PDF's bytes do not depend on the run or on the other invoices drawn
// with it, and a draft follows the configuration's customer and seller while a final invoice
// only reports that they changed.
#include <gtest/gtest.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kIssuedPayer = "120000000001";

std::string issued_files_config(const std::string& acme_name, const std::string& seller_street) {
    return R"({
  "seller": {"name": "Partner Ltd", "tax_id": "GB1", "address": [")" +
           seller_street + R"(", "London"]},
  "customers": [{"id": "acme", "name": ")" +
           acme_name + R"(", "currency": "USD", "tax_rate": "10", "address": ["2 Road"]},
                {"id": "zeta", "name": "Zeta", "currency": "USD", "tax_rate": "0"}],
  "pricing_rules": [{"id": "m", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "rules": ["m"]}],
  "billing_groups": [{"id": "g", "customer": "acme", "primary_account": "120000000001",
    "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]},
    {"id": "z", "customer": "zeta", "primary_account": "120000000009",
    "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [{"id": "fee", "group": "g", "type": "fee", "amount": "50",
    "description": "Service fee", "from": "2026-01", "to": "2026-12"}]
})";
}

// March of the one payer (acme's account costs `cost`), invoiced when `invoice` is given.
void issued_files_march(World& w, const std::string& invoice, const std::string& cost = "100.00") {
    CurRow acme{
        kIssuedPayer,        kIssuedPayer,   "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud",
        "BoxUsage:m5.large", "RunInstances", "10",    cost,        cost};
    CurRow zeta = acme;
    zeta.account = "120000000009";
    zeta.unblended = zeta.public_od = "7.00";
    acme.invoice = zeta.invoice = invoice;
    w.ingest({acme, zeta});
}

std::string issued_files_of(const World& w, const std::string& id) {
    std::string s;
    for (const char* ext : {".pdf", ".json", ".csv"})
        s += read_file(w.out + "/" + id + ext);
    return s;
}

}  // namespace

TEST(BillingIssuedFiles, AnInvoicePdfIsTheSameBytesWhicheverRunDrawsIt) {
    World w;
    issued_files_march(w, "");
    w.write_config(issued_files_config("Acme Ltd", "1 Street"));
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const std::string draft = read_file(w.out + "/acme-2026-03.pdf");
    auto again = w.run("2026-03");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("acme-2026-03 unchanged (draft)"), std::string::npos) << again.out;
    EXPECT_EQ(read_file(w.out + "/acme-2026-03.pdf"), draft) << "a draft drawn again";
    // Final: its files are written once by the run that makes it final.
    issued_files_march(w, "INV-120-MAR");
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    ASSERT_EQ(w.invoice("acme-2026-03").invoice.status, "final");
    const std::string issued = issued_files_of(w, "acme-2026-03");
    const std::string pdf = read_file(w.out + "/acme-2026-03.pdf");
    // Lost files come back the same, although the PDF is now drawn alone, not beside zeta's.
    for (const char* ext : {".pdf", ".json", ".csv"})
        fs::remove(w.out + "/acme-2026-03" + ext);
    fs::remove(w.out + "/zeta-2026-03.json");
    auto redrawn = w.run("2026-03");
    ASSERT_EQ(redrawn.exit_code, 0) << redrawn.err;
    EXPECT_NE(redrawn.out.find("acme-2026-03 unchanged (final)"), std::string::npos) << redrawn.out;
    EXPECT_EQ(read_file(w.out + "/acme-2026-03.pdf").size(), pdf.size());
    EXPECT_TRUE(read_file(w.out + "/acme-2026-03.pdf") == pdf) << "the PDF drawn again differs";
    EXPECT_TRUE(issued_files_of(w, "acme-2026-03") == issued);
    EXPECT_TRUE(fs::exists(w.out + "/zeta-2026-03.json"));
    EXPECT_EQ(shell("qpdf --check '" + w.out + "/acme-2026-03.pdf'").code, 0);
}

// A customer whose name is in Greek (outside the glyphs every batch embeds) does not change the
// fonts of the invoices drawn beside it: zeta's lost PDF, drawn again alone, is the issued file.
TEST(BillingIssuedFiles, AnInvoiceOutsideTheGlyphRepertoireLeavesTheOthersFontsAlone) {
    World w;
    issued_files_march(w, "INV-120-MAR");
    w.write_config(issued_files_config("Ακμή Α.Ε.", "1 Street"));
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    ASSERT_EQ(w.invoice("zeta-2026-03").invoice.status, "final");
    const std::string zeta = read_file(w.out + "/zeta-2026-03.pdf");
    const std::string acme = read_file(w.out + "/acme-2026-03.pdf");
    fs::remove(w.out + "/zeta-2026-03.pdf");
    auto redrawn = w.run("2026-03");
    ASSERT_EQ(redrawn.exit_code, 0) << redrawn.err;
    EXPECT_TRUE(read_file(w.out + "/zeta-2026-03.pdf") == zeta) << "zeta's fonts followed acme's";
    EXPECT_EQ(redrawn.err.find("warning"), std::string::npos) << redrawn.err;
    fs::remove(w.out + "/acme-2026-03.pdf");
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    EXPECT_TRUE(read_file(w.out + "/acme-2026-03.pdf") == acme);
    const auto text = shell("pdftotext '" + w.out + "/acme-2026-03.pdf' -");
    EXPECT_NE(text.out.find("Ακμή Α.Ε. (acme)"), std::string::npos) << text.out;
    // Two Greek names of other letters share a batch, and each is still its own file's alone.
    World both;
    issued_files_march(both, "INV-120-MAR");
    std::string config = issued_files_config("Ακμή Α.Ε.", "1 Street");
    const std::string zeta_name = R"("name": "Zeta")";
    config.replace(config.find(zeta_name), zeta_name.size(), R"("name": "Ζήτα Ξ")");
    both.write_config(config);
    ASSERT_EQ(both.run("2026-03").exit_code, 0);
    const std::string beside = read_file(both.out + "/acme-2026-03.pdf");
    fs::remove(both.out + "/acme-2026-03.pdf");
    ASSERT_EQ(both.run("2026-03").exit_code, 0);
    EXPECT_TRUE(read_file(both.out + "/acme-2026-03.pdf") == beside);
}

TEST(BillingIssuedFiles, ARunWithoutTheKeyLeavesASignedFinalInvoiceAsIssued) {
    World w;
    issued_files_march(w, "INV-120-MAR");
    w.write_config(issued_files_config("Acme Ltd", "1 Street"));
    const std::string pki = w.tmp / "pki";
    fs::create_directories(pki);
    const auto gen = shell("cd '" + pki +
                           "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                           "-nodes -keyout k.pem -out c.pem -days 30 -subj '/CN=Partner Billing' "
                           "-addext keyUsage=digitalSignature,nonRepudiation");
    ASSERT_EQ(gen.code, 0) << gen.out;
    auto r = w.run("2026-03", {"--sign-cert", pki + "/c.pem", "--sign-key", pki + "/k.pem"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(w.invoice("acme-2026-03").invoice.status, "final");
    const std::string issued = issued_files_of(w, "acme-2026-03");
    auto unsigned_run = w.run("2026-03");
    ASSERT_EQ(unsigned_run.exit_code, 0) << unsigned_run.err;
    EXPECT_NE(unsigned_run.out.find("acme-2026-03 unchanged (final)"), std::string::npos)
        << unsigned_run.out;
    EXPECT_TRUE(issued_files_of(w, "acme-2026-03") == issued) << "the issued files were rewritten";
    const auto sig = shell("pdfsig '" + w.out + "/acme-2026-03.pdf'");
    EXPECT_NE(sig.out.find("Signature Validation: Signature is Valid."), std::string::npos)
        << sig.out;
}

// The review's case: a folder still holds the draft of an invoice made final by a run into
// another folder. Running into the first folder again must not leave the draft there under the
// final invoice's name: each file that is not the issued document is written again, and said.
TEST(BillingIssuedFiles, AStaleDraftUnderAFinalInvoicesNameIsWrittenAgain) {
    World w;
    issued_files_march(w, "", "80.00");
    w.write_config(issued_files_config("Acme Ltd", "1 Street"));
    const std::string first = w.out;
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    ASSERT_EQ(w.invoice("acme-2026-03").invoice.status, "draft");
    issued_files_march(w, "INV-120-MAR");
    w.out = w.tmp / "second";
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    ASSERT_EQ(w.invoice("acme-2026-03").invoice.status, "final");
    const std::string issued = issued_files_of(w, "acme-2026-03");
    w.out = first;
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("acme-2026-03 unchanged (final)"), std::string::npos) << r.out;
    EXPECT_EQ(w.invoice("acme-2026-03").invoice.status, "final");
    EXPECT_TRUE(issued_files_of(w, "acme-2026-03") == issued) << "the draft files stayed";
    for (const char* ext : {".pdf", ".json", ".csv"})
        EXPECT_NE(r.err.find("warning: " + first + "/acme-2026-03" + ext +
                             " is not the issued final invoice acme-2026-03"),
                  std::string::npos)
            << ext << "\n"
            << r.err;
    EXPECT_NE(r.err.find("(it is draft acme-2026-03 of total 151.80 USD, not the issued "
                         "document): written again from the stored invoice"),
              std::string::npos)
        << r.err;
    // Now they are the issued files: a further run keeps them and says nothing about them.
    auto again = w.run("2026-03");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.err.find("is not the issued"), std::string::npos) << again.err;
    EXPECT_TRUE(issued_files_of(w, "acme-2026-03") == issued);
}

TEST(BillingIssuedFiles, ADraftFollowsTheConfigurationAndAFinalInvoiceSaysItDiffers) {
    World w;
    issued_files_march(w, "");
    w.write_config(issued_files_config("Acme Ltd", "1 Street"));
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    w.write_config(issued_files_config("Acme Holdings Ltd", "9 Avenue"));
    auto renamed = w.run("2026-03");
    ASSERT_EQ(renamed.exit_code, 0) << renamed.err;
    EXPECT_NE(renamed.out.find("acme 2026-03: draft acme-2026-03 updated from the configuration, "
                               "total 176.00 USD"),
              std::string::npos)
        << renamed.out;
    EXPECT_NE(renamed.out.find("    ~ customer name: \"Acme Ltd\" -> \"Acme Holdings Ltd\""),
              std::string::npos)
        << renamed.out;
    EXPECT_NE(renamed.out.find("    ~ seller address: \"1 Street / London\" -> \"9 Avenue / "
                               "London\""),
              std::string::npos)
        << renamed.out;
    const auto doc = w.invoice("acme-2026-03");
    EXPECT_EQ(doc.invoice.customer_name, "Acme Holdings Ltd");
    EXPECT_EQ(doc.seller.address, (std::vector<std::string>{"9 Avenue", "London"}));
    EXPECT_EQ(doc.config_sha256,
              query_one(w.db, "SELECT config_sha256 FROM billing_run ORDER BY id DESC LIMIT 1"));
    const auto text = shell("pdftotext -layout '" + w.out + "/acme-2026-03.pdf' -");
    EXPECT_NE(text.out.find("Acme Holdings Ltd (acme)"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("9 Avenue"), std::string::npos) << text.out;
    // Final, then renamed again: the issued invoice stays, and the run says how it differs.
    issued_files_march(w, "INV-120-MAR");
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const std::string issued = issued_files_of(w, "acme-2026-03");
    w.write_config(issued_files_config("Acme Group plc", "9 Avenue"));
    auto later = w.run("2026-03");
    ASSERT_EQ(later.exit_code, 0) << later.err;
    EXPECT_NE(later.out.find("acme-2026-03 unchanged (final)"), std::string::npos) << later.out;
    EXPECT_NE(later.err.find("warning: acme-2026-03 is final and kept as issued, but the "
                             "configuration now differs from it:\n    customer name: \"Acme "
                             "Holdings Ltd\" -> \"Acme Group plc\""),
              std::string::npos)
        << later.err;
    EXPECT_TRUE(issued_files_of(w, "acme-2026-03") == issued);
    EXPECT_EQ(w.invoice("acme-2026-03").invoice.customer_name, "Acme Holdings Ltd");
}

}  // namespace CURCRUNCH_UNITY_ID
