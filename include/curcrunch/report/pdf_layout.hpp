#pragma once
// Page layout on libharu: an A4 document with the DejaVu fonts embedded (UTF-8), pages with a
// title, the period and filters in the header and page numbers in the footer, wrapped
// paragraphs, and tables that continue on new pages with their header repeated. Coordinates
// are top-down points; the cursor moves down as content is added.
#include <hpdf.h>

#include <functional>
#include <string>
#include <vector>

#include "curcrunch/chart/pdf_backend.hpp"
#include "curcrunch/chart/scene.hpp"
#include "curcrunch/chart/text_metrics.hpp"

namespace curcrunch::report {

struct Kpi {
    std::string label, value, note;  // note: a small line under the value ("" for none)
};

struct Column {
    std::string title;
    double width;        // points
    bool right = false;  // numbers align right (and must fit: the caller abbreviates them)
    // Text wraps onto as many lines as it needs, up to max_lines (0: as many as fit on a page),
    // the last of them cut with "…" when the text needs more.
    bool wrap = false;
    size_t max_lines = 0;
};

class PdfLayout {
  public:
    static constexpr double kPageW = 595.28, kPageH = 841.89, kMargin = 40;

    // `header_line`: the period and filters, repeated under every page title.
    PdfLayout(const chart::TextMetrics& metrics, std::string header_line);
    ~PdfLayout();
    PdfLayout(const PdfLayout&) = delete;
    PdfLayout& operator=(const PdfLayout&) = delete;

    void new_page(const std::string& title);
    // The line under the titles of the pages that follow.
    void set_header_line(std::string line) { header_line_ = std::move(line); }
    // Starts a new page (same title, "continued") when less than `h` points are left.
    void need(double h);
    double y() const { return y_; }
    void skip(double h) { y_ += h; }
    double content_width() const { return kPageW - 2 * kMargin; }

    const chart::TextMetrics& metrics() const { return m_; }
    // `text` broken into lines of at most `width` points: at spaces, and inside a word (after
    // '/', '-', '_', ':' or '.' when it can, anywhere otherwise) when the word alone is wider.
    std::vector<std::string> wrap(const std::string& text, double width, double size,
                                  bool bold = false) const;

    void heading(const std::string& text);
    void paragraph(const std::string& text, double size = 9, bool bold = false,
                   chart::Color color = {40, 40, 40});
    // Figures in boxes, three across the page; notes wrap (the boxes grow).
    void kpis(const std::vector<Kpi>& items);
    void chart(const chart::Scene& scene);
    void table(const std::vector<Column>& cols, const std::vector<std::vector<std::string>>& rows,
               const std::vector<bool>& emphasis = {});
    // Footers ("page N of M", the report id) once every page exists; then the PDF bytes.
    std::string finish(const std::string& footer_left);
    // The same for a document that holds several (a batch of invoices, split afterwards): each
    // section's pages are numbered within the section and carry its footer.
    struct Section {
        size_t first_page = 0, pages = 0;
        std::string footer_left;
    };
    std::string finish(const std::vector<Section>& sections);
    size_t page_count() const { return pages_.size(); }

    HPDF_Doc doc() const { return doc_; }

  private:
    void text(double x, double y, const std::string& s, double size, bool bold,
              chart::Color color = {40, 40, 40}, bool right = false);
    void rule(double y, chart::Color color = {200, 200, 200});
    void table_header(const std::vector<Column>& cols);

    const chart::TextMetrics& m_;
    std::string header_line_, title_;
    std::string error_;  // libharu's last error, written by its callback
    HPDF_Doc doc_ = nullptr;
    chart::PdfFonts fonts_;
    HPDF_Page page_ = nullptr;
    std::vector<HPDF_Page> pages_;
    double y_ = 0;
};

}  // namespace curcrunch::report
