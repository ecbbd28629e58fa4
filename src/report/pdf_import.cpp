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
#include "pdf_import_info.hpp"

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

// A PDF that says it is a curcrunch report but carries no report attachment.
void check_not_stripped(const InspectedPdf& p) {
    const std::string id = info_value(p, "CurcrunchReportId");
    const std::string schema = info_value(p, "CurcrunchSchema");
    if (!id.empty() || !schema.empty())
        throw_input("claims to be curcrunch report " + shown_text(id.empty() ? schema : id) +
                    " (Info dictionary) but has no " + kAttachmentName +
                    " attachment: it was stripped");
}

std::string archived_signature(store::Database& db, const std::string& sha256) {
    auto st = db.prepare("SELECT signature FROM archive_document WHERE sha256 = ?");
    st.bind(1, sha256);
    return st.step() ? st.column_text(0) : "unsigned";
}

// Checks a report against its JSON and the copies of its id the store knows. Returns the
// archived copy when this file is that copy with revisions appended that change nothing
// (checked before: changed_after_signing is empty), that is countersigned: `signed_sha256`, the
// sha256 of the revision the first signature covers ("" for a file without later revisions),
// is the archived file's. Such a copy is the same report, not an altered one.
std::optional<KnownReport> check_report(store::Database& db, const ImportOutcome& o,
                                        const InspectedPdf& p, const ReportMeta& m,
                                        const std::string& signed_sha256) {
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
    auto countersigned = [&](const KnownReport& k) {
        return !signed_sha256.empty() && signed_sha256 == k.sha256;
    };
    if (auto w = written_report(db, m.report_id); w && w->sha256 != o.sha256 && !countersigned(*w))
        throw_input("altered: this store wrote report " + m.report_id + " on " + w->when +
                    " with sha256 " + w->sha256 + "; this file's sha256 is " + o.sha256);
    if (auto i = imported_report(db, m.report_id); i && i->sha256 != o.sha256) {
        if (countersigned(*i)) return i;
        // The archive keeps the first copy of a report it is given. A validly signed copy that
        // differs from an archived one without a valid signature shows that one of the two is
        // not the report as issued — most likely the archived one — but the archive cannot
        // tell which by itself: both are named, and the record stays until someone decides.
        const std::string archived = archived_signature(db, i->sha256);
        if (p.signature.state == SignatureState::valid && archived != "valid")
            throw_input("conflict: this file is report " + m.report_id + ", validly signed by " +
                        p.signature.signer + ", but the archive already holds report " +
                        m.report_id + " from " + i->where + " (imported " + i->when + ", sha256 " +
                        i->sha256 + ", signature " + archived +
                        ") and the two differ: the archive keeps that first record; find out "
                        "which copy is genuine (this file's sha256 is " +
                        o.sha256 + ")");
        throw_input("altered: report " + m.report_id + " is already in the archive (" + i->where +
                    ", sha256 " + i->sha256 + "); this file has the same id and other bytes");
    }
    return std::nullopt;
}

// A curcrunch document's pages carry no annotation but its invisible signature field: any
// other (a text box, a stamp, a form field) draws over the page without touching the content
// streams the pages digest covers.
void check_no_unwritten_annotation(const InspectedPdf& p) {
    if (!p.unwritten_annotation.empty())
        throw_input("altered: " + p.unwritten_annotation +
                    ", which curcrunch never writes (it can draw over the page's figures)");
}

// Revisions appended after the first signature changed what the file shows. For a curcrunch
// document the signed revision is the document as issued, so the file is altered, whoever
// signed the later revisions. Any other PDF is kept as a document, but its signature is not
// valid for what it shows now.
void judge_changes_after_signing(InspectedPdf& p, bool curcrunch_document, size_t file_size) {
    constexpr size_t kNamed = 8;
    std::string what;
    for (size_t i = 0; i < p.changed_after_signing.size() && i < kNamed; ++i)
        what += (i ? ", " : "") + p.changed_after_signing[i];
    if (p.changed_after_signing.size() > kNamed)
        what += " and " + std::to_string(p.changed_after_signing.size() - kNamed) + " more";
    const SignatureCheck& s = p.signature;
    const std::string why =
        "the first signature" + (s.signer.empty() ? std::string() : " (" + s.signer + ")") +
        " covers only the first " + std::to_string(s.signed_bytes) + " of the file's " +
        std::to_string(file_size) + " bytes, and revisions appended after it" +
        (s.later_signers.empty() ? std::string() : " (signed by " + s.later_signers + ")") +
        " changed " + what;
    if (curcrunch_document) throw_input("altered after signing: " + why);
    p.signature.state = SignatureState::untrusted;
    p.signature.detail = why;
}

// The other curcrunch document `p` is, if any: the first kind whose attachment it embeds.
const ArchivedDocumentKind* document_kind(const ImportOptions& options, const InspectedPdf& p) {
    for (const auto& k : options.documents)
        if (p.documents.count(k.attachment)) return &k;
    return nullptr;
}

std::string stored_note(const ImportOutcome& o) {
    std::string note = o.note;
    if (!o.signature_detail.empty())
        note += (note.empty() ? "" : "; ") + ("signature untrusted: " + o.signature_detail);
    return note;
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
    st.bind(13, o.signature).bind(14, o.signer).bind(15, stored_note(o));
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

// Fills `o` from the archived record of these bytes; returns where they were imported from
// and when (`imported_at` alone too).
std::string duplicate_of(store::Database& db, ImportOutcome& o, std::string& imported_at) {
    o.status = ImportOutcome::Status::duplicate;
    auto st = db.prepare(
        "SELECT kind, report_id, invoice_id, pages, signature, signer, note, path, imported_at "
        "FROM archive_document WHERE sha256 = ?");
    st.bind(1, o.sha256);
    if (!st.step()) return "";
    o.kind = st.column_text(0);
    o.report_id = st.column_text(1);
    o.invoice_id = st.column_text(2);
    o.pages = static_cast<int>(st.column_int(3));
    o.signature = st.column_text(4);
    o.signer = st.column_text(5);
    o.note = st.column_text(6);
    imported_at = st.column_text(8);
    return st.column_text(7) + ", imported " + imported_at;
}

// A file already archived, checked again with a trust file. A check may raise the stored
// status (a report first imported without the CA is "valid" once it is given), never lower a
// "valid" one: that record says the signature verified against the trust file of its import,
// and a later check against another file (a rotated CA, another auditor's bundle) or a
// certificate that has expired since proves nothing against it. The difference is reported
// (`recheck_warning`) and the record kept; --require-signature refuses such a file before this
// (exit 3), the record kept too.
void update_checked_record(store::Database& db, ImportOutcome& o, const std::string& was,
                           const std::string& was_signer, const std::string& was_note,
                           const std::string& verified_at) {
    if (was == "valid" && o.signature != "valid") {
        o.recheck_warning = "re-checked against this trust file: " + o.signature +
                            (o.signature_detail.empty() ? "" : " (" + o.signature_detail + ")") +
                            "; the archive keeps 'valid' from " + verified_at;
        o.signature = was;
        o.signer = was_signer;
        o.signature_detail.clear();
        o.note = was_note;
        return;
    }
    const std::string note = stored_note(o);
    if (o.signature == was && o.signer == was_signer && note == was_note) return;
    store::Transaction tx(db);
    auto st = db.prepare(
        "UPDATE archive_document SET signature = ?, signer = ?, note = ? WHERE sha256 = ?");
    st.bind(1, o.signature).bind(2, o.signer).bind(3, note).bind(4, o.sha256);
    st.run();
    tx.commit();
    if (o.signature != was) o.previous_signature = was;
}

}  // namespace

ImportOutcome import_pdf_bytes(store::Database& db, const std::string& name,
                               const std::string& bytes, const ImportOptions& options) {
    ImportOutcome o;
    o.path = name;
    o.sha256 = Sha256::of(bytes);
    std::string archived_as, archived_at;
    if (table_has(db, "SELECT 1 FROM archive_document WHERE sha256 = ?", o.sha256)) {
        archived_as = duplicate_of(db, o, archived_at);
        // Without a trust file, reading the same bytes again would learn nothing new. With one,
        // the file is checked as a new one would be: its signature verified again, and
        // --require-signature holding for what is already archived too.
        if (!options.trust) return o;
    }
    const std::string was = o.signature, was_signer = o.signer, was_note = o.note;
    try {
        std::vector<std::string> wanted;
        for (const auto& k : options.documents)
            wanted.push_back(k.attachment);
        InspectedPdf p =
            inspect_pdf(name, bytes, options.password, options.limits, options.trust, wanted);
        const ArchivedDocumentKind* doc = document_kind(options, p);
        o.pages = p.pages;
        if (p.pages == 0) throw_input("the PDF has no pages (a 0-page file is not a document)");
        if (p.signature.state == SignatureState::broken)
            throw_input("signature broken: " + p.signature.detail);
        if (!p.changed_after_signing.empty())
            judge_changes_after_signing(p, p.report_json || doc, bytes.size());
        o.signature = signature_state_name(p.signature.state);
        o.signer = p.signature.signer;
        std::optional<ReportMeta> meta;
        std::optional<KnownReport> countersigned_of;
        if (p.report_json) {
            try {
                meta = parse_report_json(*p.report_json, false);
            } catch (const Error& e) {
                throw_input(std::string("embedded ") + kAttachmentName + ": " + e.what());
            }
            const size_t covered = p.signature.signed_bytes;
            const std::string signed_sha256 =
                covered > 0 && covered < bytes.size()
                    ? Sha256::of(std::string_view(bytes).substr(0, covered))
                    : std::string();
            countersigned_of = check_report(db, o, p, *meta, signed_sha256);
            check_no_unwritten_annotation(p);
            o.kind = "report";
            o.report_id = meta->report_id;
            o.note.clear();
            const std::string by = p.signature.later_signers.empty()
                                       ? std::string()
                                       : ", countersigned by " + p.signature.later_signers;
            if (auto w = written_report(db, meta->report_id))
                o.note = "the report this store wrote on " + w->when +
                         (w->sha256 == signed_sha256 ? by : std::string());
            if (countersigned_of)
                o.note = "this file is the report archived from " + countersigned_of->where +
                         " (imported " + countersigned_of->when + ", sha256 " +
                         countersigned_of->sha256 + ")" + by + "; the archive keeps that record";
        } else if (doc) {
            check_no_unwritten_annotation(p);
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
        if (countersigned_of) {
            o.status = ImportOutcome::Status::duplicate;
            return o;
        }
        if (!archived_as.empty()) {
            update_checked_record(db, o, was, was_signer, was_note, archived_at);
            o.status = ImportOutcome::Status::duplicate;
            return o;
        }
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
    // A file the archive holds that this check refuses stays archived (its record is not
    // rewritten), but the refusal is as loud as for a new file.
    if (o.status == ImportOutcome::Status::failed && !archived_as.empty())
        o.error = "already in the archive (" + archived_as + "), but " + o.error +
                  (was == "valid" ? "; the archive keeps 'valid' from " + archived_at : "");
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
