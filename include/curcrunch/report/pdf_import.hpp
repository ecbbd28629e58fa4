#pragma once
// `curcrunch import-pdf`: records archived PDFs in the store (schema v3). Every file gets its
// sha256, size, page count, Info dictionary and attachments (read with qpdf, recovery off: a
// damaged file is an error, not a guess). A curcrunch report's embedded JSON is validated and
// its parameters and totals stored for audit; other PDFs (AWS invoices) are archive documents,
// linked to an invoice when its id is known from the file or folder name or the metadata.
// Each file is imported in its own transaction or not at all; one bad file never stops the
// others. Importing the same bytes twice changes nothing.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/secret.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::report {

struct ImportLimits {
    uint64_t max_file_bytes = 1ull << 30;       // 1 GiB
    uint64_t max_attachment_bytes = 16u << 20;  // 16 MiB of JSON is already absurd
    size_t max_objects = 2000000;
};

struct ImportOutcome {
    std::string path;
    enum class Status { imported, duplicate, failed } status = Status::failed;
    std::string kind;  // report, invoice, pdf
    std::string report_id, invoice_id, sha256;
    int pages = 0;
    std::string error;  // for failed: what is wrong with the file
};

// Directories are walked for *.pdf (case-insensitive); files given by name are read whatever
// their extension.
std::vector<ImportOutcome> import_pdfs(store::Database& db, const std::vector<std::string>& paths,
                                       const std::optional<Secret>& password,
                                       const ImportLimits& limits = {});

// One file's bytes (also the dashboard's upload path); `name` is what messages call it.
ImportOutcome import_pdf_bytes(store::Database& db, const std::string& name,
                               const std::string& bytes, const std::optional<Secret>& password,
                               const ImportLimits& limits = {});

struct ArchiveRow {
    std::string sha256, path, kind, title, report_id, invoice_id, imported_at;
    int64_t bytes = 0, pages = 0;
    bool encrypted = false;
};
std::vector<ArchiveRow> list_archive(store::Database& db);

}  // namespace curcrunch::report
