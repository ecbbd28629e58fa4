#include "uploads.hpp"

#include "curcrunch/billing/invoice_archive.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/serve/html.hpp"
#include "curcrunch/store/store.hpp"
#include "http_reply.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

namespace {

// A file name from a browser, reduced to its last path component and printable characters
// (the library passes "../" through as sent).
std::string safe_name(const std::string& raw) {
    std::string n = raw;
    if (size_t slash = n.find_last_of("/\\"); slash != std::string::npos) n = n.substr(slash + 1);
    std::string out;
    for (unsigned char c : n)
        if (c >= 0x20 && c != 0x7F) out.push_back(static_cast<char>(c));
    while (!out.empty() && out.front() == '.')
        out.erase(0, 1);
    if (out.size() > 120) out.resize(120);
    return out.empty() ? "upload.pdf" : out;
}

// "signature valid (signer)", "signature untrusted (signer: why)", as import-pdf prints it.
std::string signature_text(const report::ImportOutcome& o) {
    std::string s = "signature " + o.signature;
    if (!o.signer.empty() || !o.signature_detail.empty())
        s += " (" + o.signer + (o.signature_detail.empty() ? "" : ": " + o.signature_detail) + ")";
    return s;
}

// The verdict of each file, as HTML paragraphs; the files are imported one at a time.
std::string import_files(Site& site, const httplib::Request& req, size_t& files) {
    std::string notice;
    auto [a, b] = req.files.equal_range("pdf");
    std::lock_guard<std::mutex> l(site.write_lock());
    auto store = store::Store::open(site.options().db_path);
    for (auto it = a; it != b; ++it) {
        ++files;
        const std::string name = safe_name(it->second.filename);
        if (it->second.content.size() > site.options().max_upload_bytes) {
            notice += "<p class=\"error\">" + esc(name) + ": larger than the upload limit</p>";
            continue;
        }
        report::ImportOptions options;
        options.trust = site.trust();
        options.require_signature = site.options().require_signature;
        options.documents = {billing::invoice_archive_kind()};  // invoice PDFs billing wrote
        auto out =
            report::import_pdf_bytes(store->db(), "upload/" + name, it->second.content, options);
        using S = report::ImportOutcome::Status;
        if (out.status == S::failed)
            notice +=
                "<p class=\"error\">" + esc(name) + ": not imported: " + esc(out.error) + "</p>";
        else
            notice += "<p class=\"" + std::string(out.signature == "untrusted" ? "error" : "ok") +
                      "\">" + esc(name) + ": " +
                      (out.status == S::imported ? "imported as " : "already in the archive as ") +
                      esc(out.kind + (out.report_id.empty() ? "" : " " + out.report_id) + ", " +
                          signature_text(out) + (out.note.empty() ? "" : "; " + out.note) +
                          (out.recheck_warning.empty() ? "" : "; " + out.recheck_warning)) +
                      "</p>";
    }
    return notice;
}

}  // namespace

void handle_upload(Site& site, const Auth& auth, const httplib::Request& req,
                   httplib::Response& res) {
    const ViewParams v = parse_view_params({}, today_utc());
    PageFrame f;
    f.title = "Archive";
    f.path = "/archive";
    f.view = &v;
    f.signout_token = auth.signout_token(req);
    // The archive page again, with the verdicts or the refusal on top.
    auto answer = [&](int status, const std::string& error, const std::string& notice) {
        f.error = error;
        auto db = site.open_read_only();
        auto cube = site.current_cube(*db);
        ViewContext c(site, v, *db, *cube, auth.form_token(req));
        send_html(res, status, page(f, archive_body(c, notice)));
    };
    // The request guard has refused posts from other sites; the form token proves the page.
    std::string csrf;
    if (req.has_file("csrf")) csrf = req.get_file_value("csrf").content;
    if (!auth.form_token_valid(req, csrf))
        return answer(403,
                      "The upload form has expired or did not come from this page; reload the "
                      "page and try again.",
                      "");
    size_t files = 0;
    const std::string notice = import_files(site, req, files);
    if (files == 0) return answer(400, "No file was uploaded.", "");
    answer(200, "", notice);
}

}  // namespace curcrunch::serve
