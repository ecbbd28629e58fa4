#include "curcrunch/billing/invoice_archive.hpp"

#include <filesystem>
#include <fstream>
#include <optional>

#include "curcrunch/billing/invoice_files.hpp"
#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/billing/invoice_store.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/report/pdf_inspect.hpp"

namespace curcrunch::billing {
namespace fs = std::filesystem;
namespace {

std::string info_value(const std::map<std::string, std::string>& info, const char* key) {
    auto it = info.find(key);
    return it == info.end() ? "" : it->second;
}

// The JSON another file of the same invoice id brought into the archive, if any.
std::optional<std::string> archived_document(store::Database& db, const std::string& id) {
    auto st = db.prepare("SELECT document FROM customer_invoice_archive WHERE invoice_id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return st.column_text(0);
}

std::string check(store::Database& db, const std::map<std::string, std::string>& info,
                  const std::string& json, const std::string& pages_sha256, std::string& note) {
    const std::string where = std::string("embedded ") + kInvoiceAttachmentName + ": ";
    InvoiceDocument d;
    try {
        d = parse_invoice_json(json);
    } catch (const Error& e) {
        throw_input(where + e.what());
    }
    const std::string& id = d.invoice.invoice_id;
    const std::string sha = Sha256::of(json);
    const std::string info_sha = info_value(info, "CurcrunchInvoiceSha256");
    if (info_sha != sha)
        throw_input("Info CurcrunchInvoiceSha256 says '" + shown_text(info_sha) + "' but the " +
                    kInvoiceAttachmentName + "'s sha256 is " + sha + ": the file was edited");
    const std::string info_id = info_value(info, "CurcrunchInvoiceId");
    if (info_id != id)
        throw_input("Info CurcrunchInvoiceId says '" + shown_text(info_id) + "' but the " +
                    kInvoiceAttachmentName + " is invoice " + id + "'s: the file was edited");
    // Version 1 documents (before the digest) cannot say; version 2 ones always do.
    if (!d.pages_sha256.empty() && d.pages_sha256 != pages_sha256)
        throw_input("the pages differ from those invoice " + id + " recorded (pages sha256 " +
                    pages_sha256.substr(0, 16) + "…, recorded " + d.pages_sha256.substr(0, 16) +
                    "…): page content was edited");
    if (auto other = archived_document(db, id); other && *other != json)
        throw_input("altered: invoice " + id +
                    " is already in the archive with another embedded JSON; this file has the "
                    "same id and other contents");
    auto stored = stored_invoice(db, id);
    if (!stored)
        note = "curcrunch invoice " + id + ", unknown to this store";
    else if (stored->document == json)
        note = "curcrunch invoice " + id + " as this store holds it (" + stored->status + ")";
    else
        note = "curcrunch invoice " + id + "; the store's differs (see audit)";
    return id;
}

void record(store::Database& db, const std::string& sha256, const std::string& id,
            const std::string& json) {
    auto st = db.prepare(
        "INSERT INTO customer_invoice_archive(sha256, invoice_id, document) VALUES (?,?,?)");
    st.bind(1, sha256).bind(2, id).bind(3, json);
    st.run();
}

// The file's bytes, or nullopt when it cannot be read or is larger than an invoice is allowed
// to be (import-pdf's limit: a bigger file is not one curcrunch wrote).
std::optional<std::string> issued_file_bytes(const std::string& path, uint64_t limit) {
    std::error_code ec;
    const uintmax_t size = fs::file_size(path, ec);
    if (ec || size > limit) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<size_t>(size), '\0');
    if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
        return std::nullopt;
    return bytes;
}

std::string issued_pdf_mismatch(const std::string& path, const std::string& bytes,
                                const std::string& issued_json) {
    report::InspectedPdf p;
    try {
        p = report::inspect_pdf(path, bytes, std::nullopt, report::ImportLimits{}, nullptr,
                                {kInvoiceAttachmentName});
    } catch (const std::exception& e) {  // Error(input) or whatever qpdf throws on a bad file
        return "not a readable PDF (" + shown_text(e.what(), 200) + ")";
    }
    auto it = p.documents.find(kInvoiceAttachmentName);
    if (it == p.documents.end()) return std::string("it embeds no ") + kInvoiceAttachmentName;
    if (it->second != issued_json) {
        try {
            const Invoice there = parse_invoice_json(it->second).invoice;
            return "it is " + there.status + " " + there.invoice_id + " of total " +
                   minor_text(there.totals.total, there.minor_units) + " " + there.currency +
                   ", not the issued document";
        } catch (const Error&) {
            return "its embedded invoice is not the issued document";
        }
    }
    auto sha = p.info.find("CurcrunchInvoiceSha256");
    if (sha == p.info.end() || sha->second != Sha256::of(issued_json))
        return "its Info CurcrunchInvoiceSha256 is not the issued document's";
    const InvoiceDocument d = parse_invoice_json(issued_json);
    if (!d.pages_sha256.empty() && d.pages_sha256 != p.pages_sha256)
        return "its pages are not those the issued document recorded";
    if (!p.unwritten_annotation.empty())
        return "it carries an annotation curcrunch does not write (" + p.unwritten_annotation + ")";
    if (p.signature.state == report::SignatureState::broken)
        return "its signature is broken (" + p.signature.detail + ")";
    if (!p.changed_after_signing.empty())
        return "it was changed after it was signed (" + p.changed_after_signing.front() + ")";
    return "";
}

}  // namespace

report::ArchivedDocumentKind invoice_archive_kind() {
    return {kInvoiceAttachmentName, kArchivedInvoiceKind, check, record};
}

std::string issued_file_mismatch(const std::string& path, const std::string& issued_json) {
    const report::ImportLimits limits;
    const std::optional<std::string> bytes = issued_file_bytes(path, limits.max_file_bytes);
    if (!bytes) return "it cannot be read, or it is larger than an invoice can be";
    const std::string ext = fs::path(path).extension().string();
    if (ext == ".pdf") return issued_pdf_mismatch(path, *bytes, issued_json);
    const std::string wanted =
        ext == ".csv" ? invoice_csv(parse_invoice_json(issued_json).invoice) : issued_json;
    if (*bytes == wanted) return "";
    if (ext == ".json") {
        try {
            const Invoice there = parse_invoice_json(*bytes).invoice;
            if (there.invoice_id == parse_invoice_json(issued_json).invoice.invoice_id)
                return "it is " + there.status + " " + there.invoice_id + " of total " +
                       minor_text(there.totals.total, there.minor_units) + " " + there.currency +
                       ", not the issued document";
        } catch (const Error&) {
        }
    }
    return "its content is not the issued invoice's";
}

}  // namespace curcrunch::billing
