// The JSON twins of the pages (/api/...): the same figures, amounts as exact decimal strings.
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/report/audit.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/report/tie_out.hpp"
#include "curcrunch/store/query.hpp"
#include "page_parts.hpp"
#include "pages.hpp"
#include "table_view.hpp"

namespace curcrunch::serve {

namespace {

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
            .append(json_money(v[i].amount))
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
    o.append(",\"payers\":").append(jstrings(p.payers));
    o.append(",\"measure\":").append(json_quote(store::measure_name(p.measure)));
    // The currency of every amount of the answer (serve/currency_choice.hpp).
    o.append(",\"currency\":").append(json_quote(p.currency));
    o.append(",\"min_cost\":").append(p.min_cost ? json_money(*p.min_cost) : "null").append("}");
    return o;
}

// Each key's change; without data for the previous period there is neither a previous amount
// nor a change (null), never a change from $0.
std::string jchanges(const report::ReportData& d, report::ChangeOf what, const char* key) {
    const bool no_base = d.vs_previous.previous.none();
    std::string o = "[";
    for (const report::Change& ch : report::period_changes(d, what))
        o.append(o.size() > 1 ? "," : "")
            .append("{\"")
            .append(key)
            .append("\":")
            .append(json_quote(ch.key))
            .append(",\"current\":")
            .append(json_money(ch.current))
            .append(",\"previous\":")
            .append(no_base ? "null" : json_money(ch.previous))
            .append(",\"change\":")
            .append(no_base ? "null" : json_money(ch.delta()))
            .append("}");
    return o + "]";
}

// {"rows":N,"cost":"X"}: what the view's threshold hid from a list, summed.
std::string jbelow(const std::vector<report::KeyAmount>& all, const report::ReportParams& p) {
    size_t n = 0;
    Amount sum = 0;
    for (const auto& k : all)
        if (!report::at_or_above(p.min_cost, k.amount)) {
            ++n;
            sum += k.amount;
        }
    return "{\"rows\":" + std::to_string(n) + ",\"cost\":" + json_money(sum) + "}";
}

std::string jdays(const std::vector<report::Anomaly>& days) {
    std::string o = "[";
    for (size_t i = 0; i < days.size(); ++i) {
        const report::Anomaly& a = days[i];
        o.append(i ? "," : "")
            .append("{\"day\":")
            .append(json_quote(format_day(a.day)))
            .append(",\"amount\":")
            .append(json_money(a.value))
            .append(",\"median\":")
            .append(json_money(a.median))
            .append(",\"robust_z\":")
            .append(json_quote(report::format_z(a.z)))
            .append(",\"history_days\":")
            .append(std::to_string(a.history))
            .append(",\"drivers\":[");
        for (size_t k = 0; k < a.drivers.size(); ++k) {
            const report::AnomalyDriver& dr = a.drivers[k];
            o.append(k ? "," : "")
                .append("{\"service\":")
                .append(json_quote(dr.service))
                .append(",\"account\":")
                .append(json_quote(dr.account))
                .append(",\"usage_type\":")
                .append(json_quote(dr.usage_type))
                .append(",\"amount\":")
                .append(json_money(dr.amount))
                .append(",\"median\":")
                .append(json_money(dr.median))
                .append(",\"change\":")
                .append(json_money(dr.change()))
                .append("}");
        }
        o += "]}";
    }
    return o + "]";
}

// A window and how much of it has data.
std::string jwindow(const store::WindowCoverage& w, Amount total) {
    return "{\"from\":" + json_quote(format_day(w.from)) +
           ",\"to\":" + json_quote(format_day(w.to)) + ",\"days\":" + std::to_string(w.days) +
           ",\"days_with_data\":" + std::to_string(w.days_with_data) +
           ",\"total\":" + (w.none() ? std::string("null") : json_money(total)) + "}";
}

// A comparison as the pages state it: both sides, like for like, and the verdict ("+5.1%",
// "n/a: no data for ...", "partial: N of M days (...)").
std::string jcomparison(const store::Comparison& c) {
    return "{\"current_label\":" + json_quote(c.current_label) +
           ",\"previous_label\":" + json_quote(c.previous_label) +
           ",\"current\":" + jwindow(c.current, c.now) +
           ",\"previous\":" + jwindow(c.previous, c.before) +
           ",\"like_for_like_cut\":" + (c.like_for_like_cut ? "true" : "false") +
           ",\"verdict\":" + json_quote(c.verdict()) + "}";
}

// Trend buckets: a bucket without data has no cost (null), never zero; `days` are the bucket's
// days within the view (first_day to last_day), and a bucket the view cuts (April to the 20th)
// or with days missing is partial.
std::string jtrend(const std::vector<report::TrendPoint>& v, const report::ReportParams& p,
                   const char* key_name) {
    std::string o = "[";
    for (const auto& t : v) {
        if (!t.no_data() && !report::at_or_above(p.min_cost, t.amount)) continue;
        o.append(o.size() > 1 ? "," : "")
            .append("{\"")
            .append(key_name)
            .append("\":")
            .append(json_quote(t.key))
            .append(",\"cost\":")
            .append(t.no_data() ? "null" : json_money(t.amount))
            .append(",\"days\":" + std::to_string(t.days))
            .append(",\"days_with_data\":" + std::to_string(t.days_with_data))
            .append(",\"first_day\":" + json_quote(format_day(t.first)))
            .append(",\"last_day\":" + json_quote(format_day(t.last)))
            .append(",\"partial\":")
            .append(t.partial() || t.cut() ? "true" : "false")
            .append("}");
    }
    return o + "]";
}

// The view's total: null for a window without data (as coverage.total), never "0".
std::string jview_total(const report::ReportData& d) {
    return d.coverage.none() ? "null" : json_money(d.totals.total);
}

}  // namespace

std::string overview_json(const ViewContext& c) {
    const ViewParams& v = c.view;
    const report::ReportData& d = c.figures();
    std::string o = "{\"parameters\":" + jparams(v) + ",\"currency\":" + json_quote(d.currency);
    o.append(",\"total\":").append(jview_total(d));
    o.append(",\"coverage\":").append(jwindow(d.coverage, d.totals.total));
    o.append(",\"data_through\":")
        .append(d.data_through ? json_quote(format_day(d.data_through)) : "null");
    o.append(",\"previous\":").append(jwindow(d.vs_previous.previous, d.prev_total));
    o.append(",\"vs_previous\":").append(jcomparison(d.vs_previous));
    o.append(",\"vs_year_ago\":").append(jcomparison(d.vs_year_ago));
    o.append(",\"month_over_month\":").append(jcomparison(d.month_over_month));
    o.append(",\"forecast\":").append(d.forecast ? json_money(*d.forecast) : "null");
    o.append(",\"top_services\":").append(jlist(visible(d.services, v.report), "service"));
    o.append(",\"top_accounts\":").append(jlist(visible(d.accounts, v.report), "account"));
    o.append(",\"below_threshold\":{\"services\":").append(jbelow(d.services, v.report));
    o.append(",\"accounts\":").append(jbelow(d.accounts, v.report)).append("}");
    o.append(",\"anomalies\":").append(jdays(d.anomalies));
    return o + ",\"fee_days\":" + jdays(d.fee_days) + "}";
}

std::string trends_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    std::vector<report::KeyAmount> with_data;
    for (const auto& t : d.trend)
        if (!t.no_data()) with_data.push_back(t);
    return "{\"parameters\":" + jparams(c.view) + ",\"months\":" + jtrend(d.months, {}, "month") +
           ",\"trend\":" + jtrend(d.trend, c.view.report, "bucket") +
           ",\"below_threshold\":" + jbelow(with_data, c.view.report) + "}";
}

std::string services_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    return "{\"parameters\":" + jparams(c.view) + ",\"total\":" + jview_total(d) +
           ",\"services\":" + jlist(visible(d.services, c.view.report), "service") +
           ",\"below_threshold\":" + jbelow(d.services, c.view.report) + "}";
}

std::string accounts_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    const store::AccountDirectory& dir = c.accounts();
    std::string o =
        "{\"parameters\":" + jparams(c.view) + ",\"total\":" + jview_total(d) + ",\"accounts\":[";
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
            .append(",\"cost\":" + json_money(k.amount) + "}");
        first = false;
    }
    o.append("],\"ous\":[");
    first = true;
    for (const store::OuGroup& g : ou_groups(c)) {
        o.append(first ? "" : ",")
            .append("{\"ou_path\":" + json_quote(g.ou_path))
            .append(",\"ou_id\":" + json_quote(g.ou_id))
            .append(",\"accounts\":" + jstrings(g.account_ids))
            .append(",\"cost\":" + json_money(g.cost) + "}");
        first = false;
    }
    return o + "],\"below_threshold\":" + jbelow(d.accounts, c.view.report) + "}";
}

std::string compare_json(const ViewContext& c) {
    const report::ReportData& d = c.figures();
    return "{\"parameters\":" + jparams(c.view) + ",\"current\":" + jview_total(d) +
           ",\"previous\":" + jwindow(d.vs_previous.previous, d.prev_total) +
           ",\"comparison\":" + jcomparison(d.vs_previous) +
           ",\"services\":" + jchanges(d, report::ChangeOf::services, "service") +
           ",\"accounts\":" + jchanges(d, report::ChangeOf::accounts, "account") + "}";
}

std::string line_items_json(const ViewContext& c) {
    const ViewParams& v = c.view;
    const report::ReportTable t = line_items_table(c);
    // The page's order (its sort and direction, cost descending by default).
    const std::vector<const report::TableRow*> rows =
        sorted_data_rows(t, v, kLineItemsDefaultSort, true);
    const report::TableRow* below = nullptr;
    const report::TableRow* total = nullptr;
    for (const auto& r : t.rows) {
        if (r.key == report::kBelowRowKey) below = &r;
        if (r.key == report::kTotalRowKey) total = &r;
    }
    auto cell = [&](const report::TableRow& r, const char* col) { return t.cell(r, col); };
    auto num = [&](const std::string& x) {
        return x.empty() ? std::string("null") : json_quote(x);
    };
    const size_t from = (static_cast<size_t>(v.page) - 1) * kPageRows;
    std::string o = "{\"parameters\":" + jparams(v) + ",\"rows\":" + std::to_string(rows.size()) +
                    ",\"page\":" + std::to_string(v.page) + ",\"line_items\":[";
    for (size_t i = from; i < rows.size() && i < from + kPageRows; ++i) {
        const report::TableRow& r = *rows[i];
        o.append(i > from ? "," : "")
            .append("{\"service\":")
            .append(json_quote(cell(r, "service")))
            .append(",\"usage_type\":")
            .append(json_quote(cell(r, "usage_type")))
            .append(",\"description\":")
            .append(json_quote(cell(r, "description")))
            .append(",\"quantity\":")
            .append(num(cell(r, "quantity")))
            .append(",\"unit\":")
            .append(json_quote(cell(r, "unit")))
            .append(",\"rate\":")
            .append(num(cell(r, "rate")))
            .append(",\"cost\":")
            .append(num(cell(r, "cost")))
            .append("}");
    }
    o += "],\"below_threshold\":{\"rows\":";
    // The label says how many: "Below threshold (N)".
    const std::string label = below ? cell(*below, "description") : "";
    const size_t open = label.rfind('(');
    o += open == std::string::npos ? "0" : label.substr(open + 1, label.size() - open - 2);
    o += ",\"cost\":" + (below ? json_quote(cell(*below, "cost")) : json_money(0)) + "}";
    return o + ",\"total\":" + (total ? json_quote(cell(*total, "cost")) : json_money(0)) + "}";
}

std::string archive_json(const ViewContext& c) {
    std::map<std::string, report::AuditResult> audits;
    for (auto& a : report::audit_reports(c.db, "", kUnit / 100, &c.cube))
        audits[a.report_id] = std::move(a);
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
            .append(",\"signature\":")
            .append(json_quote(r.signature))
            .append(",\"signer\":")
            .append(json_quote(r.signer))
            .append(",\"note\":")
            .append(json_quote(r.note));
        const auto a = r.kind == "report" ? audits.find(r.report_id) : audits.end();
        if (a == audits.end()) {
            o += ",\"audit_differences\":null,\"audit_state\":null}";
        } else {
            o.append(",\"audit_differences\":")
                .append(std::to_string(a->second.differences.size()))
                .append(",\"audit_state\":")
                .append(json_quote(report::audit_state_name(a->second)))
                .append(",\"audit_data_loss\":")
                .append(json_quote(report::audit_data_loss(a->second)))
                .append("}");
        }
        first = false;
    }
    return o + "]}";
}

}  // namespace curcrunch::serve
