#include "pdf_pages.hpp"

#include <algorithm>

#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/comparison_text.hpp"
#include "curcrunch/report/report_charts.hpp"
#include "curcrunch/report/report_scope.hpp"

namespace curcrunch::report {

namespace {

// Two kinds of text cells are shortened rather than wrapped, their full value staying in the
// JSON: a cell naming its row's account as "Name (123456789012)" loses characters from the name,
// never the id; an OU path ("Root / A / B") loses its outer OUs first, as the OUs nearest the
// account matter most. Any other text wraps.
std::string shortened(const std::string& cell, const std::string& key, const TableColumn& col,
                      const chart::TextMetrics& m, double room, bool bold) {
    constexpr double kSize = 7.5;
    if (m.width(cell, kSize, bold) <= room) return cell;
    const std::string tail = " (" + key + ")";
    if (!key.empty() && cell.size() > tail.size() &&
        cell.compare(cell.size() - tail.size(), tail.size(), tail) == 0) {
        const double left = room - m.width(tail, kSize, bold);
        if (left >= room / 3)
            return m.fit(cell.substr(0, cell.size() - tail.size()), left, kSize, bold) + tail;
    }
    if (col.key == "ou_path") {
        std::string shown = cell;
        for (size_t cut = cell.find(" / ");
             cut != std::string::npos && m.width(shown, kSize, bold) > room;
             cut = cell.find(" / ", cut + 3))
            shown = "\u2026 / " + cell.substr(cut + 3);
        return shown;
    }
    return cell;
}

}  // namespace

const ReportTable& TablePrinter::make(std::string_view kind, TableParams params) {
    tables_.push_back(build_table(d_, kind, params));
    return tables_.back();
}

void TablePrinter::print(const ReportTable& t) {
    const chart::TextMetrics& m = L_.metrics();
    std::vector<Column> cols;
    // Texts wrap; so do percentages, whose cell may be a status ("partial: 61 of 306 days")
    // rather than a number and must never be cut.
    for (const auto& c : t.columns)
        cols.push_back({c.title, c.width, c.kind != CellKind::text,
                        c.kind == CellKind::text || c.kind == CellKind::percent});
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> emphasis;
    bool abbreviated = false;
    for (const auto& r : t.rows) {
        const bool bold = r.emphasis || r.flagged;
        std::vector<std::string> cells;
        for (size_t i = 0; i < t.columns.size() && i < r.cells.size(); ++i) {
            const TableColumn& c = t.columns[i];
            std::string s = cell_text(c.kind, r.cells[i], d_.currency);
            if (c.kind == CellKind::text) s = shortened(s, r.key, c, m, c.width - 6, bold);
            if (r.flagged && i + 1 == t.columns.size()) s = "FLAG " + s;
            if (c.kind != CellKind::text && c.kind != CellKind::percent &&
                m.width(s, 7.5, bold) > c.width - 6) {
                s = abbreviated_cell_text(c.kind, r.cells[i], d_.currency);
                abbreviated = true;
            }
            cells.push_back(std::move(s));
        }
        rows.push_back(std::move(cells));
        emphasis.push_back(bold);
    }
    L_.table(cols, rows, emphasis);
    if (abbreviated)
        L_.paragraph(
            "\u2248 marks figures abbreviated to fit; the embedded curcrunch-report.json holds "
            "them exact.",
            7, false, {90, 90, 90});
}

namespace {

// Under tables with a share column, when the shares are "n/a": why (their base).
void pdf_share_note(PdfLayout& L, const ReportData& d) {
    if (const std::string note = share_base_note(d); !note.empty())
        L.paragraph(note, 7.5, false, {90, 90, 90});
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
        return r ? cell_text(t.columns[1].kind, r->cells[1], currency) : "";
    }
    std::string change(const std::string& key) const {
        const TableRow* r = find(key);
        return r ? r->cells[2] : "";
    }
};

}  // namespace

void summary_page(PdfLayout& L, TablePrinter& P, const ReportData& d) {
    const Figures f{P.make("summary_figures"), d.currency};
    L.new_page("Cost summary");
    L.paragraph(report_title(d.params), 11, true, {20, 40, 80});
    for (const auto& line :
         scope_lines(d.params, [&](const std::string& id) { return d.account_label(id); }))
        L.paragraph(line, 7.5, false, {70, 70, 70});
    L.skip(4);
    std::vector<Kpi> k;
    // A period without data has no total: "no data", not $0.00.
    k.push_back({"Total cost", d.coverage.none() ? "no data" : f.amount("total_cost"),
                 format_day(d.params.from) + " to " + format_day(d.params.to) +
                     (d.coverage.complete() ? "" : "; " + coverage_note(d.coverage))});
    const ComparisonText prev = comparison_text(d.vs_previous, d.currency);
    k.push_back({"vs the previous period", prev.value, prev.note});
    const ComparisonText year = comparison_text(d.vs_year_ago, d.currency);
    k.push_back({"vs a year earlier", year.value, year.note});
    const ComparisonText mom = comparison_text(d.month_over_month, d.currency);
    k.push_back({"Month over month", mom.value, mom.note});
    if (d.month_complete())
        k.push_back(
            {"Cost of " + format_period(period_of(d.params.as_of)) + " (complete month)",
             f.amount("month_to_date"),
             "actual, with data for all " + std::to_string(d.forecast_days_in_month) + " days"});
    else if (!d.forecast_withheld.empty())
        k.push_back({"Forecast for " + format_period(period_of(d.params.as_of)), "n/a",
                     "partial: " + d.forecast_withheld});
    else if (d.forecast)
        k.push_back({"Forecast for " + format_period(period_of(d.params.as_of)) + " (estimate)",
                     f.amount("forecast"),
                     "linear from " + f.amount("month_to_date") + " in " +
                         std::to_string(d.forecast_days_seen) + " of " +
                         std::to_string(d.forecast_days_in_month) + " days"});
    k.push_back({"Data through", d.data_through ? format_day(d.data_through) : "no data",
                 data_through_note(d)});
    L.kpis(k);
    const std::string top = top_param(d.params.top);
    L.heading("Top services");
    P.print(P.make("top_services", {{"limit", top}}));
    L.heading("Top accounts");
    P.print(P.make("top_accounts", {{"limit", top}}));
    pdf_share_note(L, d);
    if (d.forecast && !d.month_complete())
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
    L.heading("Anomalous days");
    L.paragraph(
        "Each day's usage cost (usage, RI- and Savings Plan-covered usage) is judged against the "
        "28 days with data before it, whatever the period shown: flagged above 3.5 robust "
        "z-scores and a " +
            money_text(AnomalyRule{}.floor, d.currency) +
            " deviation. Days without data are neither judged nor counted.",
        7.5, false, {90, 90, 90});
    const ReportTable& t = P.make("anomalies");
    if (t.rows.empty()) {
        L.paragraph("None in this period.");
    } else {
        P.print(t);
        L.paragraph("What moved (the three largest changes of each day against their own median):",
                    8.5, true);
        P.print(P.make("anomaly_drivers", {{"of", "usage"}}));
    }
    L.heading("Fee days");
    L.paragraph(
        "RI and Savings Plan fees, support and subscriptions are booked on the first of a month "
        "(Savings Plan fees daily); they are judged apart from usage, by the same rule.",
        7.5, false, {90, 90, 90});
    const ReportTable& fees = P.make("fee_days");
    if (fees.rows.empty()) {
        L.paragraph("None in this period.");
    } else {
        P.print(fees);
        P.print(P.make("anomaly_drivers", {{"of", "fees"}}));
    }
}

void service_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Cost by service");
    L.chart(bar_scene(service_bars_title(d),
                      P.make("service_chart", {{"limit", top_param(d.params.top)}}), d, m,
                      L.content_width()));
    L.chart(
        pie_scene(P.make("service_chart", {{"limit", pie_top_param(d)}}), d, m, L.content_width()));
    L.heading("By charge type");
    P.print(P.make("charge_types"));
    pdf_share_note(L, d);
}

void month_service_page(PdfLayout& L, TablePrinter& P, const ReportData& d,
                        const chart::TextMetrics& m) {
    L.new_page("Cost by month and service");
    L.chart(stacked_months_scene(
        P.make("month_service",
               {{"months", stacked_months_param(d)}, {"limit", std::to_string(kStackedServices)}}),
        d, m, L.content_width()));
    L.paragraph("The top " + std::to_string(d.params.top) +
                    " services of the period by month; each column adds up to its month's "
                    "total.",
                8.5);
    std::vector<std::string> months;
    for (Period m = period_of(d.params.from); m <= period_of(d.params.to); m = add_months(m, 1))
        months.push_back(format_period(m));
    for (size_t i = 0; i < months.size(); i += 4) {
        std::string block;
        for (size_t k = i; k < months.size() && k < i + 4; ++k)
            block += (block.empty() ? "" : ",") + months[k];
        P.print(P.make("month_service", {{"months", block}, {"limit", top_param(d.params.top)}}));
    }
}

void month_over_month_page(PdfLayout& L, TablePrinter& P, const ReportData& d) {
    auto services = d.mom.find("services");
    if (services == d.mom.end()) return;
    std::string months;
    bool partial = false;
    for (const store::MomMonth& mm : services->second.months) {
        months += (months.empty() ? "" : ",") + format_period(mm.month);
        partial = partial || mm.partial;
    }
    L.new_page("Month over month");
    L.paragraph("The last " + std::to_string(services->second.months.size()) +
                    " months of the view in " + measure_label(d.params.measure) +
                    ", and the last month's change against the month before, like for like: a "
                    "month the data ends in is compared with the same days of the month before" +
                    (partial ? "; (partial) marks a month with data for only part of it" : "") +
                    ". Each column adds up to its month's total.",
                8.5);
    const std::string limit = top_param(d.params.top);
    L.heading("By service");
    P.print(P.make("month_over_month", {{"of", "services"}, {"months", months}, {"limit", limit}}));
    L.heading("By account");
    P.print(P.make("month_over_month", {{"of", "accounts"}, {"months", months}, {"limit", limit}}));
    // One payer's table would repeat the total.
    if (auto payers = d.mom.find("payers");
        payers != d.mom.end() && payers->second.rows.size() > 1) {
        L.heading("By payer");
        P.print(
            P.make("month_over_month", {{"of", "payers"}, {"months", months}, {"limit", limit}}));
    }
}

void comparison_page(PdfLayout& L, TablePrinter& P, const ReportData& d,
                     const chart::TextMetrics& m) {
    const std::string& c = d.currency;
    L.new_page("Cost comparison with the previous period");
    L.paragraph(comparison_sides(d.vs_previous, c) + ": " + d.vs_previous.verdict() +
                    (d.vs_previous.like_for_like_cut
                         ? " (like for like: both periods through the last day with data)"
                         : "") +
                    ".",
                9);
    // Without data for the previous period there is no change to draw (a bar would be the
    // whole current cost, as if it had been $0 before).
    if (const std::string note = change_chart_note(d); !note.empty())
        L.paragraph(note, 9, true);
    else
        L.chart(bar_scene(kChangeChartTitle,
                          P.make("service_change_chart", {{"limit", top_param(d.params.top)}}), d,
                          m, L.content_width(), nullptr, true));
    const std::string top = top_param(d.params.top);
    L.heading("By service (largest changes first)");
    P.print(P.make("changes", {{"of", "services"}, {"limit", top}}));
    L.heading("By account (largest changes first)");
    P.print(P.make("changes", {{"of", "accounts"}, {"limit", top}}));
}

void account_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m) {
    L.new_page("Per-account breakdown");
    L.chart(bar_scene(account_bars_title(d),
                      P.make("account_chart", {{"limit", top_param(d.params.top)}}), d, m,
                      L.content_width()));
    P.print(P.make("account_breakdown"));
    pdf_share_note(L, d);
}

void line_item_page(PdfLayout& L, TablePrinter& P, const ReportData& d) {
    const size_t limit = d.params.line_items;
    const size_t groups = d.line_items.rows.size();
    if (!d.params.regions.empty()) {
        // No table at all (nor in the JSON): every region's line items would contradict the
        // region's total.
        L.new_page("Line items");
        L.paragraph(kLineItemsNoRegion, 9, true);
        return;
    }
    L.new_page(limit == 0 || limit >= groups ? "Line items" : "Top line items");
    const ReportTable& t =
        P.make("line_items", {{"limit", std::to_string(limit)}, {"rank", "magnitude"}});
    if (t.rows.empty()) {
        L.paragraph("No line items in this period.");
        return;
    }
    L.paragraph(std::to_string(groups) +
                    " line-item group(s) (service, usage type, description, "
                    "unit); " +
                    (limit == 0 || limit >= groups
                         ? std::string("all of them are listed.")
                         : "the " + std::to_string(limit) +
                               " largest by size (credits and negations as well as charges) are "
                               "listed, the rest summed as \"Other\" (report --line-items all "
                               "lists every one)."),
                8);
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
    L.paragraph("Report id " + d.report_id + " \u00b7 generated " + d.generated_at +
                    " \u00b7 curcrunch " + CURCRUNCH_VERSION + " \u00b7 " +
                    measure_label(d.params.measure) + ", exact",
                8);
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

}  // namespace curcrunch::report
