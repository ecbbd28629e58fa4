#pragma once
// The pages of a report (internal to src/report): each lays out its part of ReportData, and
// every table or figure-printing chart goes through TablePrinter, which builds it with
// build_table and keeps it for the embedded JSON.
#include <deque>
#include <string>
#include <vector>

#include "curcrunch/report/pdf_layout.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_table.hpp"

namespace curcrunch::report {

class TablePrinter {
  public:
    TablePrinter(PdfLayout& layout, const ReportData& d) : L_(layout), d_(d) {}
    const ReportTable& make(std::string_view kind, TableParams params = {});
    // Lays `t` out: text wraps, numbers that do not fit their column are abbreviated (and the
    // page says the JSON has them exact).
    void print(const ReportTable& t);
    std::vector<ReportTable> take() { return {tables_.begin(), tables_.end()}; }

  private:
    PdfLayout& L_;
    const ReportData& d_;
    std::deque<ReportTable> tables_;  // references from make() stay valid
};

void summary_page(PdfLayout& L, TablePrinter& P, const ReportData& d);
void trend_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m);
void service_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m);
void month_service_page(PdfLayout& L, TablePrinter& P, const ReportData& d,
                        const chart::TextMetrics& m);
void month_over_month_page(PdfLayout& L, TablePrinter& P, const ReportData& d);
// A "Cost by" page per ReportParams::groupings (pdf_pages_groups.cpp).
void grouping_pages(PdfLayout& L, TablePrinter& P, const ReportData& d,
                    const chart::TextMetrics& m);
void comparison_page(PdfLayout& L, TablePrinter& P, const ReportData& d,
                     const chart::TextMetrics& m);
void account_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const chart::TextMetrics& m);
void line_item_page(PdfLayout& L, TablePrinter& P, const ReportData& d);
void invoice_page(PdfLayout& L, TablePrinter& P, const ReportData& d);
void recommendation_page(PdfLayout& L, TablePrinter& P, const ReportData& d);
void sources_page(PdfLayout& L, TablePrinter& P, const ReportData& d, const std::string& signer);

}  // namespace curcrunch::report
