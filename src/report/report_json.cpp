#include "curcrunch/report/report_json.hpp"

#include <openssl/rand.h>
#include <simdjson.h>

#include <cstdio>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"

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

[[noreturn]] void bad(const std::string& why) {
    throw_input("report metadata: " + why);
}

std::string get_string(simdjson::dom::element e, const char* key, const std::string& where) {
    std::string_view v;
    if (e[key].get_string().get(v)) bad(where + key + ": missing or not a string");
    return std::string(v);
}

Amount get_amount(simdjson::dom::element e, const std::string& what) {
    std::string_view v;
    Amount a = 0;
    if (e.get_string().get(v) || parse_amount(v, a) != ParseStatus::ok)
        bad(what + ": not an exact decimal amount");
    return a;
}

std::map<std::string, Amount> get_amounts(simdjson::dom::element e, const char* key) {
    simdjson::dom::object o;
    if (e[key].get_object().get(o))
        bad(std::string("totals.") + key + ": missing or not an object");
    std::map<std::string, Amount> out;
    for (auto [k, v] : o)
        out[std::string(k)] = get_amount(v, std::string("totals.") + key + "." + std::string(k));
    return out;
}

Day get_day(simdjson::dom::element e, const char* key) {
    std::string_view v;
    Day d = 0;
    if (e[key].get_string().get(v) || v.size() != 10 || !parse_utc_day(v, d))
        bad(std::string("parameters.") + key + ": expected YYYY-MM-DD");
    return d;
}

// Nesting depth of a JSON text, counted without parsing it (bounded work, no recursion).
size_t max_depth(std::string_view s) {
    size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : s) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
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

std::string report_json(const ReportData& d) {
    const ReportParams& p = d.params;
    std::string o = "{\"schema\":";
    o.append(json_quote(kReportSchemaName));
    o.append(",\"schema_version\":").append(std::to_string(kReportSchemaVersion));
    o.append(",\"report_id\":").append(json_quote(d.report_id));
    o.append(",\"generated_at\":").append(json_quote(d.generated_at));
    o.append(",\"tool\":\"curcrunch\",\"tool_version\":").append(json_quote(CURCRUNCH_VERSION));
    o.append(",\"measure\":\"unblended\",\"currency\":").append(json_quote(d.currency));
    o.append(",\"parameters\":{\"from\":").append(json_quote(format_day(p.from)));
    o.append(",\"to\":").append(json_quote(format_day(p.to)));
    o.append(",\"preset\":").append(json_quote(p.preset));
    o.append(",\"accounts\":").append(strings(p.accounts));
    o.append(",\"services\":").append(strings(p.services));
    o.append(",\"min_cost\":")
        .append(p.min_cost ? json_quote(to_plain_string(*p.min_cost)) : "null");
    o.append(",\"granularity\":").append(json_quote(store::grain_name(p.granularity)));
    o.append(",\"top\":").append(std::to_string(p.top));
    o.append(",\"as_of\":").append(json_quote(format_day(p.as_of))).append("}");
    o.append(",\"totals\":{\"total\":").append(json_quote(to_plain_string(d.totals.total)));
    o.append(",\"by_month\":").append(amounts(d.totals.by_month));
    o.append(",\"by_service\":").append(amounts(d.totals.by_service));
    o.append(",\"by_account\":").append(amounts(d.totals.by_account)).append("}");
    o.append(",\"fingerprint\":").append(json_quote(d.fingerprint));
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

ReportMeta parse_report_json(std::string_view json) {
    if (json.size() > 64 * 1024 * 1024) bad("larger than 64 MB");
    if (max_depth(json) > 16) bad("nested more than 16 levels deep");
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(json.data(), json.size()).get(doc))
        bad(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
    if (!doc.is_object()) bad("not a JSON object");
    ReportMeta m;
    if (get_string(doc, "schema", "") != kReportSchemaName)
        bad("schema is not \"" + std::string(kReportSchemaName) + "\"");
    int64_t version = 0;
    if (doc["schema_version"].get_int64().get(version)) bad("schema_version: missing");
    if (version != kReportSchemaVersion)
        bad("schema_version " + std::to_string(version) +
            " is not supported (this curcrunch "
            "reads version " +
            std::to_string(kReportSchemaVersion) + ")");
    m.schema_version = static_cast<int>(version);
    m.report_id = get_string(doc, "report_id", "");
    if (m.report_id.size() != 36 ||
        m.report_id.find_first_not_of("0123456789abcdef-") != std::string::npos)
        bad("report_id: not a UUID");
    m.generated_at = get_string(doc, "generated_at", "");
    m.tool_version = get_string(doc, "tool_version", "");
    m.currency = get_string(doc, "currency", "");
    m.fingerprint = get_string(doc, "fingerprint", "");
    simdjson::dom::element p, t;
    if (doc["parameters"].get(p) || !p.is_object()) bad("parameters: missing");
    m.params.from = get_day(p, "from");
    m.params.to = get_day(p, "to");
    if (m.params.from > m.params.to) bad("parameters: from is after to");
    m.params.as_of = get_day(p, "as_of");
    m.params.preset = get_string(p, "preset", "parameters.");
    for (const char* key : {"accounts", "services"}) {
        simdjson::dom::array arr;
        if (p[key].get_array().get(arr)) bad(std::string("parameters.") + key + ": not a list");
        for (auto v : arr) {
            std::string_view s;
            if (v.get_string().get(s)) bad(std::string("parameters.") + key + ": not strings");
            (std::string(key) == "accounts" ? m.params.accounts : m.params.services)
                .emplace_back(s);
        }
    }
    if (doc["totals"].get(t) || !t.is_object()) bad("totals: missing");
    simdjson::dom::element total;
    if (t["total"].get(total)) bad("totals.total: missing");
    m.totals.total = get_amount(total, "totals.total");
    m.totals.by_month = get_amounts(t, "by_month");
    m.totals.by_service = get_amounts(t, "by_service");
    m.totals.by_account = get_amounts(t, "by_account");
    Amount sum = 0;
    for (const auto& [k, v] : m.totals.by_month)
        sum += v;
    if (sum != m.totals.total) bad("totals.by_month do not add up to totals.total");
    return m;
}

}  // namespace curcrunch::report
