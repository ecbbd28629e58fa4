// Forgeries an auditor's store (one that never wrote the report) must see through: incremental
// updates appended to a signed report that change its pages, JSON and Info and add another
// signature (trusted, self-signed, or of a format curcrunch does not verify); signers whose
// certificate was issued for another purpose; re-imports that must re-check what the archive
// holds; and annotations or Info keys added to an unsigned report. The updates are appended
// byte by byte and signed with the openssl command line (revision_support.hpp).
#include <gtest/gtest.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstdio>
#include <map>

#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "revision_support.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

TEST(ArchiveRevisions, ARevisionAppendedAfterTheSignatureThatChangesThePagesIsAltered) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::string genuine = w.tmp / "signed.pdf";
    ASSERT_EQ(w.report(genuine, pki.leaf()).exit_code, 0);
    const std::string bytes = read_file(genuine);
    const std::string signer = "CN=Finance Reports, O=Example Corp";
    const RevisionSigner trusted{pki.dir + "/leaf.pem", pki.dir + "/leaf.key"};
    const RevisionSigner self_signed{pki.dir + "/mallory.pem", pki.dir + "/mallory.key"};
    const RevisionSigner unknown{"", "", "/adbe.x509.rsa_sha1"};
    const std::vector<std::pair<std::string, RevisionSigner>> forgeries = {
        {"trusted-countersignature.pdf", trusted},
        {"self-signed-countersignature.pdf", self_signed},
        {"unknown-format-countersignature.pdf", unknown}};
    for (const auto& [name, who] : forgeries) {
        const std::string forged = w.tmp / name;
        write_file(forged, signed_revision(bytes, forged_total(bytes), who, w.tmp.path()));
        ASSERT_TRUE(revision_has(sh("pdftotext -f 1 -l 1 " + forged + " -").out, "$861.60"))
            << name;
        const std::string db = w.auditor(name + ".db");
        auto r = run_cli(
            {"import-pdf", "--db", db, "--trust-file", pki.ca(), "--require-signature", forged});
        EXPECT_EQ(r.exit_code, 3) << name << "\n" << r.out << r.err;
        const std::string later = who.cert.empty()           ? "an unverified signer"
                                  : who.cert == trusted.cert ? signer
                                                             : "CN=Mallory";
        EXPECT_TRUE(revision_has(
            r.err, forged +
                       ": not imported: altered after signing: the first "
                       "signature (" +
                       signer + ") covers only the first " + std::to_string(bytes.size()) +
                       " of the file's " + std::to_string(read_file(forged).size()) +
                       " bytes, and revisions appended after it (signed by " + later +
                       ") changed page 1's content, the embedded "
                       "curcrunch-report.json, Info /CurcrunchJsonSha256\n"))
            << name << "\n"
            << r.err;
        // Without --require-signature too: the file is refused, not flagged.
        auto plain = run_cli({"import-pdf", "--db", db, "--trust-file", pki.ca(), forged});
        EXPECT_EQ(plain.exit_code, 3) << name;
        EXPECT_EQ(query_one(db, "SELECT count(*) FROM archive_document"), "0");
    }
}

TEST(ArchiveRevisions, ACountersignatureThatChangesNothingKeepsTheReportsSigner) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::string genuine = w.tmp / "signed.pdf";
    ASSERT_EQ(w.report(genuine, pki.leaf()).exit_code, 0);
    const std::string bytes = read_file(genuine);
    const std::string countersigned = w.tmp / "countersigned.pdf", junk = w.tmp / "junk-sig.pdf";
    write_file(
        countersigned,
        signed_revision(bytes, {}, {pki.dir + "/leaf.pem", pki.dir + "/leaf.key"}, w.tmp.path()));
    write_file(junk, signed_revision(bytes, {}, {"", "", "/adbe.x509.rsa_sha1"}, w.tmp.path()));
    auto r =
        run_cli({"import-pdf", "--db", w.auditor("a.db"), "--trust-file", pki.ca(), countersigned});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string line = r.out.substr(r.out.find("imported " + countersigned + ": report "));
    EXPECT_TRUE(revision_has(line.substr(0, line.find('\n')),
                             "signature valid (CN=Finance Reports, O=Example Corp)"))
        << r.out;
    // A signature curcrunch cannot verify never makes a file valid, even when it changed nothing.
    auto j = run_cli({"import-pdf", "--db", w.auditor("b.db"), "--trust-file", pki.ca(), junk});
    EXPECT_EQ(j.exit_code, 0) << j.err;
    EXPECT_TRUE(revision_has(
        j.err, "warning: " + junk +
                   ": imported, but its signature is untrusted: a later signature: "
                   "signature format /adbe.x509.rsa_sha1 is not verified by curcrunch"))
        << j.err;
}

TEST(ArchiveRevisions, CertificatesIssuedForOtherUsesSignNothing) {
    RevisionWorld w;
    Pki pki(w.tmp);
    // From the trusted CA: a TLS server certificate (key encipherment, serverAuth), and one
    // whose key usage allows signatures but whose extended key usage is serverAuth only.
    write_file(pki.dir + "/tls.ext",
               "basicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\n"
               "extendedKeyUsage=serverAuth\n");
    write_file(pki.dir + "/web.ext",
               "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
               "extendedKeyUsage=serverAuth\n");
    write_file(pki.dir + "/docs.ext",
               "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
               "extendedKeyUsage=1.3.6.1.5.5.7.3.36\n");
    const std::string d = "cd " + pki.dir + " && ";
    for (const char* which : {"tls", "web", "docs"}) {
        const std::string name = which;
        for (const std::string& cmd :
             {d + "openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
                  ".csr -subj '/CN=" + name + ".example.com'",
              d + "openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key " +
                  "-CAcreateserial -out " + name + ".pem -days 30 -extfile " + name + ".ext"})
            ASSERT_EQ(sh(cmd).code, 0) << cmd;
    }
    // report --sign-cert refuses them, with the rule import applies.
    auto tls = w.report(w.tmp / "x.pdf",
                        {"--sign-cert", pki.dir + "/tls.pem", "--sign-key", pki.dir + "/tls.key"});
    EXPECT_EQ(tls.exit_code, 2);
    EXPECT_TRUE(
        revision_has(tls.err, "--sign-cert " + pki.dir +
                                  "/tls.pem: the certificate's key usage does not allow digital "
                                  "signatures"))
        << tls.err;
    auto web = w.report(w.tmp / "x.pdf",
                        {"--sign-cert", pki.dir + "/web.pem", "--sign-key", pki.dir + "/web.key"});
    EXPECT_EQ(web.exit_code, 2);
    EXPECT_TRUE(revision_has(web.err,
                             "/web.pem: the certificate's extended key usage (TLS Web Server "
                             "Authentication) does not allow signing documents"))
        << web.err;
    // A documentSigning certificate signs.
    const std::string docs = w.tmp / "docs.pdf";
    auto ok =
        w.report(docs, {"--sign-cert", pki.dir + "/docs.pem", "--sign-key", pki.dir + "/docs.key"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;

    // The forger signs an unsigned report with those keys instead.
    const std::string unsigned_pdf = w.tmp / "unsigned.pdf";
    ASSERT_EQ(w.report(unsigned_pdf).exit_code, 0);
    const std::string bytes = read_file(unsigned_pdf);
    const std::string by_tls = w.tmp / "by-tls.pdf", by_web = w.tmp / "by-web.pdf";
    write_file(by_tls, signed_revision(bytes, {}, {pki.dir + "/tls.pem", pki.dir + "/tls.key"},
                                       w.tmp.path()));
    write_file(by_web, signed_revision(bytes, {}, {pki.dir + "/web.pem", pki.dir + "/web.key"},
                                       w.tmp.path()));
    const std::string db = w.auditor("a.db");
    auto strict = run_cli({"import-pdf", "--db", db, "--trust-file", pki.ca(),
                           "--require-signature", by_tls, by_web, docs});
    EXPECT_EQ(strict.exit_code, 3);
    EXPECT_TRUE(
        revision_has(strict.err, by_tls + ": not imported: signature untrusted (the certificate's "
                                          "key usage does not allow digital signatures), and "
                                          "--require-signature asks for a valid one"))
        << strict.err;
    EXPECT_TRUE(
        revision_has(strict.err, by_web + ": not imported: signature untrusted (the certificate's "
                                          "extended key usage (TLS Web Server Authentication) "
                                          "does not allow signing documents)"))
        << strict.err;
    EXPECT_TRUE(revision_has(strict.out, "imported " + docs)) << strict.out;
    auto flagged = run_cli({"import-pdf", "--db", db, "--trust-file", pki.ca(), by_tls});
    EXPECT_EQ(flagged.exit_code, 0);
    EXPECT_TRUE(revision_has(flagged.out,
                             "signature untrusted (CN=tls.example.com: the certificate's key "
                             "usage does not allow digital signatures)"))
        << flagged.out;
}

TEST(ArchiveRevisions, AReimportWithATrustFileChecksWhatTheArchiveHolds) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::string signed_pdf = w.tmp / "signed.pdf", unsigned_pdf = w.tmp / "unsigned.pdf";
    ASSERT_EQ(w.report(signed_pdf, pki.leaf()).exit_code, 0);
    ASSERT_EQ(w.report(unsigned_pdf).exit_code, 0);
    const std::string db = w.auditor("a.db");
    // First imported without the CA: untrusted.
    auto first = run_cli({"import-pdf", "--db", db, signed_pdf, unsigned_pdf});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string sql = "SELECT signature FROM archive_document WHERE path = '";
    EXPECT_EQ(query_one(db, sql + signed_pdf + "'"), "untrusted");
    // Again with it: verified again, the stored status updated; the unsigned one does not meet
    // --require-signature although it is archived.
    auto again = run_cli({"import-pdf", "--db", db, "--trust-file", pki.ca(), "--require-signature",
                          signed_pdf, unsigned_pdf});
    EXPECT_EQ(again.exit_code, 3) << again.out << again.err;
    EXPECT_TRUE(revision_has(again.out, "already imported " + signed_pdf) &&
                revision_has(again.out,
                             "signature valid (CN=Finance Reports, O=Example Corp); stored "
                             "signature status updated (was untrusted)"))
        << again.out;
    EXPECT_EQ(query_one(db, sql + signed_pdf + "'"), "valid");
    EXPECT_EQ(query_one(db, "SELECT note FROM archive_document WHERE path = '" + signed_pdf + "'"),
              "");
    EXPECT_TRUE(revision_has(again.err, unsigned_pdf + ": not imported: already in the archive (" +
                                            unsigned_pdf + ", imported "))
        << again.err;
    EXPECT_TRUE(revision_has(again.err,
                             "), but unsigned, and --require-signature asks for a valid "
                             "signature\n"))
        << again.err;
    EXPECT_TRUE(revision_has(again.out, "0 imported, 1 already in the archive, 1 failed"))
        << again.out;
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM archive_document"), "2");
}

TEST(ArchiveRevisions, AValidCopyContestsAnArchivedCopyWithoutAValidSignature) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::string genuine = w.tmp / "signed.pdf";
    ASSERT_EQ(w.report(genuine, pki.leaf()).exit_code, 0);
    // A copy with a junk signature appended: it changes nothing, so it imports — untrusted.
    const std::string copy = w.tmp / "copy.pdf";
    write_file(copy, signed_revision(read_file(genuine), {}, {"", "", "/adbe.x509.rsa_sha1"},
                                     w.tmp.path()));
    const std::string db = w.auditor("a.db");
    ASSERT_EQ(run_cli({"import-pdf", "--db", db, "--trust-file", pki.ca(), copy}).exit_code, 0);
    auto r = run_cli({"import-pdf", "--db", db, "--trust-file", pki.ca(), genuine});
    EXPECT_EQ(r.exit_code, 3);
    const std::string id = query_one(w.writer, "SELECT report_id FROM report_written");
    EXPECT_TRUE(
        revision_has(r.err, genuine + ": not imported: conflict: this file is report " + id +
                                ", validly signed by CN=Finance Reports, O=Example Corp, but the "
                                "archive already holds report " +
                                id + " from " + copy + " (imported "))
        << r.err;
    EXPECT_TRUE(
        revision_has(r.err, ", sha256 " + Sha256::of_file(copy) +
                                ", signature untrusted) and the two differ: the archive keeps that "
                                "first record; find out which copy is genuine (this file's sha256 "
                                "is " +
                                Sha256::of_file(genuine) + ")"))
        << r.err;
    EXPECT_EQ(query_one(db, "SELECT path FROM archive_document"), copy);
}

TEST(ArchiveRevisions, AnUnsignedReportCarriesNoOverlayAndItsOwnTitle) {
    RevisionWorld w;
    const std::string genuine = w.tmp / "unsigned.pdf";
    ASSERT_EQ(w.report(genuine).exit_code, 0);
    const std::string bytes = read_file(genuine);
    // A text box drawn over page 1's total, as any editor's "add text" appends it.
    const std::string overlay = w.tmp / "overlay.pdf";
    {
        QPDF q;
        q.processMemoryFile("genuine", bytes.data(), bytes.size());
        QPDFObjectHandle page = QPDFPageDocumentHelper(q).getAllPages().front().getObjectHandle();
        const int annot = static_cast<int>(q.getTrailer().getKey("/Size").getIntValue());
        RevisionObjects objs;
        objs[annot] =
            "<< /Type /Annot /Subtype /FreeText /Rect [40 600 200 620] /Contents ($861.60) "
            "/DA (/Helv 12 Tf 0 g) /F 4 >>";
        objs[page.getObjectID()] =
            revision_dict(page, {{"/Annots", "[ " + std::to_string(annot) + " 0 R ]"}});
        write_file(overlay, appended_revision(bytes, objs));
    }
    // The Title of another period.
    const std::string retitled = w.tmp / "retitled.pdf";
    {
        QPDF q;
        q.processFile(genuine.c_str());
        q.getTrailer().getKey("/Info").replaceKey(
            "/Title",
            QPDFObjectHandle::newUnicodeString("AWS cost report 2026-04-01 to 2026-04-30"));
        QPDFWriter wr(q, retitled.c_str());
        wr.write();
    }
    const std::string db = w.auditor("a.db");
    auto r = run_cli({"import-pdf", "--db", db, overlay, retitled});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(
        revision_has(r.err, overlay + ": not imported: altered: page 1 carries a /FreeText "
                                      "annotation, which curcrunch never writes (it can draw over "
                                      "the page's figures)\n"))
        << r.err;
    EXPECT_TRUE(
        revision_has(r.err, retitled + ": not imported: altered: Info /Title says 'AWS cost report "
                                       "2026-04-01 to 2026-04-30', but curcrunch writes 'AWS cost "
                                       "report 2026-09-01 to 2026-10-31' for the report its "
                                       "embedded curcrunch-report.json describes: the file's "
                                       "metadata was edited\n"))
        << r.err;
    // The genuine file still imports.
    auto ok = run_cli({"import-pdf", "--db", db, genuine});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace CURCRUNCH_UNITY_ID
