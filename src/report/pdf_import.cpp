#include "curcrunch/report/pdf_import.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/report/pdf_inspect.hpp"
#include "curcrunch/report/report_archive.hpp"
#include "curcrunch/report/report_json.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::report {
namespace fs = std::filesystem;
namespace {

// A failed file's reason as stored in its outcome: the parts quoted from the file are escaped
// where they are quoted; this escapes anything else once more and bounds the length.
constexpr size_t kShownError = 2000;

bool table_has(store::Database& db, const std::string& sql, const std::string& v) {
    auto st = db.prepare(sql);
    st.bind(1, v);
    return st.step();
}

// An invoice id this PDF belongs to: its file name, its folder (the fetch archive layout
// <invoice>/<document>.pdf) or a word of its Keywords, when the invoice table knows it.
std::string linked_invoice(store::Database& db, const std::string& name, const InspectedPdf& p) {
    std::vector<std::string> candidates;
    fs::path path(name);
    candidates.push_back(path.stem().string());
    candidates.push_back(path.parent_path().filename().string());
    std::istringstream words(p.keywords);
    for (std::string w; words >> w;)
        candidates.push_back(w);
    for (const auto& c : candidates)
        if (!c.empty() && table_has(db, "SELECT 1 FROM invoice WHERE invoice_id = ?", c)) return c;
    return "";
}

std::string info_value(const InspectedPdf& p, const std::string& key) {
    auto it = p.info.find(key);
    return it == p.info.end() ? "" : it->second;
}

// The Info keys a report carries repeat its JSON; a disagreement means one was edited.
void check_info_agrees(const InspectedPdf& p, const ReportMeta& m, const std::string& json) {
    const std::string id = info_value(p, "CurcrunchReportId");
    if (!id.empty() && id != m.report_id)
        throw_input("the embedded " + std::string(kAttachmentName) + " is report " + m.report_id +
                    "'s, but this file is report " + shown_text(id) +
                    " (Info CurcrunchReportId): the attachment was swapped");
    std::vector<std::pair<std::string, std::string>> expected = {
        {"CurcrunchReportId", m.report_id},
        {"CurcrunchFingerprint", m.fingerprint},
        {"CurcrunchSchema",
         std::string(kReportSchemaName) + "/" + std::to_string(m.schema_version)},
        {"CurcrunchTotal", to_plain_string(m.totals.total) + " " + m.currency}};
    if (m.schema_version >= 2) expected.push_back({"CurcrunchJsonSha256", Sha256::of(json)});
    for (const auto& [key, want] : expected) {
        auto it = p.info.find(key);
        if (it == p.info.end()) {
            if (m.schema_version >= 2)
                throw_input("Info " + key + " is missing: the file's metadata was edited");
            continue;
        }
        if (it->second != want)
            throw_input("Info " + key + " says '" + shown_text(it->second) + "' but the embedded " +
                        kAttachmentName + " says '" + want + "': the file was edited");
    }
}

// A PDF that says it is a curcrunch report but carries no report attachment.
void check_not_stripped(const InspectedPdf& p) {
    const std::string id = info_value(p, "CurcrunchReportId");
    const std::string schema = info_value(p, "CurcrunchSchema");
    if (!id.empty() || !schema.empty())
        throw_input("claims to be curcrunch report " + shown_text(id.empty() ? schema : id) +
                    " (Info dictionary) but has no " + kAttachmentName +
                    " attachment: it was stripped");
}

void check_report(store::Database& db, const ImportOutcome& o, const InspectedPdf& p,
                  const ReportMeta& m) {
    if (!p.report_json_has_checksum)
        throw_input(std::string("the embedded ") + kAttachmentName +
                    " has no checksum (/Params /CheckSum): it was not written by curcrunch");
    check_info_agrees(p, m, *p.report_json);
    try {
        check_report_figures(m);
    } catch (const Error& e) {
        throw_input(std::string("embedded ") + kAttachmentName + ": " + e.what());
    }
    if (m.schema_version >= 2 && m.pages_sha256 != p.pages_sha256)
        throw_input("the pages differ from those report " + m.report_id +
                    " recorded (pages sha256 " + p.pages_sha256.substr(0, 16) + "…, recorded " +
                    m.pages_sha256.substr(0, 16) + "…): page content was edited");
    if (auto w = written_report(db, m.report_id); w && w->sha256 != o.sha256)
        throw_input("altered: this store wrote report " + m.report_id + " on " + w->when +
                    " with sha256 " + w->sha256 + "; this file's sha256 is " + o.sha256);
    if (auto i = imported_report(db, m.report_id); i && i->sha256 != o.sha256)
        throw_input("altered: report " + m.report_id + " is already in the archive (" + i->where +
                    ", sha256 " + i->sha256 + "); this file has the same id and other bytes");
}

// The other curcrunch document `p` is, if any: the first kind whose attachment it embeds.
const ArchivedDocumentKind* document_kind(const ImportOptions& options, const InspectedPdf& p) {
    for (const auto& k : options.documents)
        if (p.documents.count(k.attachment)) return &k;
    return nullptr;
}

void store_file(store::Database& db, const ImportOutcome& o, const std::string& name, size_t bytes,
                const InspectedPdf& p, const ReportMeta* meta, const ArchivedDocumentKind* doc) {
    store::Transaction tx(db);
    auto st = db.prepare(
        "INSERT INTO archive_document(sha256, path, bytes, pages, kind, title, info, "
        "attachments, encrypted, report_id, invoice_id, imported_at, signature, signer, note) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, o.sha256).bind(2, name).bind(3, static_cast<int64_t>(bytes));
    st.bind(4, static_cast<int64_t>(p.pages)).bind(5, o.kind).bind(6, p.title);
    st.bind(7, p.info_json).bind(8, p.attachments_json);
    st.bind(9, static_cast<int64_t>(p.encrypted ? 1 : 0)).bind(10, o.report_id);
    st.bind(11, o.invoice_id).bind(12, store::now_utc_iso());
    std::string note = o.note;
    if (!o.signature_detail.empty())
        note += (note.empty() ? "" : "; ") + ("signature untrusted: " + o.signature_detail);
    st.bind(13, o.signature).bind(14, o.signer).bind(15, note);
    st.run();
    if (doc) doc->record(db, o.sha256, o.invoice_id, p.documents.at(doc->attachment));
    if (meta) {
        // A plain INSERT: a known report id never gets a second row (check_report refused it
        // before; the primary key refuses it here if two imports race).
        auto r = db.prepare(
            "INSERT INTO report(report_id, sha256, generated_at, tool_version, from_day, to_day, "
            "accounts, services, currency, total, fingerprint, metadata) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        r.bind(1, meta->report_id).bind(2, o.sha256).bind(3, meta->generated_at);
        r.bind(4, meta->tool_version);
        r.bind(5, static_cast<int64_t>(to_yyyymmdd(meta->params.from)));
        r.bind(6, static_cast<int64_t>(to_yyyymmdd(meta->params.to)));
        r.bind(7, json_string_array(meta->params.accounts))
            .bind(8, json_string_array(meta->params.services));
        r.bind(9, meta->currency).bind_amount(10, meta->totals.total);
        r.bind(11, meta->fingerprint).bind(12, *p.report_json);
        r.run();
        auto t =
            db.prepare("INSERT INTO report_total(report_id, kind, key, amount) VALUES (?,?,?,?)");
        auto put = [&](const char* kind, const std::map<std::string, Amount>& m) {
            for (const auto& [k, v] : m) {
                t.bind(1, meta->report_id).bind(2, std::string_view(kind)).bind(3, k);
                t.bind_amount(4, v);
                t.run();
                t.reset();
            }
        };
        put("month", meta->totals.by_month);
        put("service", meta->totals.by_service);
        put("account", meta->totals.by_account);
    }
    tx.commit();
}

bool is_pdf_name(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    return ext == ".pdf";
}

void duplicate_of(store::Database& db, ImportOutcome& o) {
    o.status = ImportOutcome::Status::duplicate;
    auto st = db.prepare(
        "SELECT kind, report_id, invoice_id, pages, signature, signer, note FROM "
        "archive_document WHERE sha256 = ?");
    st.bind(1, o.sha256);
    if (st.step()) {
        o.kind = st.column_text(0);
        o.report_id = st.column_text(1);
        o.invoice_id = st.column_text(2);
        o.pages = static_cast<int>(st.column_int(3));
        o.signature = st.column_text(4);
        o.signer = st.column_text(5);
        o.note = st.column_text(6);
    }
}

}  // namespace

ImportOutcome import_pdf_bytes(store::Database& db, const std::string& name,
                               const std::string& bytes, const ImportOptions& options) {
    ImportOutcome o;
    o.path = name;
    o.sha256 = Sha256::of(bytes);
    if (table_has(db, "SELECT 1 FROM archive_document WHERE sha256 = ?", o.sha256)) {
        duplicate_of(db, o);
        return o;
    }
    try {
        std::vector<std::string> wanted;
        for (const auto& k : options.documents)
            wanted.push_back(k.attachment);
        InspectedPdf p =
            inspect_pdf(name, bytes, options.password, options.limits, options.trust, wanted);
        const ArchivedDocumentKind* doc = document_kind(options, p);
        o.pages = p.pages;
        if (p.pages == 0) throw_input("the PDF has no pages (a 0-page file is not a document)");
        o.signature = signature_state_name(p.signature.state);
        o.signer = p.signature.signer;
        if (p.signature.state == SignatureState::broken)
            throw_input("signature broken: " + p.signature.detail);
        std::optional<ReportMeta> meta;
        if (p.report_json) {
            try {
                meta = parse_report_json(*p.report_json, false);
            } catch (const Error& e) {
                throw_input(std::string("embedded ") + kAttachmentName + ": " + e.what());
            }
            check_report(db, o, p, *meta);
            o.kind = "report";
            o.report_id = meta->report_id;
            if (auto w = written_report(db, meta->report_id))
                o.note = "the report this store wrote on " + w->when;
        } else if (doc) {
            o.invoice_id =
                doc->check(db, p.info, p.documents.at(doc->attachment), p.pages_sha256, o.note);
            o.kind = doc->kind;
        } else {
            check_not_stripped(p);
            o.invoice_id = linked_invoice(db, name, p);
            o.kind = o.invoice_id.empty() ? "pdf" : "invoice";
            o.note = "not a curcrunch report: stored as a document";
        }
        if (options.require_signature && o.kind == "report" &&
            p.signature.state != SignatureState::valid)
            throw_input(p.signature.state == SignatureState::none
                            ? "unsigned, and --require-signature asks for a valid signature"
                            : "signature untrusted (" + p.signature.detail +
                                  "), and --require-signature asks for a valid one");
        if (p.signature.state == SignatureState::untrusted) o.signature_detail = p.signature.detail;
        store_file(db, o, name, bytes.size(), p, meta ? &*meta : nullptr, meta ? nullptr : doc);
        o.status = ImportOutcome::Status::imported;
    } catch (const Error& e) {
        // The store could not be read or written: not this file's fault, and the next file
        // would meet the same problem, so the batch ends here (exit 4). Any other Error is
        // this file's problem alone.
        if (e.kind() == ErrorKind::store) throw;
        o.status = ImportOutcome::Status::failed;
        o.error = shown_text(e.what(), kShownError);
    } catch (const std::bad_alloc&) {
        o.status = ImportOutcome::Status::failed;
        o.error = "too large to read (out of memory)";
    } catch (const std::exception& e) {  // whatever qpdf or OpenSSL throws on a hostile file
        o.status = ImportOutcome::Status::failed;
        o.error = "damaged PDF: " + shown_text(e.what(), 200);
    }
    return o;
}

ImportOutcome import_pdf_bytes(store::Database& db, const std::string& name,
                               const std::string& bytes, const std::optional<Secret>& password,
                               const ImportLimits& limits) {
    ImportOptions options;
    options.password = password;
    options.limits = limits;
    return import_pdf_bytes(db, name, bytes, options);
}

std::vector<ImportOutcome> import_pdfs(store::Database& db, const std::vector<std::string>& paths,
                                       const ImportOptions& options) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::recursive_directory_iterator(p, ec))
                if (e.is_regular_file() && is_pdf_name(e.path()))
                    found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else {
            files.push_back(p);
        }
    }
    std::vector<ImportOutcome> out;
    auto failed = [&](const std::string& f, const std::string& why) {
        ImportOutcome o;
        o.path = f;
        o.error = why;
        out.push_back(std::move(o));
    };
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::error_code ec;
        if (!in) {
            failed(f, "cannot read the file");
            continue;
        }
        if (fs::file_size(f, ec) > options.limits.max_file_bytes) {
            failed(f, "larger than the import limit (" +
                          std::to_string(options.limits.max_file_bytes >> 20) + " MiB)");
            continue;
        }
        std::string bytes(static_cast<size_t>(fs::file_size(f, ec)), '\0');
        if (ec || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
            failed(f, "cannot read the file");
            continue;
        }
        out.push_back(import_pdf_bytes(db, f, bytes, options));
    }
    return out;
}

std::vector<ImportOutcome> import_pdfs(store::Database& db, const std::vector<std::string>& paths,
                                       const std::optional<Secret>& password,
                                       const ImportLimits& limits) {
    ImportOptions options;
    options.password = password;
    options.limits = limits;
    return import_pdfs(db, paths, options);
}

std::vector<ArchiveRow> list_archive(store::Database& db) {
    auto st = db.prepare(
        "SELECT sha256, path, kind, title, report_id, invoice_id, imported_at, bytes, pages, "
        "encrypted, signature, signer, note FROM archive_document ORDER BY imported_at, path");
    std::vector<ArchiveRow> out;
    while (st.step())
        out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                       st.column_text(4), st.column_text(5), st.column_text(6), st.column_int(7),
                       st.column_int(8), st.column_int(9) != 0, st.column_text(10),
                       st.column_text(11), st.column_text(12)});
    return out;
}

}  // namespace curcrunch::report
