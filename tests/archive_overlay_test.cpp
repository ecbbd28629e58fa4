// Signature widgets that draw: a widget of a signature field is left out of the comparison
// between a report's signed revision and the file only when nothing can see or trigger it.
// The forger's overlay here is such a field whose widget covers page 1's total with an
// appearance of their own ("Total cost $1.00" on white) and whose flags say NoView+Print (not
// on screen, but printed, ISO 32000-2 12.5.3) or Hidden (which a script can clear): appended to
// a signed report with a trusted or a dummy countersignature, or to an unsigned report.
#include <gtest/gtest.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include <string>

#include "revision_support.hpp"
#include "test_pki.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// The object number of the overlay's appearance: past anything the helpers number.
int overlay_appearance_number(const std::string& pdf) {
    QPDF q;
    q.processMemoryFile("base", pdf.data(), pdf.size());
    return static_cast<int>(q.getTrailer().getKey("/Size").getIntValue()) + 10;
}

// A form XObject that whites out a box and prints the forged total in it.
std::string overlay_appearance() {
    return revision_stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 260 70] /Resources << /Font << /F1 << /Type "
        "/Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
        "1 1 1 rg 0 0 260 70 re f 0 0 0 rg BT /F1 18 Tf 10 28 Td (Total cost $1.00) Tj ET");
}

// The widget's entries for `flags`, drawing the appearance numbered `ap` over page 1's top.
std::string overlay_widget(int flags, int ap) {
    return "/F " + std::to_string(flags) + " /Rect [300 690 560 760] /AP << /N " +
           std::to_string(ap) + " 0 R >>";
}

// `pdf` with a signature field (no signature value) appended to page 1: `widget` its entries.
std::string unsigned_overlay(const std::string& pdf, const std::string& widget) {
    QPDF q;
    q.processMemoryFile("genuine", pdf.data(), pdf.size());
    QPDFObjectHandle page = QPDFPageDocumentHelper(q).getAllPages().front().getObjectHandle();
    const int field = static_cast<int>(q.getTrailer().getKey("/Size").getIntValue());
    const int ap = overlay_appearance_number(pdf);
    RevisionObjects objs;
    objs[ap] = overlay_appearance();
    objs[field] = "<< /FT /Sig /T (approval) /Type /Annot /Subtype /Widget " + widget + " /P " +
                  page.unparse() + " >>";
    objs[page.getObjectID()] =
        revision_dict(page, {{"/Annots", "[ " + std::to_string(field) + " 0 R ]"}});
    return appended_revision(pdf, objs);
}

}  // namespace

TEST(ArchiveOverlays, ANoViewOrHiddenSignatureWidgetAddedAfterSigningIsAltered) {
    RevisionWorld w;
    Pki pki(w.tmp);
    const std::string genuine = w.tmp / "signed.pdf";
    ASSERT_EQ(w.report(genuine, pki.leaf()).exit_code, 0);
    const std::string bytes = read_file(genuine);
    const int ap = overlay_appearance_number(bytes);
    struct Case {
        std::string name;
        RevisionSigner who;
    };
    const std::vector<Case> cases = {
        {"noview-print-trusted.pdf",
         {pki.dir + "/leaf.pem", pki.dir + "/leaf.key", "/ETSI.CAdES.detached",
          overlay_widget(4 | 32, ap)}},
        {"noview-print-dummy.pdf", {"", "", "/adbe.x509.rsa_sha1", overlay_widget(4 | 32, ap)}},
        {"hidden-trusted.pdf",
         {pki.dir + "/leaf.pem", pki.dir + "/leaf.key", "/ETSI.CAdES.detached",
          overlay_widget(2, ap)}},
        {"hidden-dummy.pdf", {"", "", "/adbe.x509.rsa_sha1", overlay_widget(2, ap)}}};
    for (const auto& c : cases) {
        const std::string forged = w.tmp / c.name;
        write_file(forged,
                   signed_revision(bytes, {{ap, overlay_appearance()}}, c.who, w.tmp.path()));
        if (c.name.rfind("noview", 0) == 0) {
            // The attack is real: the print path draws the forged total.
            const std::string printed = w.tmp / (c.name + ".printed.pdf");
            ASSERT_EQ(sh("pdftocairo -pdf -f 1 -l 1 " + forged + " " + printed).code, 0);
            ASSERT_TRUE(revision_has(sh("pdftotext " + printed + " -").out, "Total cost $1.00"))
                << c.name;
        }
        const std::string db = w.auditor(c.name + ".db");
        auto r = run_cli({"import-pdf", "--db", db, "--trust-file", pki.ca(), forged});
        EXPECT_EQ(r.exit_code, 3) << c.name << "\n" << r.out << r.err;
        EXPECT_TRUE(revision_has(r.err, forged +
                                            ": not imported: altered after signing: the first "
                                            "signature (CN=Finance Reports, O=Example Corp) "
                                            "covers only the first " +
                                            std::to_string(bytes.size()) + " of the file's "))
            << c.name << "\n"
            << r.err;
        EXPECT_TRUE(revision_has(r.err, ") changed page 1's annotations\n")) << c.name << r.err;
        EXPECT_EQ(query_one(db, "SELECT count(*) FROM archive_document"), "0") << c.name;
    }
}

TEST(ArchiveOverlays, AnUnsignedReportCarriesNoSignatureWidgetThatCanDraw) {
    RevisionWorld w;
    const std::string genuine = w.tmp / "unsigned.pdf";
    ASSERT_EQ(w.report(genuine).exit_code, 0);
    const std::string bytes = read_file(genuine);
    const int ap = overlay_appearance_number(bytes);
    // NoView+Print and Hidden draw; a zero-area widget with an action can run a script.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"noview-print.pdf", overlay_widget(4 | 32, ap)},
        {"hidden.pdf", overlay_widget(2, ap)},
        {"zero-rect-action.pdf",
         "/F 132 /Rect [0 0 0 0] /AA << /PO << /S /JavaScript /JS (app.alert\\(1\\)) >> >>"},
        {"zero-rect.pdf", "/F 132 /Rect [0 0 0 0] /AP << /N " + std::to_string(ap) + " 0 R >>"}};
    const std::string db = w.auditor("a.db");
    for (const auto& [name, widget] : cases) {
        const std::string forged = w.tmp / name;
        write_file(forged, unsigned_overlay(bytes, widget));
        auto r = run_cli({"import-pdf", "--db", db, forged});
        if (name == "zero-rect.pdf") {
            // What curcrunch and countersigning tools write: nothing to see, nothing to run.
            EXPECT_EQ(r.exit_code, 0) << r.err;
            continue;
        }
        EXPECT_EQ(r.exit_code, 3) << name;
        EXPECT_TRUE(
            revision_has(r.err, forged + ": not imported: altered: page 1 carries a "
                                         "form field that can be shown or run an action (/Widget "
                                         "annotation), which "
                                         "curcrunch never writes"))
            << name << "\n"
            << r.err;
    }
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM archive_document"), "1");
}

}  // namespace CURCRUNCH_UNITY_ID
