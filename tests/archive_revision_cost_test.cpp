// What comparing a signed revision with the file may cost. Any PDF whose first signature does
// not reach its end is compared, so a dummy signature and one appended revision, no key
// needed, set it off: thousands of pages sharing one large image must cost the image once, not
// once per page; and the decoded page content a file can make import hash is capped.
#include <gtest/gtest.h>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <chrono>
#include <string>

#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/store/store.hpp"
#include "revision_support.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// `pages` pages, each drawing the same `image_bytes` image (stored as is: bytes that do not
// compress, so the file is as large as the image).
std::string shared_image_pdf(int pages, size_t image_bytes) {
    QPDF q;
    q.emptyPDF();
    std::string data(image_bytes, '\0');
    uint32_t x = 12345;
    for (auto& c : data) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    QPDFObjectHandle image = QPDFObjectHandle::newStream(&q, data);
    image.replaceDict(QPDFObjectHandle::parse(
        "<< /Type /XObject /Subtype /Image /Width 1 /Height " + std::to_string(image_bytes / 3) +
        " /ColorSpace /DeviceRGB /BitsPerComponent 8 >>"));
    QPDFObjectHandle resources =
        q.makeIndirectObject(QPDFObjectHandle::parse("<< /XObject << >> >>"));
    resources.getKey("/XObject").replaceKey("/Im0", image);
    QPDFPageDocumentHelper pages_of(q);
    for (int i = 0; i < pages; ++i) {
        QPDFObjectHandle page = q.makeIndirectObject(
            QPDFObjectHandle::parse("<< /Type /Page /MediaBox [0 0 200 200] >>"));
        page.replaceKey("/Resources", resources);
        page.replaceKey("/Contents",
                        QPDFObjectHandle::newStream(&q, "q 100 0 0 100 0 0 cm /Im0 Do Q"));
        pages_of.addPage(page, false);
    }
    QPDFWriter w(q);
    w.setOutputMemory();
    w.setCompressStreams(false);
    w.write();
    auto buf = w.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
}

}  // namespace

TEST(ArchiveRevisionCost, SharedResourcesAreHashedOncePerRevision) {
    TempDir t;
    // 3000 pages sharing a 6 MiB image: hashed per page, 3000 x 6 MiB x 2 revisions = 36 GB.
    const std::string base = shared_image_pdf(3000, 6u << 20);
    const RevisionSigner dummy{"", "", "/adbe.x509.rsa_sha1"};
    const std::string once = signed_revision(base, {}, dummy, t.path());
    write_file(t / "twice.pdf", signed_revision(once, {}, dummy, t.path()));
    const auto start = std::chrono::steady_clock::now();
    auto r = run_cli({"import-pdf", "--db", t / "s.db", t / "twice.pdf"});
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
            .count();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(revision_has(r.out, "imported " + t / "twice.pdf" + ": pdf, 3000 page(s)"))
        << r.out;
    // Before: minutes. Now the image is hashed twice, whatever the number of pages.
    EXPECT_LT(seconds, 30) << r.out;
}

TEST(ArchiveRevisionCost, DecodedPageContentIsCapped) {
    TempDir t;
    write_file(t / "oct.csv", known_month_csv("2026-10", "12.00"));
    const std::string db = t / "s.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, t / "oct.csv"}).exit_code, 0);
    const std::string pdf = t / "r.pdf";
    ASSERT_EQ(run_cli({"report", "--db", db, "--from", "2026-10-01", "--to", "2026-10-31",
                       "--as-of", "2026-10-31", "--out", pdf})
                  .exit_code,
              0);
    auto store = store::Store::open(t / "auditor.db");
    report::ImportOptions options;
    options.limits.max_page_content_bytes = 1000;
    auto o = report::import_pdf_bytes(store->db(), pdf, read_file(pdf), options);
    EXPECT_EQ(o.status, report::ImportOutcome::Status::failed);
    EXPECT_EQ(o.error,
              "too large to read: the pages' content decodes to more than 1000 bytes (the import "
              "limit)");
    options.limits = {};
    o = report::import_pdf_bytes(store->db(), pdf, read_file(pdf), options);
    EXPECT_EQ(o.status, report::ImportOutcome::Status::imported) << o.error;
}

}  // namespace CURCRUNCH_UNITY_ID
