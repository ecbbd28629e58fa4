// PDF reports end to end through the binary: contents (pdftotext), validity (qpdf --check),
// rendering (pdftoppm), metadata and the embedded JSON, encryption, the round trip through
// import-pdf, audit after a restatement, and a corpus of bad PDFs.
#include <gtest/gtest.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstdio>

#include "curcrunch/core/sha256.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

struct ReportWorld {
    ReportWorld() {
        write_file(tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
        write_file(tmp / "oct.csv", known_month_csv("2026-10", "12.00"));
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv", tmp / "oct.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult report(const std::string& out, std::vector<std::string> extra = {}) {
        std::vector<std::string> a = {"report",     "--db",  db,           "--from",
                                      "2026-09-01", "--to",  "2026-10-31", "--as-of",
                                      "2026-10-31", "--out", out};
        a.insert(a.end(), extra.begin(), extra.end());
        return run_cli(a);
    }
    TempDir tmp;
    std::string db = tmp / "store.db";
};

}  // namespace

TEST(Report, PdfIsValidRendersAndStatesTheTotals) {
    ReportWorld w;
    const std::string pdf = w.tmp / "report.pdf";
    auto r = w.report(pdf);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // 28 days x (10 + 2.5 + 0.1) + 28 x (12 + 2.5 + 0.1) = 352.80 + 408.80
    EXPECT_NE(r.out.find("total $761.60"), std::string::npos) << r.out;

    auto check = sh("qpdf --check " + pdf);
    EXPECT_EQ(check.code, 0) << check.out;
    EXPECT_NE(check.out.find("No syntax or stream encoding errors"), std::string::npos);

    const std::string text = sh("pdftotext -layout " + pdf + " -").out;
    for (const char* s :
         {"Cost summary", "Cost trends", "Cost by service", "Cost comparison with the previous",
          "Per-account breakdown", "Line items", "Recommendations", "Sources", "$761.60", "$408.80",
          "$352.80", "Amazon Elastic Compute Cloud", "111111111111", "page 1 of",
          "Forecast for 2026-10 (estimate)", "Data through"})
        EXPECT_NE(text.find(s), std::string::npos) << s;
    // CJK outside the embedded font degrades to a visible marker, never garbage.
    EXPECT_NE(text.find("AWS Key Management Service \u25a1\u25a1\u25a1"), std::string::npos);

    // Every page renders without a single complaint.
    auto render = sh("pdftoppm -r 40 -png " + pdf + " " + (w.tmp / "page"));
    EXPECT_EQ(render.code, 0);
    EXPECT_EQ(render.out, "");
    int pages = 0;
    for (const auto& e : fs::directory_iterator(w.tmp.path()))
        pages += e.path().filename().string().rfind("page", 0) == 0;
    EXPECT_GE(pages, 8);

    // Metadata: Info dictionary with custom keys, and the JSON attachment as a proper file spec.
    const std::string info = sh("pdfinfo -custom " + pdf).out;
    EXPECT_NE(info.find("Title:           AWS cost report 2026-09-01 to 2026-10-31"),
              std::string::npos)
        << info;
    EXPECT_NE(info.find("CurcrunchReportId:"), std::string::npos) << info;
    EXPECT_NE(info.find("CurcrunchTotal:  761.6 USD"), std::string::npos) << info;
    const std::string json = sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out;
    EXPECT_NE(json.find("\"schema\":\"curcrunch-report\",\"schema_version\":5"), std::string::npos);
    EXPECT_NE(json.find("\"by_month\":{\"2026-09\":\"352.8\",\"2026-10\":\"408.8\"}"),
              std::string::npos)
        << json;
    QPDF q;
    q.processFile(pdf.c_str());
    auto files = QPDFEmbeddedFileDocumentHelper(q).getEmbeddedFiles();
    ASSERT_EQ(files.size(), 1u);
    auto spec = files.begin()->second;
    EXPECT_EQ(spec->getObjectHandle().getKey("/UF").getUTF8Value(), "curcrunch-report.json");
    EXPECT_EQ(spec->getObjectHandle().getKey("/Type").getName(), "/Filespec");
    QPDFEFStreamObjectHelper ef(spec->getEmbeddedFileStream());
    EXPECT_EQ(ef.getSubtype(), "application/json");
    EXPECT_EQ(ef.getSize(), json.size());
    EXPECT_EQ(ef.getChecksum().size(), 16u);  // MD5, as the PDF specification asks
}

TEST(Report, RoundTripThroughImportAndAuditAfterARestatement) {
    ReportWorld w;
    const std::string pdf = w.tmp / "report.pdf";
    ASSERT_EQ(w.report(pdf).exit_code, 0);
    auto imp = run_cli({"import-pdf", "--db", w.db, pdf});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    EXPECT_NE(imp.out.find("imported " + pdf + ": report "), std::string::npos) << imp.out;
    // Identical metadata and totals: what the store holds is the attachment, byte for byte.
    const std::string json = sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out;
    EXPECT_EQ(query_one(w.db, "SELECT metadata FROM report"), json);
    EXPECT_EQ(query_one(w.db, "SELECT total FROM report"), "7616000000000");
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM report_total"), "7");  // 2 months 3 svc 2 acc
    EXPECT_EQ(query_one(w.db, "SELECT sha256 FROM archive_document"), Sha256::of_file(pdf));
    // Idempotent.
    auto again = run_cli({"import-pdf", "--db", w.db, pdf});
    EXPECT_NE(again.out.find("0 imported, 1 already in the archive, 0 failed"), std::string::npos);

    auto clean = run_cli({"audit", "--db", w.db, "--all"});
    EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
    EXPECT_NE(clean.out.find("1 report(s) audited, 0 with differences"), std::string::npos);

    // AWS restates October: EC2 for account 111111111111 goes from 12.00 to 12.50 a day.
    write_file(w.tmp / "oct.csv", known_month_csv("2026-10", "12.50"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.db, w.tmp / "oct.csv"}).exit_code, 0);
    auto moved = run_cli({"audit", "--db", w.db, "--all", "--format", "csv"});
    EXPECT_EQ(moved.exit_code, 7);
    const std::string id = query_one(w.db, "SELECT report_id FROM report");
    EXPECT_EQ(
        moved.out.rfind("report,period,table,row,column,reported,current,difference,status\n", 0),
        0u);
    const std::string p = id + ",2026-09-01..2026-10-31,";
    // The totals, and every printed figure the restatement moved, table by table.
    for (const std::string& line :
         {p + "total,total,,761.6,775.6,14,changed", p + "month,2026-10,,408.8,422.8,14,changed",
          p + "service,AmazonEC2,,616,630,14,changed",
          p + "account,111111111111,,616,630,14,changed",
          p + "summary_figures,total_cost,amount,761.6,775.6,14,changed",
          p + "summary_figures,month_over_month,change,+15.9%,+19.8%,,changed",
          p + "summary_figures,forecast,amount,452.6,468.1,15.5,changed",
          p + "top_services,AmazonEC2,share,80.9%,81.2%,,changed",
          p + "changes,111111111111,current,616,630,14,changed",
          p + "account_breakdown,111111111111,cost,616,630,14,changed",
          p + "line_items,AmazonEC2|Usage:AmazonEC2|Usage of Amazon Elastic Compute Cloud|Hrs,"
              "cost,616,630,14,changed",
          p + "recommendations,growth.AmazonEC2.after,amount,336,350,14,changed"})
        EXPECT_NE(moved.out.find(line + "\n"), std::string::npos) << line << "\n" << moved.out;
    // S3 and KMS did not move.
    EXPECT_EQ(moved.out.find("AmazonS3,cost"), std::string::npos);
    // Above the tolerance only.
    EXPECT_EQ(run_cli({"audit", "--db", w.db, "--report-id", id, "--tolerance", "20"}).exit_code,
              0);
    auto unknown = run_cli({"audit", "--db", w.db, "--report-id", "nope"});
    EXPECT_EQ(unknown.exit_code, 2);
    auto list = run_cli({"reports", "--db", w.db, "--format", "csv"});
    EXPECT_NE(list.out.find(",report," + id + ","), std::string::npos) << list.out;
}

TEST(Report, EncryptedReportOpensOnlyWithItsPassword) {
    ReportWorld w;
    const std::string pdf = w.tmp / "secret.pdf";
    write_file(w.tmp / "pw", "open sesame\nowner-Pa55\n");
    auto r = w.report(pdf, {"--password-file", w.tmp / "pw"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("(encrypted, AES-256)"), std::string::npos);
    EXPECT_NE(sh("qpdf --check " + pdf).code, 0);
    EXPECT_NE(sh("pdftotext " + pdf + " -").code, 0);
    auto ok = sh("qpdf --password='open sesame' --check " + pdf);
    EXPECT_EQ(ok.code, 0) << ok.out;
    const std::string enc = sh("qpdf --password='open sesame' --show-encryption " + pdf).out;
    EXPECT_NE(enc.find("R = 6"), std::string::npos) << enc;
    EXPECT_NE(enc.find("AESv3"), std::string::npos) << enc;
    EXPECT_NE(sh("pdftotext -upw 'open sesame' " + pdf + " -").out.find("$761.60"),
              std::string::npos);

    auto no_pw = run_cli({"import-pdf", "--db", w.db, pdf});
    EXPECT_EQ(no_pw.exit_code, 3);
    EXPECT_NE(no_pw.err.find(pdf + ": not imported: encrypted: give its password with "
                                   "--password-file"),
              std::string::npos)
        << no_pw.err;
    write_file(w.tmp / "wrong", "guess\n");
    auto wrong = run_cli({"import-pdf", "--db", w.db, "--password-file", w.tmp / "wrong", pdf});
    EXPECT_NE(wrong.err.find("the password given does not open it"), std::string::npos);
    auto with_pw = run_cli({"import-pdf", "--db", w.db, "--password-file", w.tmp / "pw", pdf});
    EXPECT_EQ(with_pw.exit_code, 0) << with_pw.err;
    EXPECT_EQ(query_one(w.db, "SELECT encrypted FROM archive_document"), "1");
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM report"), "1");
}

namespace {

// A copy of `src` with its report attachment replaced (name and contents), through qpdf.
void rewrite_attachment(const std::string& src, const std::string& dst, const std::string& name,
                        const std::string& data) {
    QPDF q;
    q.processFile(src.c_str());
    QPDFEmbeddedFileDocumentHelper efdh(q);
    efdh.removeEmbeddedFile("curcrunch-report.json");
    auto ef = QPDFEFStreamObjectHelper::createEFStream(q, data);
    ef.setSubtype("application/json");
    auto fs = QPDFFileSpecObjectHelper::createFileSpec(q, name, ef);
    efdh.replaceEmbeddedFile(name, fs);
    QPDFWriter w(q, dst.c_str());
    w.write();
}

}  // namespace

TEST(Report, EveryBadPdfGetsItsOwnErrorAndTheRestIsImported) {
    ReportWorld w;
    const std::string good = w.tmp / "good.pdf";
    ASSERT_EQ(w.report(good).exit_code, 0);
    const std::string bytes = read_file(good);
    const std::string json = sh("qpdf --show-attachment=curcrunch-report.json " + good).out;
    fs::create_directories(w.tmp / "in");
    auto in = [&](const std::string& n) { return w.tmp / ("in/" + n); };
    fs::copy_file(good, in("01-good.pdf"));
    write_file(in("02-not-a-pdf.pdf"), "Dear customer, this is a letter.\n");
    write_file(in("03-truncated.pdf"), bytes.substr(0, bytes.size() / 2));
    {
        // Damaged xref: every offset in a classic cross-reference table shifted.
        sh("qpdf --object-streams=disable " + good + " " + (w.tmp / "plain.pdf"));
        std::string plain = read_file(w.tmp / "plain.pdf");
        const size_t xref = plain.rfind("\nxref\n");
        ASSERT_NE(xref, std::string::npos);
        for (size_t p = plain.find(" 00000 n", xref); p != std::string::npos;
             p = plain.find(" 00000 n", p + 1))
            plain[p - 1] = plain[p - 1] == '7' ? '3' : '7';
        write_file(in("04-damaged-xref.pdf"), plain);
    }
    write_file(w.tmp / "pw", "pw\n");
    ASSERT_EQ(w.report(in("05-encrypted.pdf"), {"--password-file", w.tmp / "pw"}).exit_code, 0);
    rewrite_attachment(good, in("06-invalid-json.pdf"), "curcrunch-report.json",
                       json.substr(0, json.size() / 2));
    std::string v99 = json;
    v99.replace(v99.find("\"schema_version\":5"), 18, "\"schema_version\":99");
    rewrite_attachment(good, in("07-unknown-version.pdf"), "curcrunch-report.json", v99);
    rewrite_attachment(good, in("08-traversal.pdf"), "../../.bashrc", "echo owned\n");
    rewrite_attachment(good, in("09-huge.pdf"), "curcrunch-report.json",
                       std::string(20u << 20, ' '));
    std::string deep = json;
    deep.insert(1, "\"x\":" + std::string(40, '[') + std::string(40, ']') + ",");
    rewrite_attachment(good, in("10-deep.pdf"), "curcrunch-report.json", deep);
    {
        // A PDF object nested 5000 arrays deep, written by hand after a valid file's objects.
        std::string p = read_file(w.tmp / "plain.pdf");
        const size_t trailer = p.rfind("trailer");
        std::string nested = std::string(5000, '[') + std::string(5000, ']');
        std::string info = p.substr(trailer);
        const size_t dict = info.find("<<");
        info.insert(dict + 2, " /Deep " + nested + " ");
        write_file(in("11-deep-object.pdf"), p.substr(0, trailer) + info);
    }

    auto r = run_cli({"import-pdf", "--db", w.db, w.tmp / "in"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.out.find("1 imported, 0 already in the archive, 10 failed"), std::string::npos)
        << r.out << r.err;
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"02-not-a-pdf.pdf", "not a PDF (no %PDF- header)"},
        {"03-truncated.pdf", "damaged PDF"},
        {"04-damaged-xref.pdf", "damaged PDF"},
        {"05-encrypted.pdf", "encrypted: give its password with --password-file"},
        {"06-invalid-json.pdf", "embedded curcrunch-report.json: report metadata: not valid JSON"},
        {"07-unknown-version.pdf",
         "embedded curcrunch-report.json: report metadata: schema_version 99 is not supported "
         "(this curcrunch reads versions 1 to 5)"},
        {"08-traversal.pdf",
         "attachment name '../../.bashrc' is not a plain file name (path traversal refused)"},
        {"09-huge.pdf", "attachment 'curcrunch-report.json' is larger than 16 MiB"},
        {"10-deep.pdf",
         "embedded curcrunch-report.json: report metadata: nested more than 16 levels deep"},
        {"11-deep-object.pdf", "damaged PDF"}};
    for (const auto& [file, msg] : expected)
        EXPECT_NE(r.err.find(in(file) + ": not imported: " + msg), std::string::npos)
            << file << "\n"
            << r.err;
    // Nothing half-imported: exactly the good file is in the archive.
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM archive_document"), "1");
    EXPECT_EQ(query_one(w.db, "SELECT count(*) FROM report"), "1");
    EXPECT_EQ(query_one(w.db, "SELECT path FROM archive_document"), in("01-good.pdf"));
}

TEST(Report, InvoicePdfsAreLinkedToTheirInvoice) {
    ReportWorld w;
    // An invoice the store knows (as fetch records it), and its PDF in fetch's archive layout.
    {
        store::Database db(w.db, store::Database::Mode::read_write_create);
        db.exec(
            "INSERT INTO invoice VALUES ('EUINGB26-0901','oab','111111111111',202609,'INVOICE',"
            "'ANNIVERSARY','RECURRING','AWS','AWS EMEA','','','','2026-10-02T00:00:00Z','',"
            "'USD',7616000000000,0,0,0,0,0,'USD',0,0,'','EUR',0,0,0,'','CARD','now')");
    }
    ASSERT_EQ(w.report(w.tmp / "x.pdf").exit_code, 0);
    fs::create_directories(w.tmp / "invoices/EUINGB26-0901");
    ASSERT_EQ(sh("qpdf --empty --pages " + (w.tmp / "x.pdf") + " 1 -- " +
                 (w.tmp / "invoices/EUINGB26-0901/EUINGB26-0901.pdf"))
                  .code,
              0);
    auto r = run_cli({"import-pdf", "--db", w.db, w.tmp / "invoices"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("invoice of invoice EUINGB26-0901, 1 page(s)"), std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.db, "SELECT kind || ':' || invoice_id FROM archive_document"),
              "invoice:EUINGB26-0901");
}

TEST(Report, InvoicesAreReconciledAgainstTheCurAndDifferencesFlagged) {
    ReportWorld w;
    {
        store::Database db(w.db, store::Database::Mode::read_write_create);
        // September invoiced exactly as the CUR says; October 8.80 short of it.
        db.exec(
            "INSERT INTO invoice VALUES ('INV-09','oab','111111111111',202609,'INVOICE',"
            "'ANNIVERSARY','RECURRING','AWS','AWS EMEA','','','','2026-10-02T00:00:00Z','',"
            "'USD',3528000000000,0,0,0,0,0,'USD',0,0,'','EUR',3200000000000,0,0,'0.91','CARD',"
            "'now'),"
            "('INV-10','oab','111111111111',202610,'INVOICE','ANNIVERSARY','RECURRING','AWS',"
            "'AWS EMEA','','','','2026-11-02T00:00:00Z','','USD',4000000000000,0,0,0,0,0,'USD',"
            "0,0,'','EUR',3640000000000,0,0,'0.91','CARD','now')");
    }
    const std::string pdf = w.tmp / "r.pdf";
    ASSERT_EQ(w.report(pdf).exit_code, 0);
    const std::string text = sh("pdftotext -layout " + pdf + " -").out;
    EXPECT_NE(text.find("Invoices and reconciliation"), std::string::npos);
    EXPECT_NE(text.find("2026-09"), std::string::npos);
    // The flagged row: CUR 408.80 against 400.00 invoiced (364 EUR paid).
    EXPECT_NE(text.find("FLAG -$8.80"), std::string::npos) << text;
    EXPECT_NE(text.find("364.00 EUR"), std::string::npos) << text;
    EXPECT_EQ(text.find("FLAG $0.00"), std::string::npos);
}

}  // namespace CURCRUNCH_UNITY_ID
