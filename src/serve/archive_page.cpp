// The archive: imported PDF reports and invoices, each report with its audit against today's
// data, and the upload form (uploads.cpp takes the files).
#include <algorithm>
#include <filesystem>
#include <map>

#include "curcrunch/report/audit.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "uploads.hpp"

namespace curcrunch::serve {

namespace {

std::string upload_form(const std::string& form_token) {
    return "<form class=\"upload\" method=\"post\" action=\"" + std::string(kUploadPath) +
           "\" enctype=\"multipart/form-data\">\n<input type=\"hidden\" name=\"csrf\" "
           "value=\"" +
           esc(form_token) +
           "\">\n<label>Import PDF reports or invoices <input type=\"file\" name=\"pdf\" "
           "accept=\"application/pdf\" multiple required></label>\n<button "
           "type=\"submit\">Import</button>\n</form>\n";
}

constexpr size_t kDifferencesShown = 8;

std::string audit_cell(const report::AuditResult* audit, const store::AccountDirectory& accounts) {
    if (!audit) return "";
    if (audit->differences.empty()) return "matches today's data";
    // How many figures changed and how many lost their data, then which periods left.
    std::map<report::AuditCell::Status, size_t> by_status;
    for (const auto& d : audit->differences)
        ++by_status[d.status];
    std::string counts;
    for (const auto& [status, n] : by_status)
        counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " +
                  report::audit_status_name(status);
    std::string o = "<span class=\"flag\">" + std::to_string(audit->differences.size()) +
                    " difference(s)</span> (" + esc(counts) + ")";
    if (const std::string loss = report::audit_data_loss(*audit); !loss.empty())
        o += "<br><b>" + esc(loss) + "</b>";
    // A row keyed by an account id reads "Name (id)"; other keys (services, months, line
    // items) are never in the directory and come back unchanged.
    // The first few, the totals first; `curcrunch audit` lists them all.
    const size_t shown = std::min(audit->differences.size(), kDifferencesShown);
    for (size_t i = 0; i < shown; ++i) {
        const auto& d = audit->differences[i];
        o +=
            "<br>" + esc(d.kind + " " + accounts.label(d.key) +
                         (d.column.empty() ? "" : " " + d.column) + ": " + d.reported + " \u2192 " +
                         d.current + " (" + report::audit_status_name(d.status) + ")");
    }
    if (shown < audit->differences.size())
        o += "<br>" + esc("\u2026 and " + std::to_string(audit->differences.size() - shown) +
                          " more: curcrunch audit --report-id " + audit->report_id);
    return o;
}

// The signature status and the import's note (e.g. "not a curcrunch report").
std::string signature_and_note(const report::ArchiveRow& r) {
    std::string o;
    if (r.signature != "unsigned")
        o += esc("signature " + r.signature + (r.signer.empty() ? "" : " (" + r.signer + ")"));
    if (!r.note.empty()) o += (o.empty() ? "" : "<br>") + esc(r.note);
    return o;
}

}  // namespace

std::string archive_body(const ViewContext& c, const std::string& notice) {
    const ViewParams& v = c.view;
    std::string o = notice + upload_form(c.form_token);
    std::map<std::string, report::AuditResult> audits;
    for (auto& a : report::audit_reports(c.db, "", kUnit / 100, &c.cube))
        audits[a.report_id] = std::move(a);
    std::vector<Row> rows;
    for (const auto& r : report::list_archive(c.db)) {
        const report::AuditResult* audit = nullptr;
        if (r.kind == "report")
            if (auto it = audits.find(r.report_id); it != audits.end()) audit = &it->second;
        rows.push_back(
            {{esc(r.imported_at), esc(r.kind),
              esc(r.report_id.empty() ? r.invoice_id : r.report_id),
              esc(std::filesystem::path(r.path).filename().string()), esc(r.title),
              std::to_string(r.pages),
              audit_cell(audit, c.accounts()) + (audit ? "<br>" : "") + signature_and_note(r)},
             {0, 0, 0, 0, 0, r.pages * kUnit, 0}});
    }
    const std::vector<TableColumn> cols = {{"imported", "Imported"},   {"kind", "Kind"},
                                           {"id", "Report / invoice"}, {"file", "File"},
                                           {"title", "Title"},         {"pages", "Pages", true},
                                           {"audit", "Audit"}};
    const std::string sort = v.sort.empty() ? "imported" : v.sort;
    sort_rows(rows, cols, sort, v.sort.empty() || v.descending);
    return o + sortable_table("Archive", "/archive", v, cols, cells_of(rows), sort,
                              v.sort.empty() || v.descending);
}

std::string archive_page(const ViewContext& c, PageFrame& f) {
    f.crumbs.clear();
    return archive_body(c, "");
}

}  // namespace curcrunch::serve
