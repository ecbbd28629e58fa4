// The tamper-evident archive through the binary: reports the store wrote, PAdES signatures
// (checked by poppler's pdfsig, which verifies with NSS, and by import-pdf), and a corpus of
// forgeries — each refused or flagged with its own message, the genuine record untouched.
// Certificates are made here with the openssl command line: a CA and a leaf it signed, and a
// self-signed one nobody trusts.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include "curcrunch/core/sha256.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

struct World {
    World() {
        write_file(tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
        write_file(tmp / "oct.csv", known_month_csv("2026-10", "12.00"));
        for (const auto& db : {writer, auditor}) {
            auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv", tmp / "oct.csv"});
            EXPECT_EQ(r.exit_code, 0) << r.err;
        }
    }
    // A report from the writer's store.
    RunResult report(const std::string& out, std::vector<std::string> extra = {},
                     const std::string& from = "2026-09-01") {
        std::vector<std::string> a = {"report",     "--db",    writer,       "--from", from, "--to",
                                      "2026-10-31", "--as-of", "2026-10-31", "--out",  out};
        a.insert(a.end(), extra.begin(), extra.end());
        return run_cli(a);
    }
    TempDir tmp;
    std::string writer = tmp / "writer.db";    // the store that writes the reports
    std::string auditor = tmp / "auditor.db";  // an auditor's store with the same data
};

std::string md5(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
    return std::string(reinterpret_cast<const char*>(md), n);
}

std::string attachment_of(const std::string& pdf) {
    return sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out;
}

// How thorough a forger is with the report's JSON.
enum class Forger { stale_checksum, fresh_checksum, fresh_checksum_and_info };

// A copy of `src` whose attachment holds `json`; its /Params (size, MD5) and the Info keys are
// left as they were or brought up to date.
void forge_attachment(const std::string& src, const std::string& dst, const std::string& json,
                      Forger how) {
    QPDF q;
    q.processFile(src.c_str());
    auto spec = QPDFEmbeddedFileDocumentHelper(q).getEmbeddedFile("curcrunch-report.json");
    QPDFObjectHandle stream = spec->getEmbeddedFileStream();
    stream.replaceStreamData(json, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
    if (how != Forger::stale_checksum) {
        QPDFObjectHandle params = stream.getDict().getKey("/Params");
        params.replaceKey("/Size",
                          QPDFObjectHandle::newInteger(static_cast<long long>(json.size())));
        params.replaceKey("/CheckSum", QPDFObjectHandle::newString(md5(json)));
    }
    if (how == Forger::fresh_checksum_and_info) {
        QPDFObjectHandle info = q.getTrailer().getKey("/Info");
        std::string total = json.substr(json.find("\"total\":\"") + 9);
        total = total.substr(0, total.find('"'));
        info.replaceKey("/CurcrunchTotal", QPDFObjectHandle::newUnicodeString(total + " USD"));
        info.replaceKey("/CurcrunchJsonSha256",
                        QPDFObjectHandle::newUnicodeString(Sha256::of(json)));
    }
    QPDFWriter w(q, dst.c_str());
    w.write();
}

void replace_once(std::string& s, const std::string& from, const std::string& to) {
    const size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
}

// The genuine report's rows in the archive tables.
std::string genuine_record(const std::string& db, const std::string& id) {
    std::string out;
    for (const std::string& sql :
         {"SELECT sha256 || path || kind || report_id || signature || note FROM archive_document "
          "WHERE report_id = '" +
              id + "'",
          "SELECT report_id || sha256 || total || fingerprint || metadata FROM report WHERE "
          "report_id = '" +
              id + "'",
          "SELECT group_concat(kind || key || amount, ';') FROM report_total WHERE report_id = '" +
              id + "'",
          "SELECT count(*) FROM report WHERE report_id = '" + id + "'"})
        out += query_one(db, sql) + "\n";
    return out;
}

}  // namespace

TEST(Archive, SignedReportVerifiesInPdfsigAndOnImport) {
    World w;
    Pki pki(w.tmp);
    const std::string pdf = w.tmp / "signed.pdf";
    auto r = w.report(pdf, pki.leaf());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("total $761.60, signed by CN=Finance Reports, O=Example Corp"),
              std::string::npos)
        << r.out;
    auto check = sh("qpdf --check " + pdf);
    EXPECT_EQ(check.code, 0) << check.out;
    EXPECT_NE(check.out.find("No syntax or stream encoding errors"), std::string::npos);

    // poppler, with an NSS database that trusts the CA.
    const std::string sig = pki.pdfsig(pdf);
    for (const char* s :
         {"Signature #1:", "Signer full Distinguished Name: O=Example Corp,CN=Finance Reports",
          "Signing Hash Algorithm: SHA-256", "Signature Type: ETSI.CAdES.detached",
          "Total document signed", "Signature Validation: Signature is Valid.",
          "Certificate Validation: Certificate is Trusted."})
        EXPECT_NE(sig.find(s), std::string::npos) << s << "\n" << sig;
    // The signature's CMS: PAdES B-B signed attributes, and no signing-time.
    sh("cd " + w.tmp.path().string() + " && pdfsig -dump " + pdf);
    const std::string attrs =
        sh("openssl asn1parse -inform DER -in " + (w.tmp / "signed.pdf.sig0")).out;
    for (const char* oid : {":contentType", ":messageDigest", ":id-smime-aa-signingCertificateV2"})
        EXPECT_NE(attrs.find(oid), std::string::npos) << oid << "\n" << attrs;
    EXPECT_EQ(attrs.find(":signingTime"), std::string::npos);
    // Every page still renders without a complaint.
    auto render = sh("pdftoppm -r 30 -png " + pdf + " " + (w.tmp / "page"));
    EXPECT_EQ(render.code, 0);
    EXPECT_EQ(render.out, "");

    // import-pdf: valid against the CA; untrusted without a trust file.
    auto imp = run_cli({"import-pdf", "--db", w.auditor, "--trust-file", pki.ca(), pdf});
    EXPECT_EQ(imp.exit_code, 0) << imp.err;
    EXPECT_NE(imp.out.find("signature valid (CN=Finance Reports, O=Example Corp)"),
              std::string::npos)
        << imp.out;
    EXPECT_EQ(query_one(w.auditor, "SELECT signature || ' ' || signer FROM archive_document"),
              "valid CN=Finance Reports, O=Example Corp");
    const std::string other = w.tmp / "other.db";
    auto untrusted = run_cli({"import-pdf", "--db", other, pdf});
    EXPECT_EQ(untrusted.exit_code, 0) << untrusted.err;
    EXPECT_NE(untrusted.out.find("signature untrusted (CN=Finance Reports, O=Example Corp: no "
                                 "--trust-file was given to check the certificate against)"),
              std::string::npos)
        << untrusted.out;

    // An encrypted and signed report: both readers open it with the password and verify it.
    write_file(w.tmp / "pw", "open sesame\n");
    const std::string enc = w.tmp / "encrypted-signed.pdf";
    auto e = w.report(
        enc, {"--password-file", w.tmp / "pw", "--sign-cert", pki.dir + "/leaf.pem", "--sign-key",
              pki.dir + "/leaf-enc.key", "--sign-key-pass-file", pki.dir + "/pass.txt"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    EXPECT_NE(pki.pdfsig(enc, "-upw 'open sesame'").find("Signature is Valid."), std::string::npos);
    auto ei = run_cli({"import-pdf", "--db", w.auditor, "--password-file", w.tmp / "pw",
                       "--trust-file", pki.ca(), enc});
    EXPECT_EQ(ei.exit_code, 0) << ei.err;
    EXPECT_NE(ei.out.find("signature valid"), std::string::npos) << ei.out;
}

TEST(Archive, SigningOptionsAreCheckedBeforeAnythingIsWritten) {
    World w;
    Pki pki(w.tmp);
    const std::string pdf = w.tmp / "x.pdf";
    auto no_pass = w.report(
        pdf, {"--sign-cert", pki.dir + "/leaf.pem", "--sign-key", pki.dir + "/leaf-enc.key"});
    EXPECT_EQ(no_pass.exit_code, 2);
    EXPECT_NE(no_pass.err.find("leaf-enc.key is encrypted: give its passphrase with "
                               "--sign-key-pass-file"),
              std::string::npos)
        << no_pass.err;
    write_file(w.tmp / "wrong", "guess\n");
    auto wrong =
        w.report(pdf, {"--sign-cert", pki.dir + "/leaf.pem", "--sign-key",
                       pki.dir + "/leaf-enc.key", "--sign-key-pass-file", w.tmp / "wrong"});
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.err.find("the passphrase does not open it"), std::string::npos) << wrong.err;
    EXPECT_EQ(wrong.err.find("guess"), std::string::npos);  // the secret is never echoed
    auto mismatch = w.report(
        pdf, {"--sign-cert", pki.dir + "/leaf.pem", "--sign-key", pki.dir + "/mallory.key"});
    EXPECT_EQ(mismatch.exit_code, 2);
    EXPECT_NE(mismatch.err.find("is not the key of the certificate"), std::string::npos);
    auto half = w.report(pdf, {"--sign-cert", pki.dir + "/leaf.pem"});
    EXPECT_EQ(half.exit_code, 2);
    EXPECT_NE(half.err.find("--sign-cert and --sign-key go together"), std::string::npos);
    EXPECT_FALSE(fs::exists(pdf));
    EXPECT_EQ(query_one(w.writer, "SELECT count(*) FROM report_written"), "0");
}

TEST(Archive, TamperCorpusIsRefusedOrFlaggedAndTheGenuineRecordStays) {
    World w;
    Pki pki(w.tmp);
    const std::string genuine = w.tmp / "genuine.pdf", signed_pdf = w.tmp / "signed.pdf",
                      other = w.tmp / "other.pdf";
    ASSERT_EQ(w.report(genuine).exit_code, 0);
    ASSERT_EQ(w.report(signed_pdf, pki.leaf()).exit_code, 0);
    ASSERT_EQ(w.report(other, {}, "2026-10-01").exit_code, 0);
    // The store recorded every report it wrote: id, file sha256, fingerprint, figures.
    EXPECT_EQ(query_one(w.writer, "SELECT count(*) FROM report_written"), "3");
    EXPECT_EQ(
        query_one(w.writer, "SELECT sha256 FROM report_written WHERE path = '" + genuine + "'"),
        Sha256::of_file(genuine));
    EXPECT_EQ(
        query_one(w.writer, "SELECT metadata FROM report_written WHERE path = '" + genuine + "'"),
        attachment_of(genuine));
    const std::string json = attachment_of(genuine);
    const std::string id = json.substr(json.find("\"report_id\":\"") + 13, 36);

    // The auditor imports the genuine report first.
    auto first = run_cli({"import-pdf", "--db", w.auditor, "--trust-file", pki.ca(), genuine});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string before = genuine_record(w.auditor, id);

    fs::create_directories(w.tmp / "in");
    auto in = [&](const std::string& n) { return w.tmp / ("in/" + n); };
    {  // Page text edited: the total on page 1 goes from $761.60 to $861.60.
        sh("qpdf --qdf --object-streams=disable " + genuine + " " + (w.tmp / "qdf.pdf"));
        std::string q = read_file(w.tmp / "qdf.pdf");
        replace_once(q, "0024003700360031002e00360030", "0024003800360031002e00360030");
        write_file(w.tmp / "qdf-edited.pdf", q);
        ASSERT_EQ(sh("qpdf " + (w.tmp / "qdf-edited.pdf") + " " + in("01-page-text.pdf")).code, 0);
    }
    // The JSON edited consistently: +$100 on the total, October, EC2 and its account.
    std::string forged = json;
    replace_once(forged, "\"total\":\"761.6\"", "\"total\":\"861.6\"");
    replace_once(forged, "\"2026-10\":\"408.8\"", "\"2026-10\":\"508.8\"");
    replace_once(forged, "\"AmazonEC2\":\"616\"", "\"AmazonEC2\":\"716\"");
    replace_once(forged, "\"111111111111\":\"616\"", "\"111111111111\":\"716\"");
    forge_attachment(genuine, in("02-json-stale-checksum.pdf"), forged, Forger::stale_checksum);
    forge_attachment(genuine, in("03-json-stale-info.pdf"), forged, Forger::fresh_checksum);
    forge_attachment(genuine, in("04-json-everything-but-tables.pdf"), forged,
                     Forger::fresh_checksum_and_info);
    std::string unbalanced = json;  // EC2 up by $100, nothing else
    replace_once(unbalanced, "\"AmazonEC2\":\"616\"", "\"AmazonEC2\":\"716\"");
    forge_attachment(genuine, in("05-json-does-not-add-up.pdf"), unbalanced,
                     Forger::fresh_checksum_and_info);
    // Another genuine report's JSON, checksum and all.
    forge_attachment(genuine, in("06-attachment-swapped.pdf"), attachment_of(other),
                     Forger::fresh_checksum);
    {  // Attachment stripped.
        QPDF q;
        q.processFile(genuine.c_str());
        QPDFEmbeddedFileDocumentHelper(q).removeEmbeddedFile("curcrunch-report.json");
        q.getRoot().removeKey("/AF");
        const std::string out = in("07-attachment-stripped.pdf");  // QPDFWriter keeps the name
        QPDFWriter wr(q, out.c_str());
        wr.write();
    }
    {  // Signature broken: one signed byte changed (the signing time's last digit).
        std::string s = read_file(signed_pdf);
        const size_t m = s.find("/M (D:");
        ASSERT_NE(m, std::string::npos);
        char& digit = s[m + 6 + 13];
        digit = digit == '1' ? '2' : '1';
        write_file(in("08-signature-broken.pdf"), s);
        // The signed JSON edited (the forgery of 04, on a signed file).
        forge_attachment(signed_pdf, in("09-signed-json-edited.pdf"), forged,
                         Forger::fresh_checksum_and_info);
        write_file(in("10-appended-after-signing.pdf"), read_file(signed_pdf) + "\n% more\n");
    }
    // Signed by a certificate nobody here trusts.
    ASSERT_EQ(w.report(in("11-untrusted-signer.pdf"), pki.mallory()).exit_code, 0);
    // The genuine report's id with other bytes: the same document written out again.
    ASSERT_EQ(
        sh("qpdf --object-streams=disable " + genuine + " " + in("12-same-id-other-bytes.pdf"))
            .code,
        0);
    fs::copy_file(genuine, in("13-genuine-again.pdf"));

    auto r = run_cli({"import-pdf", "--db", w.auditor, "--trust-file", pki.ca(), w.tmp / "in"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.out.find("1 imported, 1 already in the archive, 11 failed"), std::string::npos)
        << r.out << r.err;
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"01-page-text.pdf", "the pages differ from those report " + id + " recorded"},
        {"02-json-stale-checksum.pdf",
         "attachment 'curcrunch-report.json': its MD5 checksum (/Params /CheckSum) does not "
         "match its contents: it was edited"},
        {"03-json-stale-info.pdf",
         "Info CurcrunchTotal says '761.6 USD' but the embedded curcrunch-report.json says "
         "'861.6 USD': the file was edited"},
        {"04-json-everything-but-tables.pdf",
         "embedded curcrunch-report.json: report metadata: table summary_figures states a total "
         "of 761.6, totals.total 861.6"},
        {"05-json-does-not-add-up.pdf",
         "embedded curcrunch-report.json: report metadata: totals.by_service add up to 861.6, not "
         "to totals.total 761.6"},
        {"06-attachment-swapped.pdf",
         "the embedded curcrunch-report.json is report " +
             attachment_of(other).substr(attachment_of(other).find("\"report_id\":\"") + 13, 36) +
             "'s, but this file is report " + id +
             " (Info CurcrunchReportId): the attachment was swapped"},
        {"07-attachment-stripped.pdf",
         "claims to be curcrunch report " + id +
             " (Info dictionary) but has no curcrunch-report.json attachment: it was stripped"},
        {"08-signature-broken.pdf", "signature broken: the signed bytes were changed"},
        {"09-signed-json-edited.pdf",
         "signature broken: its /ByteRange does not describe this file"},
        {"10-appended-after-signing.pdf",
         "signature broken: the file was changed after it was signed"},
        {"12-same-id-other-bytes.pdf", "altered: report " + id + " is already in the archive (" +
                                           genuine + ", sha256 " + Sha256::of_file(genuine) +
                                           "); this file has the same id and other bytes"}};
    for (const auto& [file, msg] : refused)
        EXPECT_NE(r.err.find(in(file) + ": not imported: " + msg), std::string::npos)
            << file << "\n"
            << r.err;
    // Flagged, not refused: intact, but signed by a certificate outside the trust file.
    EXPECT_NE(r.out.find("imported " + in("11-untrusted-signer.pdf") + ": report "),
              std::string::npos);
    EXPECT_NE(r.out.find("signature untrusted (CN=Mallory: the certificate does not chain to the "
                         "trust file (self-signed certificate))"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("warning: " + in("11-untrusted-signer.pdf") +
                         ": imported, but its signature is untrusted"),
              std::string::npos);
    EXPECT_NE(r.out.find("already imported " + in("13-genuine-again.pdf")), std::string::npos);
    // The genuine record is exactly as it was.
    EXPECT_EQ(genuine_record(w.auditor, id), before);

    // Auditors can require a valid signature: unsigned and untrusted reports are refused.
    const std::string strict = w.tmp / "strict.db";
    auto req = run_cli({"import-pdf", "--db", strict, "--trust-file", pki.ca(),
                        "--require-signature", genuine, in("11-untrusted-signer.pdf"), signed_pdf});
    EXPECT_EQ(req.exit_code, 3);
    EXPECT_NE(req.err.find(genuine + ": not imported: unsigned, and --require-signature asks for "
                                     "a valid signature"),
              std::string::npos)
        << req.err;
    EXPECT_NE(req.err.find("11-untrusted-signer.pdf: not imported: signature untrusted (the "
                           "certificate does not chain to the trust file"),
              std::string::npos);
    EXPECT_NE(req.out.find("1 imported, 0 already in the archive, 2 failed"), std::string::npos);
    // pdfsig agrees about the untrusted one: intact, issuer not trusted.
    const std::string mallory = pki.pdfsig(in("11-untrusted-signer.pdf"));
    EXPECT_NE(mallory.find("Signature is Valid."), std::string::npos) << mallory;
    EXPECT_NE(mallory.find("Certificate issuer isn't Trusted."), std::string::npos) << mallory;
    EXPECT_EQ(pki.pdfsig(in("08-signature-broken.pdf")).find("Signature is Valid."),
              std::string::npos);
}

TEST(Archive, TheStoreThatWroteAReportKnowsAnAlteredCopy) {
    World w;
    const std::string genuine = w.tmp / "genuine.pdf";
    ASSERT_EQ(w.report(genuine).exit_code, 0);
    const std::string copy = w.tmp / "copy.pdf";
    ASSERT_EQ(sh("qpdf --object-streams=disable " + genuine + " " + copy).code, 0);
    const std::string id = query_one(w.writer, "SELECT report_id FROM report_written");
    auto r = run_cli({"import-pdf", "--db", w.writer, copy});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find(copy + ": not imported: altered: this store wrote report " + id + " on "),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("with sha256 " + Sha256::of_file(genuine) + "; this file's sha256 is " +
                         Sha256::of_file(copy)),
              std::string::npos);
    EXPECT_EQ(query_one(w.writer, "SELECT count(*) FROM report"), "0");
    auto ok = run_cli({"import-pdf", "--db", w.writer, genuine});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("the report this store wrote on "), std::string::npos) << ok.out;
}

TEST(Archive, ZeroPageAndForeignPdfs) {
    World w;
    const std::string pdf = w.tmp / "r.pdf";
    ASSERT_EQ(w.report(pdf).exit_code, 0);
    const std::string empty = w.tmp / "empty.pdf", foreign = w.tmp / "letter.pdf";
    ASSERT_EQ(sh("qpdf --empty " + empty).code, 0);
    ASSERT_EQ(sh("qpdf --empty --pages " + pdf + " 1 -- " + foreign).code, 0);
    auto r = run_cli({"import-pdf", "--db", w.auditor, empty, foreign});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find(empty + ": not imported: the PDF has no pages (a 0-page file is not a "
                                 "document)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("imported " + foreign +
                         ": pdf, 1 page(s), signature unsigned; not a curcrunch report: stored as "
                         "a document"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(w.auditor, "SELECT kind || ': ' || note FROM archive_document"),
              "pdf: not a curcrunch report: stored as a document");
    auto list = run_cli({"reports", "--db", w.auditor, "--format", "csv"});
    EXPECT_NE(list.out.find(",not a curcrunch report: stored as a document"), std::string::npos)
        << list.out;
}

TEST(Archive, VersionOneReportsStillImportAndAuditTheirTotals) {
    World w;
    const std::string genuine = w.tmp / "genuine.pdf", v1 = w.tmp / "v1.pdf";
    ASSERT_EQ(w.report(genuine).exit_code, 0);
    // What an earlier curcrunch wrote: schema version 1, totals only, no JsonSha256 Info key.
    std::string json = attachment_of(genuine);
    const size_t cut = json.find(",\"data_through\":"), sources = json.find(",\"sources\":");
    ASSERT_LT(cut, sources);
    json.erase(cut, sources - cut);
    replace_once(json, "\"schema_version\":5", "\"schema_version\":1");
    {
        QPDF q;
        q.processFile(genuine.c_str());
        auto spec = QPDFEmbeddedFileDocumentHelper(q).getEmbeddedFile("curcrunch-report.json");
        QPDFObjectHandle stream = spec->getEmbeddedFileStream();
        stream.replaceStreamData(json, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
        QPDFObjectHandle params = stream.getDict().getKey("/Params");
        params.replaceKey("/Size",
                          QPDFObjectHandle::newInteger(static_cast<long long>(json.size())));
        params.replaceKey("/CheckSum", QPDFObjectHandle::newString(md5(json)));
        QPDFObjectHandle info = q.getTrailer().getKey("/Info");
        info.replaceKey("/CurcrunchSchema",
                        QPDFObjectHandle::newUnicodeString("curcrunch-report/1"));
        info.removeKey("/CurcrunchJsonSha256");
        QPDFWriter wr(q, v1.c_str());
        wr.write();
    }
    auto imp = run_cli({"import-pdf", "--db", w.auditor, v1});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    EXPECT_EQ(run_cli({"audit", "--db", w.auditor, "--all"}).exit_code, 0);
    // A restatement shows in its totals.
    write_file(w.tmp / "oct.csv", known_month_csv("2026-10", "12.50"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", w.auditor, w.tmp / "oct.csv"}).exit_code, 0);
    auto a = run_cli({"audit", "--db", w.auditor, "--all", "--format", "csv"});
    EXPECT_EQ(a.exit_code, 7);
    EXPECT_NE(a.out.find(",total,total,,761.6,775.6,14,changed\n"), std::string::npos) << a.out;
}

}  // namespace CURCRUNCH_UNITY_ID
