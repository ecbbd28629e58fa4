#include "curcrunch/report/pdf_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/pdf_layout.hpp"
#include "curcrunch/report/report_json.hpp"

namespace curcrunch::report {
namespace {

double as_double(Amount a) {  // chart geometry only
    return static_cast<double>(a) / static_cast<double>(kUnit);
}

// The first `top` entries, and everything else summed as "Other".
std::vector<chart::BarItem> top_with_other(const std::vector<KeyAmount>& rows, int top,
                                           const std::string& currency,
                                           const ChartLink& link = nullptr) {
    std::vector<chart::BarItem> out;
    Amount other = 0;
    size_t n_other = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (static_cast<int>(i) < top) {
            out.push_back({rows[i].label.empty() ? rows[i].key : rows[i].label,
                           as_double(rows[i].amount), money_text(rows[i].amount, currency),
                           link ? link(rows[i].key) : "", false});
        } else {
            other += rows[i].amount;
            ++n_other;
        }
    }
    if (n_other > 0)
        out.push_back({"Other (" + std::to_string(n_other) + ")", as_double(other),
                       money_text(other, currency), "", true});
    return out;
}

std::string filters_line(const ReportParams& p) {
    std::string s = "Period " + format_day(p.from) + " to " + format_day(p.to);
    if (!p.preset.empty()) s += " (" + p.preset + ")";
    auto list = [](const std::vector<std::string>& v) {
        std::string o;
        for (const auto& x : v)
            o += (o.empty() ? "" : ", ") + x;
        return o.empty() ? std::string("all") : o;
    };
    s += " · accounts: " + list(p.accounts) + " · services: " + list(p.services);
    if (p.min_cost) s += " · rows under " + format_money(*p.min_cost) + " hidden";
    return s + " · unblended cost";
}

std::string pdf_date_now() {
    return "D:" + utc_now("%Y%m%d%H%M%S") + "Z";
}

std::vector<KeyAmount> visible(const std::vector<KeyAmount>& rows, const ReportParams& p) {
    std::vector<KeyAmount> out;
    for (const auto& r : rows)
        if (!p.min_cost || r.amount >= *p.min_cost || r.amount <= -*p.min_cost) out.push_back(r);
    return out;
}

void summary_page(PdfLayout& L, const ReportData& d) {
    const std::string& c = d.currency;
    L.new_page("Cost summary");
    std::vector<Kpi> k;
    k.push_back({"Total cost", money_text(d.totals.total, c),
                 format_day(d.params.from) + " to " + format_day(d.params.to)});
    k.push_back({"vs the previous period", percent_change(d.totals.total, d.prev_total),
                 money_text(d.totals.total - d.prev_total, c) + " against " +
                     money_text(d.prev_total, c) + " (" + format_day(d.prev_from) + " to " +
                     format_day(d.prev_to) + ")"});
    k.push_back({"vs a year earlier",
                 d.year_ago_total ? percent_change(d.totals.total, *d.year_ago_total) : "n/a",
                 d.year_ago_total ? "against " + money_text(*d.year_ago_total, c)
                                  : "no data for the same dates a year earlier"});
    if (d.months.size() >= 2) {
        const KeyAmount& last = d.months.back();
        const KeyAmount& prev = d.months[d.months.size() - 2];
        k.push_back({"Month over month", percent_change(last.amount, prev.amount),
                     last.key + ": " + money_text(last.amount, c) + ", " + prev.key + ": " +
                         money_text(prev.amount, c)});
    }
    if (d.forecast)
        k.push_back({"Forecast for " + format_period(period_of(d.params.as_of)) + " (estimate)",
                     money_text(*d.forecast, c),
                     "linear from " + money_text(*d.month_to_date, c) + " in " +
                         std::to_string(d.forecast_days_seen) + " of " +
                         std::to_string(d.forecast_days_in_month) + " days"});
    k.push_back({"Data through", d.data_through ? format_day(d.data_through) : "no data",
                 d.last_ingest.empty() ? "" : "last ingest " + d.last_ingest});
    L.kpis(k);
    L.heading("Top services");
    std::vector<std::vector<std::string>> rows;
    auto services = visible(d.services, d.params);
    for (size_t i = 0; i < services.size() && i < 8; ++i) {
        const auto& s = services[i];
        rows.push_back({s.label, s.key, money_text(s.amount, c),
                        percent_change(s.amount + d.totals.total, d.totals.total).substr(1)});
    }
    L.table({{"Service", 230}, {"Code", 120}, {"Cost", 90, true}, {"Share", 75, true}}, rows);
    L.heading("Top accounts");
    rows.clear();
    auto accounts = visible(d.accounts, d.params);
    for (size_t i = 0; i < accounts.size() && i < 8; ++i) {
        const auto& a = accounts[i];
        rows.push_back({d.account_label(a.key), money_text(a.amount, c),
                        percent_change(a.amount + d.totals.total, d.totals.total).substr(1)});
    }
    L.table({{"Account", 350}, {"Cost", 90, true}, {"Share", 75, true}}, rows);
    if (d.forecast)
        L.paragraph("The forecast is an estimate: month-to-date cost " +
                        money_text(*d.month_to_date, c) + " over " +
                        std::to_string(d.forecast_days_seen) + " day(s), extended linearly to " +
                        std::to_string(d.forecast_days_in_month) + " days.",
                    7.5, false, {90, 90, 90});
}

void trend_page(PdfLayout& L, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Cost trends");
    L.chart(monthly_trend_chart(d, m, L.content_width()));
    L.chart(trend_chart(d, m, L.content_width()));
    if (d.params.granularity != store::Grain::day) return;
    L.heading("Anomalous days");
    if (d.anomalies.empty()) {
        L.paragraph(
            "None: no day deviates from its trailing 28-day median by more than 3.5 "
            "robust z-scores and $25.");
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : d.anomalies) {
        char z[32] = "no spread";
        if (!std::isinf(a.z)) std::snprintf(z, sizeof z, "%.1f", a.z);
        rows.push_back({d.trend[a.index].key, money_text(a.value, d.currency),
                        money_text(a.median, d.currency),
                        money_text(a.value - a.median, d.currency), z});
    }
    L.table({{"Day", 110},
             {"Usage cost", 100, true},
             {"28-day median", 100, true},
             {"Deviation", 100, true},
             {"Robust z", 105, true}},
            rows);
}

void service_page(PdfLayout& L, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Cost by service");
    L.chart(service_bar_chart(d, m, L.content_width()));
    L.chart(service_pie_chart(d, m, L.content_width()));
}

void comparison_page(PdfLayout& L, const ReportData& d, const chart::TextMetrics& m) {
    const std::string& c = d.currency;
    L.new_page("Cost comparison with the previous period");
    L.paragraph("This period " + format_day(d.params.from) + " to " + format_day(d.params.to) +
                    " (" + money_text(d.totals.total, c) + ") against " + format_day(d.prev_from) +
                    " to " + format_day(d.prev_to) + " (" + money_text(d.prev_total, c) +
                    "): " + percent_change(d.totals.total, d.prev_total) + ".",
                9);
    L.chart(service_change_chart(d, m, L.content_width()));
    auto table = [&](ChangeOf what) {
        std::vector<std::vector<std::string>> cells;
        for (const Change& ch : period_changes(d, what)) {
            if (cells.size() == 25) break;
            cells.push_back({ch.label, money_text(ch.previous, c), money_text(ch.current, c),
                             money_text(ch.delta(), c), percent_change(ch.current, ch.previous)});
        }
        L.table({{what == ChangeOf::accounts ? "Account" : "Service", 185},
                 {"Previous", 85, true},
                 {"This period", 85, true},
                 {"Change", 85, true},
                 {"Change %", 75, true}},
                cells);
    };
    L.heading("By service (largest changes first)");
    table(ChangeOf::services);
    L.heading("By account (largest changes first)");
    table(ChangeOf::accounts);
}

void account_page(PdfLayout& L, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Per-account breakdown");
    L.chart(account_bar_chart(d, m, L.content_width()));
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : visible(d.accounts, d.params)) {
        auto it = d.prev_accounts.find(a.key);
        const Amount prev = it == d.prev_accounts.end() ? 0 : it->second;
        auto name = d.account_names.find(a.key);
        rows.push_back({a.key, name == d.account_names.end() ? "" : name->second,
                        money_text(a.amount, d.currency),
                        percent_change(a.amount + d.totals.total, d.totals.total).substr(1),
                        percent_change(a.amount, prev)});
    }
    L.table({{"Account", 95},
             {"Name", 180},
             {"Cost", 95, true},
             {"Share", 70, true},
             {"vs previous", 75, true}},
            rows);
}

void line_item_page(PdfLayout& L, const ReportData& d) {
    L.new_page("Top line items");
    std::vector<std::vector<std::string>> rows;
    for (const auto& li : d.line_items) {
        if (d.params.min_cost && li.cost < *d.params.min_cost) continue;
        rows.push_back({li.service, li.usage_type, li.description, format_money(li.quantity, 2),
                        li.unit, li.rate ? format_money(*li.rate, 4) : "",
                        money_text(li.cost, d.currency)});
    }
    if (rows.empty()) {
        L.paragraph("No line items in this period.");
        return;
    }
    L.table({{"Service", 62},
             {"Usage type", 85},
             {"Description", 165},
             {"Quantity", 55, true},
             {"Unit", 45},
             {"Rate", 45, true},
             {"Cost", 58, true}},
            rows);
}

void invoice_page(PdfLayout& L, const ReportData& d) {
    if (d.invoice_months.empty()) return;
    L.new_page("Invoices and reconciliation");
    L.paragraph(
        "Per billing month: the whole bill from the CUR (no filters) against the "
        "invoices AWS issued" +
            std::string(d.has_ce ? " and Cost Explorer" : "") +
            ". Differences over one cent are flagged.",
        8.5);
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> flagged;
    for (const auto& im : d.invoice_months) {
        rows.push_back(
            {im.month, std::to_string(im.invoices), money_text(im.cur_total, im.currency),
             money_text(im.invoice_total, im.currency), money_text(im.invoice_tax, im.currency),
             money_text(im.credits, im.currency),
             im.payment_currency.empty() || im.payment_currency == im.currency
                 ? ""
                 : format_money(im.payment_total) + " " + im.payment_currency,
             im.ce_total ? money_text(*im.ce_total, im.currency) : "",
             (im.flagged ? "FLAG " : "") + money_text(im.difference, im.currency)});
        flagged.push_back(im.flagged);
    }
    L.table({{"Month", 45},
             {"Inv.", 25, true},
             {"CUR total", 65, true},
             {"Invoiced", 65, true},
             {"Tax", 55, true},
             {"Credits", 55, true},
             {"Paid", 70, true},
             {"Cost Explorer", 65, true},
             {"Difference", 70, true}},
            rows, flagged);
}

void recommendation_page(PdfLayout& L, const ReportData& d) {
    L.new_page("Recommendations");
    if (d.recommendations.empty()) {
        L.paragraph("Nothing stands out in this period's data.");
        return;
    }
    for (size_t i = 0; i < d.recommendations.size(); ++i) {
        L.paragraph(std::to_string(i + 1) + ". " + d.recommendations[i].title, 10, true,
                    {20, 40, 80});
        L.paragraph(d.recommendations[i].detail, 9);
        L.skip(4);
    }
}

void sources_page(PdfLayout& L, const ReportData& d) {
    L.new_page("Sources");
    L.kpis({{"Report id", d.report_id.substr(0, 8) + "…", d.report_id},
            {"Generated", d.generated_at.substr(0, 10), d.generated_at},
            {"Tool", std::string("curcrunch ") + CURCRUNCH_VERSION, "unblended cost, exact"}});
    L.paragraph("Data fingerprint (sha256 over the daily rows behind the totals): " + d.fingerprint,
                8);
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : d.sources) {
        std::string path = s.path;
        if (const size_t slash = path.rfind('/'); slash != std::string::npos)
            path = path.substr(slash + 1);
        rows.push_back({s.period, path, s.assembly_id, s.sha256});
    }
    if (rows.empty())
        L.paragraph("No ingests cover this period.");
    else
        L.table({{"Period", 45}, {"File", 150}, {"Assembly", 110}, {"sha256", 210}}, rows);
}

}  // namespace

std::string money_text(Amount a, const std::string& currency) {
    if (currency == "USD" || currency.empty())
        return a < 0 ? "-$" + format_money(-a) : "$" + format_money(a);
    return format_money(a) + " " + currency;
}

namespace {

// A one-series cost line over `points` (key = x label), with `marked` points (anomalies).
chart::Scene cost_line(const std::string& title, const std::vector<KeyAmount>& points,
                       const std::string& currency, const chart::TextMetrics& m, double width,
                       const ChartLink& link, const std::vector<Anomaly>& marked = {}) {
    chart::LineChartSpec s;
    s.title = title;
    s.width = width;
    s.height = 210;
    s.currency = currency;
    chart::LineSeries ser;
    ser.name = "cost";
    for (const auto& k : points) {
        s.x_labels.push_back(k.key);
        if (link) s.x_hrefs.push_back(link(k.key));
        ser.values.push_back(as_double(k.amount));
        ser.value_labels.push_back(money_text(k.amount, currency));
    }
    s.series.push_back(std::move(ser));
    for (const auto& a : marked)
        s.marked.push_back(a.index);
    s.marked_label = "anomalous day";
    return chart::line_chart(s, m);
}

}  // namespace

chart::Scene monthly_trend_chart(const ReportData& d, const chart::TextMetrics& m, double width,
                                 const ChartLink& link) {
    return cost_line("Monthly cost, " + d.months.front().key + " to " + d.months.back().key,
                     d.months, d.currency, m, width, link);
}

chart::Scene trend_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    const store::Grain g = d.params.granularity;
    const std::string title = std::string(g == store::Grain::day     ? "Daily"
                                          : g == store::Grain::week  ? "Weekly"
                                          : g == store::Grain::month ? "Monthly"
                                                                     : "Yearly") +
                              " cost, " + format_day(d.params.from) + " to " +
                              format_day(d.params.to);
    return cost_line(title, d.trend, d.currency, m, width, nullptr, d.anomalies);
}

chart::Scene service_bar_chart(const ReportData& d, const chart::TextMetrics& m, double width,
                               const ChartLink& link) {
    chart::BarChartSpec s;
    s.title = "Cost by service (top " + std::to_string(d.params.top) + ")";
    s.width = width;
    s.currency = d.currency;
    s.items = top_with_other(visible(d.services, d.params), d.params.top, d.currency, link);
    s.height = 40 + 16 * static_cast<double>(s.items.size());
    return chart::bar_chart(s, m);
}

chart::Scene service_pie_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    chart::PieChartSpec s;
    s.title = "Distribution by service";
    s.width = width;
    s.items = top_with_other(visible(d.services, d.params), std::min(d.params.top, 9), d.currency);
    s.height = std::max(170.0, 34 + 13 * static_cast<double>(s.items.size()));
    return chart::pie_chart(s, m);
}

chart::Scene service_change_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    std::map<std::string, std::pair<std::string, Amount>> delta;
    for (const auto& k : d.services)
        delta[k.key] = {k.label, k.amount};
    for (const auto& [key, v] : d.prev_services) {
        auto& e = delta[key];
        if (e.first.empty()) e.first = key;
        e.second -= v;
    }
    std::vector<std::pair<std::string, Amount>> rows;
    for (const auto& [key, e] : delta)
        if (e.second != 0) rows.push_back(e);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        const Amount x = a.second < 0 ? -a.second : a.second,
                     y = b.second < 0 ? -b.second : b.second;
        return x > y;
    });
    if (rows.size() > static_cast<size_t>(d.params.top))
        rows.resize(static_cast<size_t>(d.params.top));
    chart::BarChartSpec s;
    s.title = "Change by service vs the previous period (largest first)";
    s.width = width;
    s.currency = d.currency;
    s.diverging = true;
    for (const auto& [label, amount] : rows)
        s.items.push_back({label, as_double(amount),
                           (amount > 0 ? "+" : "") + money_text(amount, d.currency), "", false});
    s.height = 40 + 16 * static_cast<double>(std::max<size_t>(1, s.items.size()));
    return chart::bar_chart(s, m);
}

chart::Scene account_bar_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    std::vector<KeyAmount> named = visible(d.accounts, d.params);
    for (auto& k : named)
        k.label = d.account_label(k.key);
    chart::BarChartSpec s;
    s.title = "Cost by account (top " + std::to_string(d.params.top) + ")";
    s.width = width;
    s.currency = d.currency;
    s.items = top_with_other(named, d.params.top, d.currency);
    s.height = 40 + 16 * static_cast<double>(std::max<size_t>(1, s.items.size()));
    return chart::bar_chart(s, m);
}

WrittenReport write_report(ReportData& d, const std::string& path,
                           const std::optional<PdfPasswords>& passwords) {
    d.report_id = new_report_id();
    d.generated_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
    chart::TextMetrics m;
    PdfLayout L(m, filters_line(d.params));
    summary_page(L, d);
    trend_page(L, d, m);
    service_page(L, d, m);
    comparison_page(L, d, m);
    account_page(L, d, m);
    line_item_page(L, d);
    invoice_page(L, d);
    recommendation_page(L, d);
    sources_page(L, d);
    const std::string bytes = L.finish("curcrunch " CURCRUNCH_VERSION " · report " + d.report_id +
                                       " · generated " + d.generated_at);

    PdfInfo info;
    info.title = "AWS cost report " + format_day(d.params.from) + " to " + format_day(d.params.to);
    info.author = "curcrunch";
    info.subject = "AWS cost and usage (unblended), " + filters_line(d.params);
    info.keywords = "AWS, cost, CUR, curcrunch, report " + d.report_id;
    info.creator = std::string("curcrunch ") + CURCRUNCH_VERSION;
    info.creation_date = pdf_date_now();
    info.custom["CurcrunchReportId"] = d.report_id;
    info.custom["CurcrunchFingerprint"] = d.fingerprint;
    info.custom["CurcrunchSchema"] =
        std::string(kReportSchemaName) + "/" + std::to_string(kReportSchemaVersion);
    info.custom["CurcrunchTotal"] = to_plain_string(d.totals.total) + " " + d.currency;
    finish_pdf(bytes, info, kAttachmentName, report_json(d), passwords, path);
    return {path, d.report_id, Sha256::of_file(path)};
}

}  // namespace curcrunch::report
