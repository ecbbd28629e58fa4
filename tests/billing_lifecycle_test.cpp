// A billing period's life: drafts replaced by re-runs (and idempotent), final once the AWS
// invoice is in the store, protected from silent rewrites, reissued with a credit note; the
// invoice PDF checked with qpdf, rendered with pdftoppm and carrying its JSON.
#include <gtest/gtest.h>

#include <cstdio>

#include <sqlite3.h>

#include "billing_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kPayer = "100000000001";

std::string config(const std::string& fee) {
    return R"({
  "seller": {"name": "Partner Ltd", "tax_id": "GB1", "address": ["1 Street", "London"]},
  "customers": [{"id": "acme", "name": "Acme Ltd", "currency": "USD", "tax_rate": "10",
                 "address": ["2 Road"]}],
  "pricing_rules": [{"id": "m", "scope": "global", "type": "markup", "percent": "10"}],
  "pricing_plans": [{"id": "p", "rules": ["m"]}],
  "billing_groups": [{"id": "g", "customer": "acme", "primary_account": "100000000001",
    "from": "2026-01", "plans": [{"plan": "p", "from": "2026-01"}]}],
  "custom_line_items": [{"id": "fee", "group": "g", "type": "fee", "amount": ")" +
           fee + R"(", "description": "Service fee", "from": "2026-01", "to": "2026-12"}]
})";
}

void ingest_march(World& w, const std::string& ec2 = "100.00") {
    w.ingest({{kPayer, kPayer, "Usage", "AmazonEC2", "Amazon Elastic Compute Cloud",
               "BoxUsage:m5.large", "RunInstances", "10", ec2, ec2}});
}

std::string invoices_table(const World& w) {
    return dump_relation_of(w.db, "customer_invoice_line") +
           query_one(w.db,
                     "SELECT group_concat(invoice_id || ' ' || status || ' ' || total, '; ') FROM "
                     "(SELECT * FROM customer_invoice ORDER BY invoice_id)");
}

}  // namespace

TEST(BillingLifecycle, ReRunsReplaceDraftsAndSayWhatChanged) {
    World w;
    ingest_march(w);
    w.write_config(config("50.00"));
    auto first = w.run("2026-03");
    ASSERT_EQ(first.exit_code, 0) << first.err;
    // EC2 100.00 x 1.1 = 110.00, fee 50.00; subtotal 160.00, tax 10 % 16.00, total 176.00.
    EXPECT_NE(first.out.find("acme 2026-03: new draft acme-2026-03, total 176.00 USD (2 lines)"),
              std::string::npos)
        << first.out;
    const std::string stored = invoices_table(w);
    // The same data again: nothing changes (the run itself is recorded).
    auto again = w.run("2026-03");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("acme 2026-03: acme-2026-03 unchanged (draft), total 176.00 USD"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(invoices_table(w), stored);
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM billing_run"), "2");
    // A restated CUR (EC2 now 120.00): the draft is replaced, and the run says how.
    ingest_march(w, "120.00");
    auto restated = w.run("2026-03");
    ASSERT_EQ(restated.exit_code, 0) << restated.err;
    // 120 x 1.1 = 132.00; subtotal 182.00; tax 18.20; total 200.20.
    EXPECT_NE(restated.out.find("acme 2026-03: draft acme-2026-03 replaced: total 176.00 USD -> "
                                "200.20 USD (+24.20 USD)"),
              std::string::npos)
        << restated.out;
    EXPECT_NE(restated.out.find("    ~ Amazon Elastic Compute Cloud (100000000001): 110.00 -> "
                                "132.00"),
              std::string::npos)
        << restated.out;
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM customer_invoice"), "1");
    EXPECT_EQ(query_one(w.db, "SELECT total FROM customer_invoice"), "2002000000000");
}

TEST(BillingLifecycle, AFinalPeriodIsNotRewrittenWithoutReissue) {
    World w;
    ingest_march(w);
    w.write_config(config("50.00"));
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    aws_invoice_arrives(w.db, kPayer, 202603, "EUINGB26-000123");
    auto fin = w.run("2026-03");
    ASSERT_EQ(fin.exit_code, 0) << fin.err;
    EXPECT_NE(fin.out.find("acme 2026-03: draft acme-2026-03 unchanged, now final (AWS invoice "
                           "EUINGB26-000123)"),
              std::string::npos)
        << fin.out;
    EXPECT_EQ(w.invoice("acme-2026-03").invoice.status, "final");
    EXPECT_EQ(w.invoice("acme-2026-03").invoice.aws_invoices,
              std::vector<std::string>{"EUINGB26-000123"});
    // The fee changes: a run without --reissue is refused and writes nothing.
    w.write_config(config("45.50"));
    const std::string before = dump_store(w.db);
    auto refused = w.run("2026-03");
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("acme 2026-03: acme-2026-03 is final and would change: total "
                               "176.00 USD -> 171.05 USD"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("~ Service fee (100000000001): 50.00 -> 45.50"), std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("--reissue"), std::string::npos);
    EXPECT_EQ(dump_store(w.db), before);
    // --reissue: version 2 replaces it, and a credit note carries the difference.
    auto re = w.run("2026-03", {"--reissue"});
    ASSERT_EQ(re.exit_code, 0) << re.err;
    // New: 110.00 + 45.50 = 155.50, tax 15.55, total 171.05. Credit note: fee -4.50, tax
    // 15.55 - 16.00 = -0.45, total 171.05 - 176.00 = -4.95.
    EXPECT_NE(re.out.find("acme 2026-03: acme-2026-03 reissued as acme-2026-03-v2 (final), total "
                          "171.05 USD, with credit note acme-2026-03-CN2 of -4.95 USD"),
              std::string::npos)
        << re.out;
    const auto cn = w.invoice("acme-2026-03-CN2").invoice;
    EXPECT_EQ(cn.kind, "credit_note");
    EXPECT_EQ(cn.refers_to, "acme-2026-03");
    EXPECT_EQ(summary(cn),
              "adjustment|100000000001|fee|-4.50\nsubtotal -4.50 tax -0.45 total -4.95\n");
    EXPECT_EQ(w.invoice("acme-2026-03-v2").invoice.refers_to, "acme-2026-03");
    EXPECT_EQ(query_one(w.db,
                        "SELECT group_concat(invoice_id || ':' || status, ' ') FROM (SELECT * FROM "
                        "customer_invoice ORDER BY invoice_id)"),
              "acme-2026-03:superseded acme-2026-03-CN2:final acme-2026-03-v2:final");
    // The listing shows all three.
    auto list = run_cli({"billing", "invoices", "--db", w.db, "--format", "csv"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("2026-03,acme-2026-03-CN2,acme,credit_note,2,final,USD,-4.50,-0.45,"
                            "-4.95,acme-2026-03,"),
              std::string::npos)
        << list.out;
    // And running again with the same configuration changes nothing.
    const std::string after = invoices_table(w);
    auto same = w.run("2026-03");
    EXPECT_EQ(same.exit_code, 0) << same.err;
    EXPECT_NE(same.out.find("acme-2026-03-v2 unchanged (final)"), std::string::npos) << same.out;
    EXPECT_EQ(invoices_table(w), after);
}

TEST(BillingLifecycle, TheInvoicePdfIsValidRendersAndCarriesItsJson) {
    World w;
    ingest_march(w);
    w.write_config(config("50.00"));
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const std::string pdf = w.out + "/acme-2026-03.pdf";
    const auto check = shell("qpdf --check '" + pdf + "'");
    EXPECT_EQ(check.code, 0) << check.out;
    EXPECT_NE(check.out.find("No syntax or stream encoding errors found"), std::string::npos);
    const auto fonts = shell("pdffonts '" + pdf + "'");
    EXPECT_NE(fonts.out.find("DejaVuSans"), std::string::npos) << fonts.out;
    EXPECT_EQ(fonts.out.find(" no  "), std::string::npos) << "every font embedded:\n" << fonts.out;
    const auto png = shell("pdftoppm -png -r 50 '" + pdf + "' '" + w.tmp / "page" + "'");
    EXPECT_EQ(png.code, 0) << png.out;
    EXPECT_TRUE(fs::exists(w.tmp / "page-1.png"));
    fs::create_directories(std::string(CURCRUNCH_SOURCE_DIR) + "/build/screenshots");
    fs::copy_file(w.tmp / "page-1.png",
                  std::string(CURCRUNCH_SOURCE_DIR) + "/build/screenshots/invoice-acme-2026-03.png",
                  fs::copy_options::overwrite_existing);
    const auto text = shell("pdftotext -layout '" + pdf + "' -");
    for (const char* s : {"Invoice acme-2026-03 (DRAFT)", "Acme Ltd (acme)", "Partner Ltd",
                          "Service fee", "176.00", "Tax (10 %)"})
        EXPECT_NE(text.out.find(s), std::string::npos) << s << "\n" << text.out;
    // The embedded JSON is the .json file, byte for byte.
    const auto att = shell("qpdf --show-attachment=curcrunch-invoice.json '" + pdf + "'");
    EXPECT_EQ(att.out, read_file(w.out + "/acme-2026-03.json"));
    const auto info = shell("pdfinfo '" + pdf + "'");
    EXPECT_NE(info.out.find("Title:           Invoice acme-2026-03"), std::string::npos)
        << info.out;
}

// A description too long for its column wraps within it, whole: the end of a description
// (a proration's days and dates) is often what explains the amount.
TEST(BillingLifecycle, ALongDescriptionWrapsInItsColumnInsteadOfBeingCut) {
    World w;
    ingest_march(w);
    std::string cfg = config("50.00");
    const std::string long_description =
        "Service fee for the platform team (18 of 31 days, 2026-03-14 to 2026-03-31, "
        "contract 2026-PT-0042)";
    cfg.replace(cfg.find("Service fee"), std::string("Service fee").size(), long_description);
    w.write_config(cfg);
    ASSERT_EQ(w.run("2026-03").exit_code, 0);
    const auto text = shell("pdftotext -layout '" + w.out + "/acme-2026-03.pdf' -");
    EXPECT_EQ(text.out.find("…"), std::string::npos) << text.out;
    for (const char* s : {"Service fee for the platform team", "2026-03-31", "2026-PT-0042)"})
        EXPECT_NE(text.out.find(s), std::string::npos) << s << "\n" << text.out;
}

// A description taller than a page (up to 4096 bytes may be configured) is cut after the
// lines a row may take, with "…", instead of running over the footer and off the page; the
// JSON and CSV keep it whole.
TEST(BillingLifecycle, ADescriptionTallerThanAPageIsCutAboveTheFooter) {
    World w;
    ingest_march(w);
    std::string cfg = config("50.00");
    std::string long_description;
    for (int i = 1; i <= 450; ++i) {
        char word[16];
        std::snprintf(word, sizeof word, "word%04d", i);
        long_description += (i > 1 ? " " : "") + std::string(word);
    }
    cfg.replace(cfg.find("Service fee"), std::string("Service fee").size(), long_description);
    w.write_config(cfg);
    auto r = w.run("2026-03");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string pdf = w.out + "/acme-2026-03.pdf";
    const auto text = shell("pdftotext -layout '" + pdf + "' -");
    EXPECT_NE(text.out.find("word0001"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("…"), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find("word0450"), std::string::npos) << text.out;
    // Every word of the description sits above the footer's band (the page body ends 60
    // points above the bottom of the 842-point page).
    const auto boxes = shell("pdftotext -bbox '" + pdf + "' -");
    size_t words = 0;
    for (size_t at = boxes.out.find("yMax=\""); at != std::string::npos;
         at = boxes.out.find("yMax=\"", at + 1)) {
        const size_t close = boxes.out.find("</word>", at);
        const size_t start = boxes.out.rfind('>', close) + 1;
        if (boxes.out.compare(start, 4, "word") != 0) continue;
        ++words;
        EXPECT_LT(std::stod(boxes.out.substr(at + 6)), 790.0)
            << boxes.out.substr(start, close - start);
    }
    EXPECT_GT(words, 50u);
    const auto doc = w.invoice("acme-2026-03");
    bool whole = false;
    for (const auto& l : doc.invoice.lines)
        whole = whole || l.description == long_description;
    EXPECT_TRUE(whole);
    EXPECT_NE(read_file(w.out + "/acme-2026-03.csv").find("word0450"), std::string::npos);
}

TEST(BillingLifecycle, InvoicePdfsAreSignedLikeReports) {
    World w;
    ingest_march(w);
    w.write_config(config("50.00"));
    // A self-signed signing certificate (P-256).
    const std::string pki = w.tmp / "pki";
    fs::create_directories(pki);
    const auto gen = shell("cd '" + pki +
                           "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                           "-nodes -keyout k.pem -out c.pem -days 30 -subj '/CN=Partner Billing' "
                           "-addext keyUsage=digitalSignature,nonRepudiation");
    ASSERT_EQ(gen.code, 0) << gen.out;
    // Half the options: a usage error before anything is read or written.
    const std::string before = dump_store(w.db);
    auto half = w.run("2026-03", {"--sign-cert", pki + "/c.pem"});
    EXPECT_EQ(half.exit_code, 2);
    EXPECT_NE(half.err.find("--sign-cert and --sign-key go together"), std::string::npos);
    EXPECT_EQ(dump_store(w.db), before);
    EXPECT_FALSE(fs::exists(w.out + "/acme-2026-03.pdf"));
    auto r = w.run("2026-03", {"--sign-cert", pki + "/c.pem", "--sign-key", pki + "/k.pem"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string pdf = w.out + "/acme-2026-03.pdf";
    // poppler checks the signature's bytes (the certificate is nobody's trusted issuer).
    const auto sig = shell("pdfsig '" + pdf + "'");
    EXPECT_NE(sig.out.find("Signer Certificate Common Name: Partner Billing"), std::string::npos)
        << sig.out;
    EXPECT_NE(sig.out.find("Signature Validation: Signature is Valid."), std::string::npos)
        << sig.out;
    EXPECT_EQ(shell("qpdf --check '" + pdf + "'").code, 0);
    // The embedded JSON is still the invoice's.
    EXPECT_EQ(shell("qpdf --show-attachment=curcrunch-invoice.json '" + pdf + "'").out,
              read_file(w.out + "/acme-2026-03.json"));
}

}  // namespace CURCRUNCH_UNITY_ID
