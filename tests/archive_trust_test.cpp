// What an archive's signature records are worth over time: a report is verified at the time its
// signature claims (a certificate that expired since still signed it), a re-check against
// another trust file never lowers a stored "valid", a CA restricted to other uses cannot vouch
// for a document signer, and an auditor's countersigned copy of an archived report is that
// report. The signatures are made with the openssl command line (revision_support.hpp).
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "revision_support.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string trust_test_utc(std::time_t t, const char* format) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

// A certificate issued by the test CA to `cn` with `ext` (an openssl extension file's text),
// valid from `from` to `to` (`openssl ca` sets dates in the past, `openssl x509` cannot);
// `issuer` "self" makes it self-signed.
void trust_test_issue(const Pki& pki, const std::string& name, const std::string& cn,
                      const std::string& ext, std::time_t from, std::time_t to,
                      const std::string& issuer = "ca") {
    write_file(pki.dir + "/" + name + ".ext", ext);
    write_file(pki.dir + "/" + name + ".cnf",
               "[ca]\ndefault_ca = t\n[t]\ndatabase = " + pki.dir + "/" + name +
                   ".idx\nnew_certs_dir = " + pki.dir + "\nserial = " + pki.dir + "/" + name +
                   ".srl\ndefault_md = sha256\npolicy = p\nunique_subject = no\n[p]\n"
                   "commonName = supplied\n");
    write_file(pki.dir + "/" + name + ".idx", "");
    write_file(pki.dir + "/" + name + ".srl", "1000\n");
    const std::string d = "cd " + pki.dir + " && ";
    for (const std::string& cmd :
         {d + "openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
              ".csr -subj '/CN=" + cn + "'",
          d + "openssl ca -batch -notext -config " + name + ".cnf " +
              (issuer == "self" ? "-selfsign -keyfile " + name
                                : "-cert " + issuer + ".pem -keyfile " + issuer) +
              ".key -in " + name + ".csr -out " + name + ".pem -startdate " +
              trust_test_utc(from, "%Y%m%d%H%M%SZ") + " -enddate " +
              trust_test_utc(to, "%Y%m%d%H%M%SZ") + " -extfile " + name + ".ext"}) {
        auto r = sh(cmd);
        ASSERT_EQ(r.code, 0) << cmd << "\n" << r.out;
    }
}

constexpr const char* kTrustTestLeafExt =
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n";

std::string trust_test_import(const std::string& db, const std::string& ca, const std::string& pdf,
                              int want, bool strict = false) {
    std::vector<std::string> a = {"import-pdf", "--db", db, "--trust-file", ca};
    if (strict) a.push_back("--require-signature");
    a.push_back(pdf);
    auto r = run_cli(a);
    EXPECT_EQ(r.exit_code, want) << pdf << "\n" << r.out << r.err;
    return r.out + r.err;
}

}  // namespace

TEST(ArchiveTrust, AReCheckNeverLowersAStoredValidSignature) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::string pdf = w.tmp / "signed.pdf";
    ASSERT_EQ(w.report(pdf, pki.leaf()).exit_code, 0);
    const std::string db = w.auditor("a.db");
    trust_test_import(db, pki.ca(), pdf, 0);
    const std::string sql = "SELECT signature || ' ' || signer FROM archive_document";
    const std::string stored = "valid CN=Finance Reports, O=Example Corp";
    ASSERT_EQ(query_one(db, sql), stored);
    const std::string imported_at = query_one(db, "SELECT imported_at FROM archive_document");
    // Another trust file (a rotated CA, another auditor's bundle): a warning, the record kept.
    const std::string other = pki.dir + "/mallory.pem";
    std::string r = trust_test_import(db, other, pdf, 0);
    EXPECT_TRUE(revision_has(
        r, "warning: " + pdf +
               ": re-checked against this trust file: untrusted (the certificate does not chain "
               "to the trust file (unable to get local issuer certificate)); the archive keeps "
               "'valid' from " +
               imported_at + "\n"))
        << r;
    EXPECT_TRUE(revision_has(r, "already imported " + pdf + ": report ")) << r;
    EXPECT_TRUE(revision_has(r, "signature valid (CN=Finance Reports, O=Example Corp)")) << r;
    EXPECT_EQ(query_one(db, sql), stored);
    // --require-signature asks whether this trust file vouches for it: no (exit 3), record kept.
    r = trust_test_import(db, other, pdf, 3, true);
    EXPECT_TRUE(revision_has(r,
                             "), and --require-signature asks for a valid one; the archive "
                             "keeps 'valid' from " +
                                 imported_at + "\n"))
        << r;
    EXPECT_EQ(query_one(db, sql), stored);
}

TEST(ArchiveTrust, ACertificateIsJudgedAtTheSigningTimeItClaims) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::time_t now = std::time(nullptr), day = 86400;
    // Valid from three days ago to yesterday: expired now, valid when the report was signed;
    // its CA has been valid for ten days.
    trust_test_issue(pki, "oldca", "Old Audit CA",
                     "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n",
                     now - 10 * day, now + 30 * day, "self");
    trust_test_issue(pki, "expired", "Finance Reports 2025", kTrustTestLeafExt, now - 3 * day,
                     now - day, "oldca");
    const std::string ca = pki.dir + "/oldca.pem";
    const std::string unsigned_pdf = w.tmp / "unsigned.pdf";
    ASSERT_EQ(w.report(unsigned_pdf).exit_code, 0);
    const std::string bytes = read_file(unsigned_pdf);
    const std::string claimed = trust_test_utc(now - 2 * day, "D:%Y%m%d%H%M%SZ");
    RevisionSigner then{pki.dir + "/expired.pem", pki.dir + "/expired.key"};
    then.signed_at = claimed;
    then.cms_options = "-noattr";  // no signingTime attribute: /M is the claim, as curcrunch signs
    const std::string by_m = w.tmp / "signed-then.pdf";
    write_file(by_m, signed_revision(bytes, {}, then, w.tmp.path()));
    std::string r = trust_test_import(w.auditor("a.db"), ca, by_m, 0, true);
    EXPECT_TRUE(revision_has(r, "signature valid (CN=Finance Reports 2025)")) << r;
    // openssl cms writes a signingTime of now, which the certificate does not cover.
    then.cms_options.clear();
    const std::string by_attr = w.tmp / "signed-now.pdf";
    write_file(by_attr, signed_revision(bytes, {}, then, w.tmp.path()));
    r = trust_test_import(w.auditor("b.db"), ca, by_attr, 0);
    EXPECT_TRUE(revision_has(r,
                             "signature untrusted (CN=Finance Reports 2025: the certificate "
                             "does not chain to the trust file (certificate has expired at "
                             "the claimed signing time "))
        << r;
    // A claim of a time to come counts as now.
    then.cms_options = "-noattr";
    then.signed_at = trust_test_utc(now + 400 * day, "D:%Y%m%d%H%M%SZ");
    const std::string future = w.tmp / "signed-later.pdf";
    write_file(future, signed_revision(bytes, {}, then, w.tmp.path()));
    r = trust_test_import(w.auditor("c.db"), ca, future, 0);
    EXPECT_TRUE(revision_has(r, "(certificate has expired, checked now: the claimed signing time " +
                                    trust_test_utc(now + 400 * day, "%Y-%m-%dT%H:%M:%SZ") +
                                    " is to come)"))
        << r;
}

TEST(ArchiveTrust, ACaRestrictedToOtherUsesCannotVouchForADocumentSigner) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::time_t now = std::time(nullptr), day = 86400;
    const std::string ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n";
    trust_test_issue(pki, "tlsca", "TLS Issuing CA", ca_ext + "extendedKeyUsage=serverAuth\n",
                     now - day, now + 30 * day);
    trust_test_issue(pki, "mailca", "Mail Issuing CA",
                     ca_ext + "extendedKeyUsage=emailProtection\n", now - day, now + 30 * day);
    trust_test_issue(pki, "tlsleaf", "Signer under TLS CA", kTrustTestLeafExt, now - day,
                     now + 30 * day, "tlsca");
    trust_test_issue(pki, "mailleaf", "Signer under Mail CA", kTrustTestLeafExt, now - day,
                     now + 30 * day, "mailca");
    const std::string unsigned_pdf = w.tmp / "unsigned.pdf";
    ASSERT_EQ(w.report(unsigned_pdf).exit_code, 0);
    const std::string bytes = read_file(unsigned_pdf);
    for (const std::string which : {"tls", "mail"}) {
        RevisionSigner who{pki.dir + "/" + which + "leaf.pem", pki.dir + "/" + which + "leaf.key"};
        who.cms_options = "-certfile " + pki.dir + "/" + which + "ca.pem";
        const std::string pdf = w.tmp / (which + ".pdf");
        write_file(pdf, signed_revision(bytes, {}, who, w.tmp.path()));
        const std::string r = trust_test_import(w.auditor(which + ".db"), pki.ca(), pdf, 0);
        if (which == "mail")
            EXPECT_TRUE(revision_has(r, "signature valid (CN=Signer under Mail CA)")) << r;
        else
            EXPECT_TRUE(revision_has(
                r,
                "signature untrusted (CN=Signer under TLS CA: its issuing CA CN=TLS Issuing "
                "CA may not vouch for document signers (the certificate's extended key usage "
                "(TLS Web Server Authentication) does not allow signing documents))"))
                << r;
    }
}

TEST(ArchiveTrust, ACountersignedCopyOfAnArchivedReportIsThatReport) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::string genuine = w.tmp / "signed.pdf";
    ASSERT_EQ(w.report(genuine, pki.leaf()).exit_code, 0);
    const std::string bytes = read_file(genuine);
    const std::string countersigned = w.tmp / "countersigned.pdf";
    write_file(countersigned,
               signed_revision(bytes, {}, {pki.dir + "/mallory.pem", pki.dir + "/mallory.key"},
                               w.tmp.path()));
    const std::string db = w.auditor("a.db");
    trust_test_import(db, pki.ca(), genuine, 0);
    const std::string imported_at = query_one(db, "SELECT imported_at FROM archive_document");
    std::string r = trust_test_import(db, pki.ca(), countersigned, 0);
    EXPECT_TRUE(revision_has(r, "already imported " + countersigned + ": report ")) << r;
    EXPECT_TRUE(revision_has(r, "this file is the report archived from " + genuine + " (imported " +
                                    imported_at + ", sha256 " + Sha256::of(bytes) +
                                    "), countersigned by CN=Mallory; the archive keeps that "
                                    "record\n"))
        << r;
    EXPECT_TRUE(revision_has(r, "1 already in the archive, 0 failed")) << r;
    EXPECT_EQ(query_one(db, "SELECT count(*) || ' ' || path FROM archive_document"),
              "1 " + genuine);
    // The store that wrote the report imports the countersigned copy as that report.
    r = trust_test_import(w.writer, pki.ca(), countersigned, 0);
    EXPECT_TRUE(revision_has(r, "imported " + countersigned + ": report ")) << r;
    EXPECT_TRUE(revision_has(r, "; the report this store wrote on ")) << r;
    EXPECT_TRUE(revision_has(r, ", countersigned by CN=Mallory\n")) << r;
    // A copy with anything else appended is still altered.
    const std::string edited = w.tmp / "edited.pdf";
    write_file(edited,
               signed_revision(bytes, forged_total(bytes),
                               {pki.dir + "/leaf.pem", pki.dir + "/leaf.key"}, w.tmp.path()));
    r = trust_test_import(db, pki.ca(), edited, 3);
    EXPECT_TRUE(revision_has(r, edited + ": not imported: altered after signing: ")) << r;
}

}  // namespace CURCRUNCH_UNITY_ID
