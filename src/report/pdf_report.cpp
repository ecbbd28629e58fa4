#include "curcrunch/report/pdf_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/pdf_layout.hpp"
#include "curcrunch/report/pdf_sign.hpp"
#include "curcrunch/report/report_archive.hpp"
#include "curcrunch/report/report_json.hpp"
#include "curcrunch/report/report_table.hpp"

namespace curcrunch::report {
namespace {

double as_double(Amount a) {  // chart geometry only
    return static_cast<double>(a) / static_cast<double>(kUnit);
}

Amount amount_of(const std::string& cell) {
    Amount a = 0;
    parse_amount(cell, a);
    return a;
}

// A table's cell as the page prints it.
std::string printed(const TableColumn& c, const std::string& cell, const std::string& currency) {
    if (cell.empty()) return cell;
    switch (c.kind) {
        case CellKind::money:
            return money_text(amount_of(cell), currency);
        case CellKind::quantity:
            return format_money(amount_of(cell), 2);
        case CellKind::rate:
            return format_money(amount_of(cell), 4);
        case CellKind::text:
        case CellKind::percent:
            return cell;
    }
    return cell;
}

// A cell in `room` points of `size` pt text. A cell that names its row's account as
// "Name (123456789012)" loses characters from the name, never the id; an OU path ("Root / A / B")
// loses its outer OUs first, as the OUs nearest the account matter most; anything else is cut
// at the end, as any text.
std::string fitted(const std::string& cell, const std::string& key, const TableColumn& col,
                   const chart::TextMetrics& m, double room, double size, bool bold = false) {
    if (m.width(cell, size, bold) <= room) return cell;
    const std::string tail = " (" + key + ")";
    if (!key.empty() && cell.size() > tail.size() &&
        cell.compare(cell.size() - tail.size(), tail.size(), tail) == 0) {
        const double left = room - m.width(tail, size, bold);
        if (left >= room / 3)
            return m.fit(cell.substr(0, cell.size() - tail.size()), left, size, bold) + tail;
    }
    if (col.key == "ou_path") {
        std::string shown = cell;
        for (size_t cut = cell.find(" / ");
             cut != std::string::npos && m.width(shown, size, bold) > room;
             cut = cell.find(" / ", cut + 3))
            shown = "\u2026 / " + cell.substr(cut + 3);
        return m.fit(shown, room, size, bold);
    }
    return m.fit(cell, room, size, bold);
}

// Bars (and pie slices) from a two-column table (label, amount); the row keyed "other" is the
// grey remainder.
std::vector<chart::BarItem> bar_items(const ReportTable& t, const std::string& currency,
                                      const ChartLink& link = nullptr) {
    std::vector<chart::BarItem> out;
    for (const auto& r : t.rows) {
        const bool other = r.key == "other";
        const Amount a = amount_of(r.cells.at(1));
        out.push_back({r.cells.at(0), as_double(a),
                       printed(t.columns.at(1), r.cells.at(1), currency),
                       link && !other ? link(r.key) : "", other});
    }
    return out;
}

// Builds the tables the pages show and remembers every one, so the embedded JSON holds each
// table (and each chart's figures) exactly as printed.
class TablePrinter {
  public:
    TablePrinter(PdfLayout& layout, const ReportData& d, const chart::TextMetrics& m)
        : L_(layout), d_(d), m_(m) {}
    const ReportTable& make(std::string_view kind, TableParams params = {}) {
        tables_.push_back(build_table(d_, kind, params));
        return tables_.back();
    }
    void print(const ReportTable& t) {
        std::vector<Column> cols;
        for (const auto& c : t.columns)
            cols.push_back({c.title, c.width, c.kind != CellKind::text});
        std::vector<std::vector<std::string>> rows;
        std::vector<bool> emphasis;
        for (const auto& r : t.rows) {
            std::vector<std::string> cells;
            for (size_t i = 0; i < t.columns.size() && i < r.cells.size(); ++i)
                cells.push_back(fitted(printed(t.columns[i], r.cells[i], d_.currency), r.key,
                                       t.columns[i], m_, t.columns[i].width - 6, 7.5,
                                       r.emphasis || r.flagged));
            if (r.flagged && !cells.empty()) cells.back() = "FLAG " + cells.back();
            rows.push_back(std::move(cells));
            emphasis.push_back(r.emphasis || r.flagged);
        }
        L_.table(cols, rows, emphasis);
    }
    std::vector<ReportTable> take() { return {tables_.begin(), tables_.end()}; }

  private:
    PdfLayout& L_;
    const ReportData& d_;
    const chart::TextMetrics& m_;
    std::deque<ReportTable> tables_;  // references from make() stay valid
};

std::string filters_line(const ReportData& d) {
    const ReportParams& p = d.params;
    std::string s = "Period " + format_day(p.from) + " to " + format_day(p.to);
    if (!p.preset.empty()) s += " (" + p.preset + ")";
    auto list = [](const std::vector<std::string>& v, auto&& label) {
        std::string o;
        for (const auto& x : v)
            o += (o.empty() ? "" : ", ") + label(x);
        return o.empty() ? std::string("all") : o;
    };
    s += " · accounts: " +
         list(p.accounts, [&](const std::string& id) { return d.account_label(id); }) +
         " · services: " + list(p.services, [](const std::string& x) { return x; });
    if (p.min_cost) s += " · rows under " + format_money(*p.min_cost) + " hidden";
    return s + " · unblended cost";
}

void write_file_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) throw Error(ErrorKind::internal, path + ": cannot write the PDF");
}

std::string pdf_date_now() {
    return "D:" + utc_now("%Y%m%d%H%M%S") + "Z";
}

// The summary figures' cells by row key.
struct Figures {
    const ReportTable& t;
    const std::string& currency;
    const TableRow* find(const std::string& key) const {
        for (const auto& r : t.rows)
            if (r.key == key) return &r;
        return nullptr;
    }
    std::string amount(const std::string& key) const {
        const TableRow* r = find(key);
        return r ? printed(t.columns[1], r->cells[1], currency) : "";
    }
    std::string change(const std::string& key) const {
        const TableRow* r = find(key);
        return r ? r->cells[2] : "";
    }
};

void summary_page(PdfLayout& L, TablePrinter& P, const ReportData& d) {
    const Figures f{P.make("summary_figures"), d.currency};
    L.new_page("Cost summary");
    std::vector<Kpi> k;
    k.push_back({"Total cost", f.amount("total_cost"),
                 format_day(d.params.from) + " to " + format_day(d.params.to)});
    k.push_back({"vs the previous period", f.change("change_vs_previous"),
                 f.amount("change_vs_previous") + " against " + f.amount("previous_total") + " (" +
                     format_day(d.prev_from) + " to " + format_day(d.prev_to) + ")"});
    k.push_back({"vs a year earlier", f.change("change_vs_year_ago"),
                 d.year_ago_total ? "against " + f.amount("year_ago_total")
                                  : "no data for the same dates a year earlier"});
    if (d.months.size() >= 2) {
        const std::string& last = d.months.back().key;
        const std::string& prev = d.months[d.months.size() - 2].key;
        k.push_back({"Month over month", f.change("month_over_month"),
                     last + ": " + f.amount(last) + ", " + prev + ": " + f.amount(prev)});
    }
    if (d.forecast)
        k.push_back({"Forecast for " + format_period(period_of(d.params.as_of)) + " (estimate)",
                     f.amount("forecast"),
                     "linear from " + f.amount("month_to_date") + " in " +
                         std::to_string(d.forecast_days_seen) + " of " +
                         std::to_string(d.forecast_days_in_month) + " days"});
    k.push_back({"Data through", d.data_through ? format_day(d.data_through) : "no data",
                 d.last_ingest.empty() ? "" : "last ingest " + d.last_ingest});
    L.kpis(k);
    L.heading("Top services");
    P.print(P.make("top_services", {{"limit", "8"}}));
    L.heading("Top accounts");
    P.print(P.make("top_accounts", {{"limit", "8"}}));
    if (d.forecast)
        L.paragraph("The forecast is an estimate: month-to-date cost " + f.amount("month_to_date") +
                        " over " + std::to_string(d.forecast_days_seen) +
                        " day(s), extended linearly to " +
                        std::to_string(d.forecast_days_in_month) + " days.",
                    7.5, false, {90, 90, 90});
}

void trend_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Cost trends");
    L.chart(monthly_trend_chart(d, m, L.content_width()));
    L.chart(trend_chart(d, m, L.content_width()));
    if (d.params.granularity != store::Grain::day) return;
    L.heading("Anomalous days");
    const ReportTable& t = P.make("anomalies");
    if (t.rows.empty())
        L.paragraph(
            "None: no day deviates from its trailing 28-day median by more than 3.5 "
            "robust z-scores and $25.");
    else
        P.print(t);
}

std::string top_param(int top) {
    return std::to_string(std::max(top, 0));
}

// A horizontal bar chart of a (label, amount) table.
chart::Scene bar_scene(const std::string& title, const ReportTable& t, const ReportData& d,
                       const chart::TextMetrics& m, double width, const ChartLink& link = nullptr,
                       bool diverging = false) {
    chart::BarChartSpec s;
    s.title = title;
    s.width = width;
    s.currency = d.currency;
    s.diverging = diverging;
    s.items = bar_items(t, d.currency, link);
    // bar_chart gives labels at most 38% of the width, in 7.5 pt: an account's keeps its id.
    for (size_t i = 0; i < s.items.size(); ++i)
        s.items[i].label =
            fitted(s.items[i].label, t.rows[i].key, t.columns.at(0), m, width * 0.38, 7.5);
    if (diverging)
        for (auto& it : s.items)
            if (it.value > 0) it.value_label = "+" + it.value_label;
    s.height = 40 + 16 * static_cast<double>(std::max<size_t>(1, s.items.size()));
    return chart::bar_chart(s, m);
}

chart::Scene pie_scene(const ReportTable& t, const ReportData& d, const chart::TextMetrics& m,
                       double width) {
    chart::PieChartSpec s;
    s.title = "Distribution by service";
    s.width = width;
    s.items = bar_items(t, d.currency);
    s.height = std::max(170.0, 34 + 13 * static_cast<double>(s.items.size()));
    return chart::pie_chart(s, m);
}

std::string service_bars_title(const ReportData& d) {
    return "Cost by service (top " + std::to_string(d.params.top) + ")";
}
const char* kChangeTitle = "Change by service vs the previous period (largest first)";

void service_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Cost by service");
    L.chart(bar_scene(service_bars_title(d),
                      P.make("service_chart", {{"limit", top_param(d.params.top)}}), d, m,
                      L.content_width()));
    L.chart(pie_scene(P.make("service_chart", {{"limit", top_param(std::min(d.params.top, 9))}}), d,
                      m, L.content_width()));
}

void comparison_page(PdfLayout& L, TablePrinter& P, const ReportData& d,
                     const chart::TextMetrics& m) {
    const std::string& c = d.currency;
    L.new_page("Cost comparison with the previous period");
    L.paragraph("This period " + format_day(d.params.from) + " to " + format_day(d.params.to) +
                    " (" + money_text(d.totals.total, c) + ") against " + format_day(d.prev_from) +
                    " to " + format_day(d.prev_to) + " (" + money_text(d.prev_total, c) +
                    "): " + percent_change(d.totals.total, d.prev_total) + ".",
                9);
    L.chart(bar_scene(kChangeTitle,
                      P.make("service_change_chart", {{"limit", top_param(d.params.top)}}), d, m,
                      L.content_width(), nullptr, true));
    L.heading("By service (largest changes first)");
    P.print(P.make("changes", {{"of", "services"}, {"limit", "25"}}));
    L.heading("By account (largest changes first)");
    P.print(P.make("changes", {{"of", "accounts"}, {"limit", "25"}}));
}

std::string account_bars_title(const ReportData& d) {
    return "Cost by account (top " + std::to_string(d.params.top) + ")";
}

void account_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Per-account breakdown");
    L.chart(bar_scene(account_bars_title(d),
                      P.make("account_chart", {{"limit", top_param(d.params.top)}}), d, m,
                      L.content_width()));
    P.print(P.make("account_breakdown"));
}

void line_item_page(PdfLayout& L, TablePrinter& P) {
    L.new_page("Top line items");
    const ReportTable& t = P.make("line_items");
    if (t.rows.empty())
        L.paragraph("No line items in this period.");
    else
        P.print(t);
}

void invoice_page(PdfLayout& L, TablePrinter& P, const ReportData& d) {
    if (d.invoice_months.empty()) return;
    L.new_page("Invoices and reconciliation");
    L.paragraph(
        "Per billing month: the whole bill from the CUR (no filters) against the "
        "invoices AWS issued" +
            std::string(d.has_ce ? " and Cost Explorer" : "") +
            ". Differences over one cent are flagged.",
        8.5);
    P.print(P.make("invoices"));
}

void recommendation_page(PdfLayout& L, TablePrinter& P, const ReportData& d) {
    L.new_page("Recommendations");
    P.make("recommendations");  // the numbers the texts below state, for audit
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

void sources_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const std::string& signer) {
    L.new_page("Sources");
    L.kpis({{"Report id", d.report_id.substr(0, 8) + "…", d.report_id},
            {"Generated", d.generated_at.substr(0, 10), d.generated_at},
            {"Tool", std::string("curcrunch ") + CURCRUNCH_VERSION, "unblended cost, exact"}});
    L.paragraph("Data fingerprint (sha256 over the daily rows behind the totals): " + d.fingerprint,
                8);
    if (!signer.empty())
        L.paragraph("This file carries a PAdES digital signature by " + signer +
                        "; a PDF reader's signature panel (or curcrunch import-pdf) verifies that "
                        "no page or figure changed since it was written.",
                    8);
    const ReportTable& t = P.make("sources");
    if (t.rows.empty())
        L.paragraph("No ingests cover this period.");
    else
        P.print(t);
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
    return bar_scene(service_bars_title(d),
                     build_table(d, "service_chart", {{"limit", top_param(d.params.top)}}), d, m,
                     width, link);
}

chart::Scene service_pie_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    return pie_scene(
        build_table(d, "service_chart", {{"limit", top_param(std::min(d.params.top, 9))}}), d, m,
        width);
}

chart::Scene service_change_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    return bar_scene(kChangeTitle,
                     build_table(d, "service_change_chart", {{"limit", top_param(d.params.top)}}),
                     d, m, width, nullptr, true);
}

chart::Scene account_bar_chart(const ReportData& d, const chart::TextMetrics& m, double width) {
    return bar_scene(account_bars_title(d),
                     build_table(d, "account_chart", {{"limit", top_param(d.params.top)}}), d, m,
                     width);
}

WrittenReport write_report(ReportData& d, const std::string& path,
                           const std::optional<PdfPasswords>& passwords) {
    ReportOutput out;
    out.passwords = passwords;
    return write_report(d, path, out);
}

WrittenReport write_report(ReportData& d, const std::string& path, const ReportOutput& out) {
    d.report_id = new_report_id();
    d.generated_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
    chart::TextMetrics m;
    PdfLayout L(m, filters_line(d));
    TablePrinter P(L, d, m);
    summary_page(L, P, d);
    trend_page(L, P, d, m);
    service_page(L, P, d, m);
    comparison_page(L, P, d, m);
    account_page(L, P, d, m);
    line_item_page(L, P);
    invoice_page(L, P, d);
    recommendation_page(L, P, d);
    sources_page(L, P, d, out.signer ? out.signer->subject() : "");
    PdfFinisher finisher(L.finish("curcrunch " CURCRUNCH_VERSION " · report " + d.report_id +
                                  " · generated " + d.generated_at));

    PdfInfo info;
    info.title = "AWS cost report " + format_day(d.params.from) + " to " + format_day(d.params.to);
    info.author = "curcrunch";
    info.subject = "AWS cost and usage (unblended), " + filters_line(d);
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
    write_file_bytes(tmp, bytes);
    try {
        if (out.record_in)
            record_written_report(*out.record_in, d, json, sha256, bytes.size(),
                                  out.recorded_as.empty() ? path : out.recorded_as,
                                  out.signer ? out.signer->subject() : "");
        std::filesystem::rename(tmp, path);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;
    }
    return {path, d.report_id, sha256};
}

}  // namespace curcrunch::report
