// write_report: the pages in order (pdf_pages.cpp), then qpdf's finishing pass (metadata, the
// embedded JSON of every printed table, encryption, signature), then the file, recorded in the
// store before it appears under its name.
#include "curcrunch/report/pdf_report.hpp"

#include <filesystem>
#include <fstream>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/pdf_layout.hpp"
#include "curcrunch/report/pdf_sign.hpp"
#include "curcrunch/report/report_archive.hpp"
#include "curcrunch/report/report_json.hpp"
#include "curcrunch/report/report_scope.hpp"
#include "pdf_pages.hpp"

namespace curcrunch::report {
namespace {

void write_file_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) throw Error(ErrorKind::internal, path + ": cannot write the PDF");
    sync_file(path);  // on the disk before the store records it (core/durable_file.hpp)
}

std::string pdf_date_now() {
    return "D:" + utc_now("%Y%m%d%H%M%S") + "Z";
}

}  // namespace

WrittenReport write_report(ReportData& d, const std::string& path,
                           const std::optional<PdfPasswords>& passwords) {
    ReportOutput out;
    out.passwords = passwords;
    return write_report(d, path, out);
}

WrittenReport write_report(ReportData& d, const std::string& path, const ReportOutput& out,
                           std::unique_ptr<ReportCanvas> canvas) {
    d.report_id = new_report_id();
    d.generated_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
    if (canvas)
        canvas->layout.set_header_line(header_line(d.params));
    else
        canvas = std::make_unique<ReportCanvas>(header_line(d.params));
    const chart::TextMetrics& m = canvas->metrics;
    PdfLayout& L = canvas->layout;
    TablePrinter P(L, d);
    summary_page(L, P, d);
    trend_page(L, P, d, m);
    service_page(L, P, d, m);
    month_service_page(L, P, d, m);
    month_over_month_page(L, P, d);
    grouping_pages(L, P, d, m);
    comparison_page(L, P, d, m);
    account_page(L, P, d, m);
    line_item_page(L, P, d);
    invoice_page(L, P, d);
    recommendation_page(L, P, d);
    sources_page(L, P, d, out.signer ? out.signer->subject() : "");
    PdfFinisher finisher(L.finish("curcrunch " CURCRUNCH_VERSION " · report " + d.report_id +
                                  " · generated " + d.generated_at));

    PdfInfo info;
    info.title = report_title(d.params);
    info.author = "curcrunch";
    info.subject = "AWS cost and usage (" + std::string(store::measure_name(d.params.measure)) +
                   "), " + header_line(d.params);
    info.keywords = "AWS, cost, CUR, curcrunch, report " + d.report_id;
    info.creator = std::string("curcrunch ") + CURCRUNCH_VERSION;
    info.creation_date = pdf_date_now();
    const std::string json = report_json(d, P.take(), finisher.pages_sha256());
    info.custom = report_info_keys(d, json);
    const std::string bytes =
        finisher.finish(info, kAttachmentName, json, out.passwords, out.signer);
    const std::string sha256 = Sha256::of(bytes);
    // The file appears under its name only once the store (when given) has recorded it.
    const std::string tmp = path + ".tmp";
    try {
        write_file_bytes(tmp, bytes);
        if (out.record_in)
            record_written_report(*out.record_in, d, json, sha256, bytes.size(),
                                  out.recorded_as.empty() ? path : out.recorded_as,
                                  out.signer ? out.signer->subject() : "");
        rename_durably(tmp, path);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;
    }
    return {path, d.report_id, sha256};
}

}  // namespace curcrunch::report
