#include "curcrunch/billing/invoice_archive.hpp"

#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/billing/invoice_store.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::billing {
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

}  // namespace

report::ArchivedDocumentKind invoice_archive_kind() {
    return {kInvoiceAttachmentName, kArchivedInvoiceKind, check, record};
}

}  // namespace curcrunch::billing
