#include "curcrunch/report/pdf_import.hpp"

#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/report_json.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::report {
namespace fs = std::filesystem;
namespace {

struct FileProblem {
    std::string why;
};

[[noreturn]] void problem(const std::string& why) {
    throw FileProblem{why};
}

// An attachment name must be a plain file name: no directory parts, no "..", no control
// characters — it may be extracted by someone's tool later.
bool safe_attachment_name(const std::string& n) {
    if (n.empty() || n == "." || n == ".." || n.size() > 255) return false;
    for (unsigned char c : n)
        if (c < 0x20 || c == '/' || c == '\\' || c == ':') return false;
    return n.find("..") == std::string::npos;
}

std::string text_of(QPDFObjectHandle o) {
    if (o.isString()) return o.getUTF8Value();
    if (o.isName()) return o.getName();
    if (o.isInteger()) return std::to_string(o.getIntValue());
    return o.unparse();
}

// Collects decoded stream data and gives up past a limit, so a small compressed stream cannot
// expand into gigabytes (a "huge object").
class BoundedSink : public Pipeline {
  public:
    explicit BoundedSink(size_t limit) : Pipeline("bounded sink", nullptr), limit_(limit) {}
    void write(unsigned char const* data, size_t len) override {
        if (data_.size() + len > limit_) throw std::length_error("over the limit");
        data_.append(reinterpret_cast<const char*>(data), len);
    }
    void finish() override {}
    std::string& data() { return data_; }

  private:
    size_t limit_;
    std::string data_;
};

struct Parsed {
    int pages = 0;
    bool encrypted = false;
    std::string title, info_json = "{}", attachments_json = "[]", keywords;
    std::optional<std::string> report_json;
};

Parsed parse_pdf(const std::string& name, const std::string& bytes,
                 const std::optional<Secret>& password, const ImportLimits& limits) {
    if (bytes.size() > limits.max_file_bytes) problem("larger than the import limit");
    if (bytes.find("%PDF-") > 1024) problem("not a PDF (no %PDF- header)");
    Parsed out;
    QPDF q;
    q.setSuppressWarnings(true);
    q.setAttemptRecovery(false);  // a damaged file is reported, not silently rebuilt
    const std::string pw = password ? std::string(password->reveal()) : std::string();
    try {
        q.processMemoryFile(name.c_str(), bytes.data(), bytes.size(),
                            password ? pw.c_str() : nullptr);
    } catch (const QPDFExc& e) {
        if (e.getErrorCode() == qpdf_e_password)
            problem(password ? "encrypted, and the password given does not open it"
                             : "encrypted: give its password with --password-file");
        problem("damaged PDF: " + e.getMessageDetail());
    }
    out.encrypted = q.isEncrypted();
    try {
        if (q.getObjectCount() > limits.max_objects) problem("too many objects");
        out.pages = static_cast<int>(QPDFPageDocumentHelper(q).getAllPages().size());
        QPDFObjectHandle info = q.getTrailer().getKey("/Info");
        if (info.isDictionary()) {
            std::string j = "{";
            for (const auto& key : info.getKeys()) {
                const std::string v = text_of(info.getKey(key));
                j.append(j.size() > 1 ? "," : "").append(json_quote(key.substr(1))).append(":");
                j.append(json_quote(v));
                if (key == "/Title") out.title = v;
                if (key == "/Keywords") out.keywords = v;
            }
            out.info_json = j + "}";
        }
        QPDFEmbeddedFileDocumentHelper efdh(q);
        std::string att = "[";
        for (const auto& [key, spec] : efdh.getEmbeddedFiles()) {
            const std::string fname = spec->getFilename();
            if (!safe_attachment_name(fname) || !safe_attachment_name(key))
                problem("attachment name '" + fname +
                        "' is not a plain file name (path "
                        "traversal refused)");
            QPDFObjectHandle ef_stream = spec->getEmbeddedFileStream();
            if (!ef_stream.isStream()) problem("attachment '" + fname + "' has no data stream");
            QPDFEFStreamObjectHelper ef(ef_stream);
            const std::string mime = ef.getSubtype();
            // The declared size is checked before anything is decoded.
            const size_t declared = ef.getSize();
            if (declared > limits.max_attachment_bytes)
                problem("attachment '" + fname + "' is larger than " +
                        std::to_string(limits.max_attachment_bytes >> 20) + " MiB");
            BoundedSink sink(limits.max_attachment_bytes);
            try {
                bool filtered = false;
                if (!ef_stream.pipeStreamData(&sink, &filtered, 0, qpdf_dl_generalized))
                    problem("attachment '" + fname + "' cannot be decoded");
            } catch (const std::length_error&) {
                problem("attachment '" + fname + "' is larger than " +
                        std::to_string(limits.max_attachment_bytes >> 20) + " MiB");
            }
            att.append(att.size() > 1 ? "," : "")
                .append("{\"name\":")
                .append(json_quote(fname))
                .append(",\"size\":")
                .append(std::to_string(sink.data().size()))
                .append(",\"mime\":")
                .append(json_quote(mime))
                .append("}");
            if (fname == kAttachmentName) out.report_json = std::move(sink.data());
        }
        out.attachments_json = att + "]";
    } catch (const FileProblem&) {
        throw;
    } catch (const std::exception& e) {
        problem(std::string("damaged PDF: ") + e.what());
    }
    if (q.anyWarnings()) problem("damaged PDF: qpdf reported problems reading it");
    return out;
}

bool table_has(store::Database& db, const std::string& sql, const std::string& v) {
    auto st = db.prepare(sql);
    st.bind(1, v);
    return st.step();
}

// An invoice id this PDF belongs to: its file name, its folder (the fetch archive layout
// <invoice>/<document>.pdf) or a word of its Keywords, when the invoice table knows it.
std::string linked_invoice(store::Database& db, const std::string& name, const Parsed& p) {
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

std::string json_list(const std::vector<std::string>& v) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i)
        o.append(i ? "," : "").append(json_quote(v[i]));
    return o + "]";
}

void store_file(store::Database& db, const ImportOutcome& o, const std::string& name,
                const std::string& bytes_size, const Parsed& p, const ReportMeta* meta) {
    store::Transaction tx(db);
    auto st = db.prepare(
        "INSERT INTO archive_document(sha256, path, bytes, pages, kind, title, info, "
        "attachments, encrypted, report_id, invoice_id, imported_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, o.sha256).bind(2, name).bind(3, static_cast<int64_t>(std::stoll(bytes_size)));
    st.bind(4, static_cast<int64_t>(p.pages)).bind(5, o.kind).bind(6, p.title);
    st.bind(7, p.info_json).bind(8, p.attachments_json);
    st.bind(9, static_cast<int64_t>(p.encrypted ? 1 : 0)).bind(10, o.report_id);
    st.bind(11, o.invoice_id).bind(12, store::now_utc_iso());
    st.run();
    if (meta) {
        auto r = db.prepare(
            "INSERT OR REPLACE INTO report(report_id, sha256, generated_at, tool_version, "
            "from_day, to_day, accounts, services, currency, total, fingerprint, metadata) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        r.bind(1, meta->report_id).bind(2, o.sha256).bind(3, meta->generated_at);
        r.bind(4, meta->tool_version);
        r.bind(5, static_cast<int64_t>(to_yyyymmdd(meta->params.from)));
        r.bind(6, static_cast<int64_t>(to_yyyymmdd(meta->params.to)));
        r.bind(7, json_list(meta->params.accounts)).bind(8, json_list(meta->params.services));
        r.bind(9, meta->currency).bind_amount(10, meta->totals.total);
        r.bind(11, meta->fingerprint).bind(12, *p.report_json);
        r.run();
        auto del = db.prepare("DELETE FROM report_total WHERE report_id = ?");
        del.bind(1, meta->report_id);
        del.run();
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

}  // namespace

ImportOutcome import_pdf_bytes(store::Database& db, const std::string& name,
                               const std::string& bytes, const std::optional<Secret>& password,
                               const ImportLimits& limits) {
    ImportOutcome o;
    o.path = name;
    o.sha256 = Sha256::of(bytes);
    if (table_has(db, "SELECT 1 FROM archive_document WHERE sha256 = ?", o.sha256)) {
        o.status = ImportOutcome::Status::duplicate;
        auto st = db.prepare(
            "SELECT kind, report_id, invoice_id, pages FROM archive_document "
            "WHERE sha256 = ?");
        st.bind(1, o.sha256);
        if (st.step()) {
            o.kind = st.column_text(0);
            o.report_id = st.column_text(1);
            o.invoice_id = st.column_text(2);
            o.pages = static_cast<int>(st.column_int(3));
        }
        return o;
    }
    try {
        Parsed p = parse_pdf(name, bytes, password, limits);
        o.pages = p.pages;
        std::optional<ReportMeta> meta;
        if (p.report_json) {
            try {
                meta = parse_report_json(*p.report_json);
            } catch (const Error& e) {
                problem(std::string("embedded ") + kAttachmentName + ": " + e.what());
            }
            o.kind = "report";
            o.report_id = meta->report_id;
        } else {
            o.invoice_id = linked_invoice(db, name, p);
            o.kind = o.invoice_id.empty() ? "pdf" : "invoice";
        }
        store_file(db, o, name, std::to_string(bytes.size()), p, meta ? &*meta : nullptr);
        o.status = ImportOutcome::Status::imported;
    } catch (const FileProblem& e) {
        o.status = ImportOutcome::Status::failed;
        o.error = e.why;
    }
    return o;
}

std::vector<ImportOutcome> import_pdfs(store::Database& db, const std::vector<std::string>& paths,
                                       const std::optional<Secret>& password,
                                       const ImportLimits& limits) {
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
    auto failed = [&](const std::string& f, const char* why) {
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
        if (fs::file_size(f, ec) > limits.max_file_bytes) {
            failed(f, "larger than the import limit");
            continue;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        out.push_back(import_pdf_bytes(db, f, ss.str(), password, limits));
    }
    return out;
}

std::vector<ArchiveRow> list_archive(store::Database& db) {
    auto st = db.prepare(
        "SELECT sha256, path, kind, title, report_id, invoice_id, imported_at, bytes, pages, "
        "encrypted FROM archive_document ORDER BY imported_at, path");
    std::vector<ArchiveRow> out;
    while (st.step())
        out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                       st.column_text(4), st.column_text(5), st.column_text(6), st.column_int(7),
                       st.column_int(8), st.column_int(9) != 0});
    return out;
}

}  // namespace curcrunch::report
