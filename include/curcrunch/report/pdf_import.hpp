#pragma once
// `curcrunch import-pdf`: records archived PDFs in the store. Every file gets its sha256,
// size, page count, Info dictionary, attachments and signature status (pdf_inspect.hpp). A
// curcrunch report is accepted only when nothing shows it was edited: its embedded JSON is
// valid and adds up, its checksum and Info keys (custom and Title/Subject/Keywords) agree with
// it, its pages are the pages it recorded and carry no annotation curcrunch does not write, its
// signature (if any) is intact and nothing appended after it changed what the file shows, and
// its report id is unknown to the store or known with exactly these bytes ("altered"
// otherwise, or a "conflict" when a validly signed copy meets an archived one without a valid
// signature; the archived record is never replaced).
// Other PDFs (AWS invoices) are archive documents, linked to an invoice when its id is known
// from the file or folder name or the metadata, and noted as not being curcrunch reports.
// Each file is imported in its own transaction or not at all; one bad file never stops the
// others (whatever a file makes qpdf throw is that file's failure; only a store error, which
// no other file would escape, ends the batch). Importing the same bytes twice changes nothing,
// except that with a trust file an archived file is checked again: its stored signature status
// is updated, and a file that no longer passes (--require-signature) is reported as failed.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/secret.hpp"
#include "curcrunch/report/pdf_limits.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::report {

class TrustStore;

// What one file may make import-pdf read and store. A report or an invoice is well under a
// MiB; these bound memory and the store against hostile files (a 100 MB /Title, a million
// Info keys or objects), each refused with a message naming the limit.
struct ImportLimits {
    uint64_t max_file_bytes = 64u << 20;        // as the dashboard's upload limit
    uint64_t max_attachment_bytes = 16u << 20;  // 16 MiB of JSON is already absurd
    size_t max_info_keys = 256;                 // Info dictionary entries
    size_t max_info_bytes = 256u << 10;         // the Info dictionary as stored (JSON)
    // The pages' content decoded for the pages digest of a curcrunch document: what one file
    // can make import inflate (a report's pages decode to a few MiB).
    uint64_t max_page_content_bytes = 256u << 20;
    PdfObjectLimits objects;  // what qpdf may parse (pdf_limits.hpp)
};

// Another curcrunch document than a report (a customer invoice: billing/invoice_archive.hpp),
// known by the name of the attachment it embeds. The layer that writes such documents sits
// above this one, so it supplies the checks and the record.
struct ArchivedDocumentKind {
    std::string attachment;  // e.g. curcrunch-invoice.json
    std::string kind;        // archive_document.kind
    // Throws Error(input) saying what shows the file was edited; returns the document's id
    // (kept in archive_document.invoice_id) and sets `note`. `pages_sha256`: the file's
    // pages_digest (pdf_finish.hpp).
    std::function<std::string(store::Database&, const std::map<std::string, std::string>& info,
                              const std::string& attachment, const std::string& pages_sha256,
                              std::string& note)>
        check;
    // Records what the archive keeps of it, inside the file's transaction.
    std::function<void(store::Database&, const std::string& sha256, const std::string& id,
                       const std::string& attachment)>
        record;
};

struct ImportOptions {
    std::optional<Secret> password;
    const TrustStore* trust = nullptr;  // certificates signatures must chain to
    // Refuse curcrunch reports that are not signed by a certificate chaining to `trust`.
    bool require_signature = false;
    ImportLimits limits;
    std::vector<ArchivedDocumentKind> documents;
};

struct ImportOutcome {
    std::string path;
    enum class Status { imported, duplicate, failed } status = Status::failed;
    std::string kind;  // report, invoice, pdf, or an ArchivedDocumentKind's kind
    std::string report_id, invoice_id, sha256;
    int pages = 0;
    std::string signature = "unsigned";  // unsigned, valid, untrusted (broken is refused)
    std::string signer;
    std::string signature_detail;  // why it is untrusted
    // For a file already archived and checked again: its stored status before, when it changed.
    std::string previous_signature;
    // For an archived "valid" file whose check now finds less: what it found, and that the
    // archive keeps its record ("re-checked against this trust file: untrusted (...); the
    // archive keeps 'valid' from <date>").
    std::string recheck_warning;
    std::string note;   // e.g. "not a curcrunch report"
    std::string error;  // for failed: what is wrong with the file
};

// Directories are walked for *.pdf (case-insensitive); files given by name are read whatever
// their extension.
std::vector<ImportOutcome> import_pdfs(store::Database& db, const std::vector<std::string>& paths,
                                       const ImportOptions& options);
std::vector<ImportOutcome> import_pdfs(store::Database& db, const std::vector<std::string>& paths,
                                       const std::optional<Secret>& password,
                                       const ImportLimits& limits = {});

// One file's bytes (also the dashboard's upload path); `name` is what messages call it.
ImportOutcome import_pdf_bytes(store::Database& db, const std::string& name,
                               const std::string& bytes, const ImportOptions& options);
ImportOutcome import_pdf_bytes(store::Database& db, const std::string& name,
                               const std::string& bytes, const std::optional<Secret>& password,
                               const ImportLimits& limits = {});

struct ArchiveRow {
    std::string sha256, path, kind, title, report_id, invoice_id, imported_at;
    int64_t bytes = 0, pages = 0;
    bool encrypted = false;
    std::string signature, signer, note;
};
std::vector<ArchiveRow> list_archive(store::Database& db);

}  // namespace curcrunch::report
