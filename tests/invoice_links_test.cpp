// aws::invoice_document_links: GetInvoicePDF answers as AWS gives them, every member optional.
// A refreshed answer must name each document as the first did, since the fetch matches fresh
// links to the documents still missing by kind and id.
#include <gtest/gtest.h>

#include "curcrunch/aws/invoicing.hpp"
#include "curcrunch/core/error.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::aws;

namespace {

std::string answer(const std::string& supplements) {
    return R"({"InvoicePDF":{"InvoiceId":"abc123","DocumentUrl":"https://abcd123.com?securityTokenForDoc",)"
           R"("DocumentUrlExpirationDate":1743469200,"SupplementalDocuments":[)" +
           supplements + "]}}";
}

std::string ids_of(const std::vector<InvoiceDocumentLink>& links) {
    std::string out;
    for (const auto& l : links)
        out += (out.empty() ? "" : " ") + l.kind + "/" + l.document_id;
    return out;
}

}  // namespace

TEST(InvoiceLinks, AwsOwnExampleWithoutDocumentIdsIsNamedByPlace) {
    // The SDK's example: no DocumentType, no DocumentId, a link whose path names nothing.
    auto links = invoice_document_links(
        answer(R"({"DocumentUrl":"https://abcd123.com?securityTokenForSupplementalDoc",)"
               R"("DocumentUrlExpirationDate":1743469200})"),
        "abc123");
    EXPECT_EQ(ids_of(links), "INVOICE/abc123 SUPPLEMENT/supplement-1");
    EXPECT_EQ(links[1].url, "https://abcd123.com?securityTokenForSupplementalDoc");
}

TEST(InvoiceLinks, ADocumentWithoutIdIsNamedByItsObjectSoAReorderedAnswerMatches) {
    const std::string receipt =
        R"({"DocumentType":"PAYMENT_RECEIPT","DocumentUrl":"https://b.s3.amazonaws.com/inv/)"
        R"(2026/receipt-77.pdf?X-Amz-Signature=aa"})";
    const std::string tax =
        R"({"DocumentType":"TAX_E_INVOICE","DocumentUrl":"https://b.s3.amazonaws.com/inv/)"
        R"(2026/einv-77.xml?X-Amz-Signature=bb"})";
    EXPECT_EQ(ids_of(invoice_document_links(answer(receipt + "," + tax), "abc123")),
              "INVOICE/abc123 PAYMENT_RECEIPT/receipt-77 TAX_E_INVOICE/einv-77");
    EXPECT_EQ(ids_of(invoice_document_links(answer(tax + "," + receipt), "abc123")),
              "INVOICE/abc123 TAX_E_INVOICE/einv-77 PAYMENT_RECEIPT/receipt-77");
}

TEST(InvoiceLinks, GivenIdsAreKeptAndClashingObjectNamesFallBackToPlace) {
    auto links = invoice_document_links(
        answer(
            R"({"DocumentType":"SUPPLEMENT","DocumentId":"S-1","DocumentUrl":"https://x/a/doc.pdf"},)"
            R"({"DocumentUrl":"https://x/b/doc.pdf"},{"DocumentUrl":"https://x/c/doc.pdf"},)"
            R"({"DocumentUrl":"https://x/abc123.pdf"},{"DocumentType":"SUPPLEMENT"})"),
        "abc123");
    // The fifth has no link and is left out: there is nothing to download.
    EXPECT_EQ(ids_of(links),
              "INVOICE/abc123 SUPPLEMENT/S-1 SUPPLEMENT/doc SUPPLEMENT/supplement-3 "
              "SUPPLEMENT/supplement-4");
}

TEST(InvoiceLinks, DocumentsOfTwoKindsNeverShareAnId) {
    // The archive names each document's file by its id: a receipt and a tax document whose
    // objects are both "doc" would overwrite each other.
    auto links = invoice_document_links(
        answer(R"({"DocumentType":"PAYMENT_RECEIPT","DocumentUrl":"https://x/a/doc.pdf"},)"
               R"({"DocumentType":"TAX_E_INVOICE","DocumentUrl":"https://x/b/doc.xml"})"),
        "abc123");
    EXPECT_EQ(ids_of(links), "INVOICE/abc123 PAYMENT_RECEIPT/doc TAX_E_INVOICE/supplement-2");
}

TEST(InvoiceLinks, AnAnswerWithoutInvoicePdfIsARemoteError) {
    for (const char* bad : {"", "{}", "[1]", R"({"InvoicePDF":)"}) {
        try {
            invoice_document_links(bad, "abc123");
            ADD_FAILURE() << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::remote);
            EXPECT_STREQ(e.what(),
                         "invoicing GetInvoicePDF abc123: malformed response (no "
                         "InvoicePDF)");
        }
    }
    EXPECT_EQ(ids_of(invoice_document_links(R"({"InvoicePDF":{}})", "abc123")), "");
}

}  // namespace CURCRUNCH_UNITY_ID
