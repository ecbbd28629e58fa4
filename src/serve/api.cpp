// The JSON twins of the pages (/api/...): the same figures, amounts as exact decimal strings.
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/report/audit.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/store/query.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

namespace {

std::string jmoney(Amount a) {
    return json_quote(to_plain_string(a));
}

std::string jlist(const std::vector<report::KeyAmount>& v, const char* key_name) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i)
        o.append(i ? "," : "")
            .append("{\"")
            .append(key_name)
            .append("\":")
            .append(json_quote(v[i].key))
            .append(",\"label\":")
            .append(json_quote(v[i].label))
            .append(",\"cost\":")
            .append(jmoney(v[i].amount))
            .append("}");
    return o + "]";
}

std::string jstrings(const std::vector<std::string>& x) {
    std::string o = "[";
    for (size_t i = 0; i < x.size(); ++i)
        o.append(i ? "," : "").append(json_quote(x[i]));
    return o + "]";
}

// The filters the answer is for, as the server understood them.
std::string jparams(const ViewParams& v) {
    const report::ReportParams& p = v.report;
    std::string o = "{\"from\":" + json_quote(format_day(p.from)) +
                    ",\"to\":" + json_quote(format_day(p.to)) +
                    ",\"preset\":" + json_quote(p.preset) +
                    ",\"granularity\":" + json_quote(store::grain_name(p.granularity));
    o.append(",\"accounts\":").append(jstrings(p.accounts)).append(",\"services\":");
    o.append(jstrings(p.services)).append(",\"regions\":").append(jstrings(p.regions));
    o.append(",\"min_cost\":").append(p.min_cost ? jmoney(*p.min_cost) : "null").append("}");
    return o;
}

std::string jchanges(const report::ReportData& d, report::ChangeOf what, const char* key) {
    std::string o = "[";
    for (const report::Change& ch : report::period_changes(d, what))
        o.append(o.size() > 1 ? "," : "")
            .append("{\"")
            .append(key)
            .append("\":")
            .append(json_quote(ch.key))
            .append(",\"current\":")
            .append(jmoney(ch.current))
            .append(",\"previous\":")
            .append(jmoney(ch.previous))
            .append(",\"change\":")
            .append(jmoney(ch.delta()))
            .append("}");
    return o + "]";
}

}  // namespace

std::string overview_json(const ViewContext& c) {
    const ViewParams& v = c.view;
    const report::ReportData& d = c.figures();
    std::string o = "{\"parameters\":" + jparams(v) + ",\"currency\":" + json_quote(d.currency);
    o.append(",\"total\":").append(jmoney(d.totals.total));
    o.append(",\"previous\":{\"from\":").append(json_quote(format_day(d.prev_from)));
    o.append(",\"to\":").append(json_quote(format_day(d.prev_to)));
    o.append(",\"total\":").append(jmoney(d.prev_total)).append("}");
    o.append(",\"forecast\":").append(d.forecast ? jmoney(*d.forecast) : "null");
    o.append(",\"top_services\":").append(jlist(visible(d.services, v.report), "service"));
    o.append(",\"top_accounts\":").append(jlist(visible(d.accounts, v.report), "account"));
    o.append(",\"anomalies\":[");
    for (size_t i = 0; i < d.anomalies.size(); ++i)
        o.append(i ? "," : "")
            .append("{\"day\":")
            .append(json_quote(d.trend[d.anomalies[i].index].key))
            .append(",\"usage_cost\":")
            .append(jmoney(d.anomalies[i].value))
            .append(",\"median\":")
            .append(jmoney(d.anomalies[i].median))
            .append("}");
    return o + "]}";
}

std::string trends_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    return "{\"parameters\":" + jparams(c.view) + ",\"months\":" + jlist(d.months, "month") +
           ",\"trend\":" + jlist(d.trend, "bucket") + "}";
}

std::string services_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    return "{\"parameters\":" + jparams(c.view) + ",\"total\":" + jmoney(d.totals.total) +
           ",\"services\":" + jlist(visible(d.services, c.view.report), "service") + "}";
}

std::string accounts_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    const store::AccountDirectory& dir = c.accounts();
    std::string o = "{\"parameters\":" + jparams(c.view) + ",\"total\":" + jmoney(d.totals.total) +
                    ",\"accounts\":[";
    const store::AccountInfo none;
    bool first = true;
    for (const auto& k : visible(d.accounts, c.view.report)) {
        const store::AccountInfo* a = dir.find(k.key);
        const store::AccountInfo& info = a ? *a : none;
        o.append(first ? "" : ",")
            .append("{\"account\":" + json_quote(k.key))
            .append(",\"label\":" + json_quote(dir.label(k.key)))
            .append(",\"name\":" + json_quote(info.name))
            .append(",\"ou_path\":" + json_quote(info.ou_path))
            .append(",\"ou_ids\":" + json_quote(info.ou_ids))
            .append(",\"status\":" + json_quote(info.state))
            .append(",\"joined\":" + json_quote(info.joined_at))
            .append(",\"payer\":" + json_quote(info.payer))
            .append(",\"payer_label\":" + json_quote(dir.payer_label(k.key)))
            .append(",\"cost\":" + jmoney(k.amount) + "}");
        first = false;
    }
    o.append("],\"ous\":[");
    first = true;
    for (const store::OuGroup& g : ou_groups(c)) {
        o.append(first ? "" : ",")
            .append("{\"ou_path\":" + json_quote(g.ou_path))
            .append(",\"ou_id\":" + json_quote(g.ou_id))
            .append(",\"accounts\":" + jstrings(g.account_ids))
            .append(",\"cost\":" + jmoney(g.cost) + "}");
        first = false;
    }
    return o + "]}";
}

std::string compare_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    return "{\"parameters\":" + jparams(c.view) + ",\"current\":" + jmoney(d.totals.total) +
           ",\"previous\":{\"from\":" + json_quote(format_day(d.prev_from)) +
           ",\"to\":" + json_quote(format_day(d.prev_to)) + ",\"total\":" + jmoney(d.prev_total) +
           "},\"services\":" + jchanges(d, report::ChangeOf::services, "service") +
           ",\"accounts\":" + jchanges(d, report::ChangeOf::accounts, "account") + "}";
}

std::string line_items_json(const ViewContext& c) {
    const ViewParams& v = c.view;
    std::vector<report::LineItem> items = report::line_items(c.db, v.report, &c.cube, 0);
    const size_t from = (static_cast<size_t>(v.page) - 1) * kPageRows;
    std::string o = "{\"parameters\":" + jparams(v) + ",\"rows\":" + std::to_string(items.size()) +
                    ",\"page\":" + std::to_string(v.page) + ",\"line_items\":[";
    for (size_t i = from; i < items.size() && i < from + kPageRows; ++i) {
        const auto& li = items[i];
        o.append(i > from ? "," : "")
            .append("{\"service\":")
            .append(json_quote(li.service))
            .append(",\"usage_type\":")
            .append(json_quote(li.usage_type))
            .append(",\"description\":")
            .append(json_quote(li.description))
            .append(",\"quantity\":")
            .append(jmoney(li.quantity))
            .append(",\"unit\":")
            .append(json_quote(li.unit))
            .append(",\"rate\":")
            .append(li.rate ? jmoney(*li.rate) : "null")
            .append(",\"cost\":")
            .append(jmoney(li.cost))
            .append("}");
    }
    return o + "]}";
}

std::string archive_json(const ViewContext& c) {
    std::map<std::string, size_t> diffs;
    for (const auto& a : report::audit_reports(c.db, "", kUnit / 100, &c.cube))
        diffs[a.report_id] = a.differences.size();
    std::string o = "{\"documents\":[";
    bool first = true;
    for (const auto& r : report::list_archive(c.db)) {
        o.append(first ? "" : ",")
            .append("{\"sha256\":")
            .append(json_quote(r.sha256))
            .append(",\"kind\":")
            .append(json_quote(r.kind))
            .append(",\"report_id\":")
            .append(json_quote(r.report_id))
            .append(",\"invoice_id\":")
            .append(json_quote(r.invoice_id))
            .append(",\"pages\":")
            .append(std::to_string(r.pages))
            .append(",\"audit_differences\":")
            .append(r.kind == "report" && diffs.count(r.report_id)
                        ? std::to_string(diffs[r.report_id])
                        : "null")
            .append("}");
        first = false;
    }
    return o + "]}";
}

}  // namespace curcrunch::serve
