#include "pdf_import_info.hpp"

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/report/report_scope.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::report {
namespace {

// The Info keys a report carries repeat its JSON; a disagreement means one was edited.
void check_custom_info(const InspectedPdf& p, const ReportMeta& m, const std::string& json) {
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

[[noreturn]] void refuse_standard_info(const std::string& key, const std::string& is,
                                       const std::string& want) {
    throw_input("altered: Info /" + key + " says '" + shown_text(is, 200) + "', but curcrunch " +
                "writes '" + want + "' for the report its embedded " + kAttachmentName +
                " describes: the file's metadata was edited");
}

// Title, Subject and Keywords are what a reader's title bar and the archive listing show; the
// writer derives them from the report's parameters, so they must say what the JSON says. Every
// version of the writer gave each report exactly these Keywords, and a Subject starting with
// the measure and the period; the Title gained the filters ("… · account 1111") shortly before
// JSON version 3, so a report of an earlier version may carry either form.
void check_standard_info(const InspectedPdf& p, const ReportMeta& m) {
    const std::string period = format_day(m.params.from) + " to " + format_day(m.params.to);
    const std::string title = report_title(m.params), plain_title = "AWS cost report " + period;
    const std::string is_title = info_value(p, "Title");
    if (is_title != title && !(m.schema_version < 3 && is_title == plain_title))
        refuse_standard_info("Title", is_title, title);
    const std::string keywords = "AWS, cost, CUR, curcrunch, report " + m.report_id;
    if (info_value(p, "Keywords") != keywords)
        refuse_standard_info("Keywords", info_value(p, "Keywords"), keywords);
    const std::string subject = "AWS cost and usage (" +
                                std::string(store::measure_name(m.params.measure)) + "), Period " +
                                period;
    if (info_value(p, "Subject").rfind(subject, 0) != 0)
        refuse_standard_info("Subject", info_value(p, "Subject"), subject + " …");
}

}  // namespace

std::string info_value(const InspectedPdf& p, const std::string& key) {
    auto it = p.info.find(key);
    return it == p.info.end() ? "" : it->second;
}

void check_info_agrees(const InspectedPdf& p, const ReportMeta& m, const std::string& json) {
    check_custom_info(p, m, json);
    check_standard_info(p, m);
}

}  // namespace curcrunch::report
