#include "curcrunch/report/report_json.hpp"

#include <openssl/rand.h>

#include <cstdio>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::report {
namespace {

std::string amounts(const std::map<std::string, Amount>& m) {
    std::string o = "{";
    for (const auto& [k, v] : m)
        o.append(o.size() > 1 ? "," : "")
            .append(json_quote(k))
            .append(":")
            .append(json_quote(to_plain_string(v)));
    return o + "}";
}

std::string strings(const std::vector<std::string>& v) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i)
        o.append(i ? "," : "").append(json_quote(v[i]));
    return o + "]";
}

}  // namespace

std::string new_report_id() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw Error(ErrorKind::internal, "no randomness for a UUID");
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    char s[37];
    std::snprintf(s, sizeof s,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return s;
}

std::string report_json(const ReportData& d, const std::vector<ReportTable>& tables,
                        const std::string& pages_sha256) {
    const ReportParams& p = d.params;
    std::string o = "{\"schema\":";
    o.append(json_quote(kReportSchemaName));
    o.append(",\"schema_version\":").append(std::to_string(kReportSchemaVersion));
    o.append(",\"report_id\":").append(json_quote(d.report_id));
    o.append(",\"generated_at\":").append(json_quote(d.generated_at));
    o.append(",\"tool\":\"curcrunch\",\"tool_version\":").append(json_quote(CURCRUNCH_VERSION));
    o.append(",\"measure\":")
        .append(json_quote(store::measure_name(p.measure)))
        .append(",\"currency\":")
        .append(json_quote(d.currency));
    o.append(",\"parameters\":{\"from\":").append(json_quote(format_day(p.from)));
    o.append(",\"to\":").append(json_quote(format_day(p.to)));
    o.append(",\"preset\":").append(json_quote(p.preset));
    // Absent (a report of every payer, and every report before payers): all payers.
    if (!p.payers.empty()) o.append(",\"payers\":").append(strings(p.payers));
    o.append(",\"accounts\":").append(strings(p.accounts));
    o.append(",\"services\":").append(strings(p.services));
    o.append(",\"min_cost\":")
        .append(p.min_cost ? json_quote(to_plain_string(*p.min_cost)) : "null");
    o.append(",\"granularity\":").append(json_quote(store::grain_name(p.granularity)));
    o.append(",\"top\":").append(std::to_string(p.top));
    o.append(",\"line_items\":").append(std::to_string(p.line_items));
    o.append(",\"as_of\":").append(json_quote(format_day(p.as_of)));
    o.append(",\"regions\":").append(strings(p.regions));
    o.append(",\"compare_from\":")
        .append(p.compare_from ? json_quote(format_day(p.compare_from)) : "null");
    o.append(",\"compare_to\":")
        .append(p.compare_to ? json_quote(format_day(p.compare_to)) : "null");
    // Absent (no grouping, and every report before them): no "Cost by" page.
    if (!p.groupings.empty()) {
        std::vector<std::string> by;
        for (const store::Grouping& g : p.groupings)
            by.push_back(store::grouping_name(g.by, g.key));
        o.append(",\"by\":").append(strings(by));
    }
    o.append("}");
    o.append(",\"totals\":{\"total\":").append(json_quote(to_plain_string(d.totals.total)));
    o.append(",\"by_month\":").append(amounts(d.totals.by_month));
    o.append(",\"by_service\":").append(amounts(d.totals.by_service));
    o.append(",\"by_account\":").append(amounts(d.totals.by_account)).append("}");
    o.append(",\"fingerprint\":").append(json_quote(d.fingerprint));
    o.append(",\"data_through\":")
        .append(d.data_through ? json_quote(format_day(d.data_through)) : "null");
    o.append(",\"data_periods\":[");
    for (size_t i = 0; i < d.data_periods.size(); ++i)
        o.append(i ? "," : "").append(json_quote(format_period(d.data_periods[i])));
    o.append("],\"pages_sha256\":").append(json_quote(pages_sha256));
    o.append(",\"tables\":[");
    for (size_t i = 0; i < tables.size(); ++i)
        o.append(i ? "," : "").append(table_json(tables[i]));
    o.append("]");
    o.append(",\"sources\":[");
    for (size_t i = 0; i < d.sources.size(); ++i) {
        const SourceRef& s = d.sources[i];
        o.append(i ? "," : "").append("{\"period\":").append(json_quote(s.period));
        o.append(",\"path\":").append(json_quote(s.path));
        o.append(",\"sha256\":").append(json_quote(s.sha256));
        o.append(",\"manifest\":").append(json_quote(s.manifest));
        o.append(",\"assembly_id\":").append(json_quote(s.assembly_id)).append("}");
    }
    return o + "]}";
}

std::map<std::string, std::string> report_info_keys(const ReportData& d, const std::string& json) {
    return {{"CurcrunchReportId", d.report_id},
            {"CurcrunchFingerprint", d.fingerprint},
            {"CurcrunchSchema",
             std::string(kReportSchemaName) + "/" + std::to_string(kReportSchemaVersion)},
            {"CurcrunchTotal", to_plain_string(d.totals.total) + " " + d.currency},
            {"CurcrunchJsonSha256", Sha256::of(json)}};
}

}  // namespace curcrunch::report
