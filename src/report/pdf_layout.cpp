#include "curcrunch/report/pdf_layout.hpp"

#include <algorithm>

#include "curcrunch/core/error.hpp"

namespace curcrunch::report {
namespace {

void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
    *static_cast<std::string*>(user) =
        "libharu error " + std::to_string(error) + " (detail " + std::to_string(detail) + ")";
}

constexpr double kRowH = 13;
// Where a page's content starts, under its title and header line (new_page), and where it must
// end, above the footer (need).
constexpr double kBodyTop = PdfLayout::kMargin + 38;
constexpr double kBodyBottom = PdfLayout::kPageH - PdfLayout::kMargin - 20;

// Whether an ASCII capital at word[i] starts a word inside an identifier: after a small letter
// or a digit ("Amazon|Elasti|Cache"), or ending a run of capitals ("AWS|Support").
bool starts_word(const std::string& word, size_t i) {
    auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    auto lower = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (i == 0 || !upper(word[i])) return false;
    return lower(word[i - 1]) ||
           (upper(word[i - 1]) && i + 1 < word.size() && word[i + 1] >= 'a' && word[i + 1] <= 'z');
}

}  // namespace

PdfLayout::PdfLayout(const chart::TextMetrics& metrics, std::string header_line)
    : m_(metrics), header_line_(std::move(header_line)) {
    doc_ = HPDF_New(on_error, &error_);
    if (!doc_) throw Error(ErrorKind::internal, "libharu: cannot create a document");
    HPDF_SetCompressionMode(doc_, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(doc_);
    const char* r = HPDF_LoadTTFontFromFile(doc_, chart::kFontRegular, HPDF_TRUE);
    const char* b = HPDF_LoadTTFontFromFile(doc_, chart::kFontBold, HPDF_TRUE);
    fonts_.regular = r ? HPDF_GetFont(doc_, r, "UTF-8") : nullptr;
    fonts_.bold = b ? HPDF_GetFont(doc_, b, "UTF-8") : nullptr;
    if (!fonts_.regular || !fonts_.bold) {
        HPDF_Free(doc_);
        throw Error(ErrorKind::internal, "libharu: cannot embed the DejaVu fonts: " + error_);
    }
}

PdfLayout::~PdfLayout() {
    if (doc_) HPDF_Free(doc_);
}

void PdfLayout::text(double x, double y, const std::string& s, double size, bool bold,
                     chart::Color color, bool right) {
    chart::Scene sc;
    sc.items.push_back(chart::Text{x, y, s, size, color,
                                   right ? chart::Anchor::end : chart::Anchor::start, bold, 0});
    chart::draw_pdf(page_, sc, 0, 0, fonts_);
}

void PdfLayout::rule(double y, chart::Color color) {
    chart::Scene sc;
    sc.items.push_back(chart::Line{kMargin, y, kPageW - kMargin, y, color, 0.5, false});
    chart::draw_pdf(page_, sc, 0, 0, fonts_);
}

void PdfLayout::new_page(const std::string& title) {
    title_ = title;
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    pages_.push_back(page_);
    text(kMargin, kMargin + 4, title, 15, true, {20, 40, 80});
    text(kMargin, kMargin + 18, m_.fit(header_line_, content_width(), 7.5), 7.5, false,
         {90, 90, 90});
    rule(kMargin + 23);
    y_ = kBodyTop;
}

void PdfLayout::need(double h) {
    if (y_ + h > kBodyBottom) {
        const std::string t = title_;
        new_page(t.find("(continued)") == std::string::npos ? t + " (continued)" : t);
        title_ = t;
    }
}

void PdfLayout::heading(const std::string& s) {
    need(64);  // the heading, and a table's header and first row (never a heading alone)
    y_ += 6;
    text(kMargin, y_ + 10, s, 11, true, {20, 40, 80});
    y_ += 18;
}

namespace {

// Byte length of the UTF-8 sequence starting with `c`.
size_t utf8_len(unsigned char c) {
    return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
}

}  // namespace

std::vector<std::string> PdfLayout::wrap(const std::string& s, double width, double size,
                                         bool bold) const {
    std::vector<std::string> lines;
    std::string line;
    // A word wider than a line is cut into pieces that fit, preferring a break after a
    // separator or between the words of an identifier ("AWSSupport|Business", not
    // "AWSSupportBusin|ess"); the pieces then flow like words.
    auto pieces = [&](const std::string& word) {
        std::vector<std::string> out;
        std::string cur;
        // The last place in `cur` to break after: a separator, else a word inside it.
        size_t last_sep = std::string::npos, last_word = std::string::npos;
        for (size_t i = 0; i < word.size();) {
            const size_t n =
                std::min(utf8_len(static_cast<unsigned char>(word[i])), word.size() - i);
            const std::string next = cur + word.substr(i, n);
            if (!cur.empty() && m_.width(next, size, bold) > width) {
                const size_t at = last_sep != std::string::npos ? last_sep : last_word;
                if (at != std::string::npos && at + 1 < cur.size()) {
                    out.push_back(cur.substr(0, at + 1));
                    cur = cur.substr(at + 1);
                } else {
                    out.push_back(cur);
                    cur.clear();
                }
                last_sep = last_word = std::string::npos;
                continue;
            }
            if (n == 1 && !cur.empty() && starts_word(word, i)) last_word = cur.size() - 1;
            cur = next;
            if (n == 1 && std::string_view("/-_:.,").find(word[i]) != std::string_view::npos)
                last_sep = cur.size() - 1;
            i += n;
        }
        if (!cur.empty()) out.push_back(cur);
        return out;
    };
    size_t i = 0;
    while (i <= s.size()) {
        size_t j = s.find(' ', i);
        if (j == std::string::npos) j = s.size();
        const std::string word = s.substr(i, j - i);
        for (const std::string& w :
             m_.width(word, size, bold) > width ? pieces(word) : std::vector{word}) {
            const std::string candidate = line.empty() ? w : line + " " + w;
            if (!line.empty() && m_.width(candidate, size, bold) > width) {
                lines.push_back(line);
                line = w;
            } else {
                line = candidate;
            }
        }
        i = j + 1;
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
}

void PdfLayout::paragraph(const std::string& s, double size, bool bold, chart::Color color) {
    for (const auto& l : wrap(s, content_width(), size, bold)) {
        need(size * 1.4);
        text(kMargin, y_ + size, l, size, bold, color);
        y_ += size * 1.4;
    }
    y_ += 3;
}

void PdfLayout::kpis(const std::vector<Kpi>& items) {
    const size_t per_row = 3;
    const double gap = 8, w = (content_width() - gap * (per_row - 1)) / per_row;
    for (size_t i = 0; i < items.size(); i += per_row) {
        // The row's boxes are as tall as its longest note: notes wrap, never cut.
        std::vector<std::vector<std::string>> notes;
        size_t lines = 1;
        for (size_t k = 0; k < per_row && i + k < items.size(); ++k) {
            auto n = wrap(items[i + k].note, w - 16, 6.5);
            lines = std::max(lines, n.size());
            notes.push_back(std::move(n));
        }
        const double h = 46 + 8 * static_cast<double>(lines);
        need(h + gap);
        for (size_t k = 0; k < notes.size(); ++k) {
            const Kpi& kpi = items[i + k];
            const double x = kMargin + static_cast<double>(k) * (w + gap);
            chart::Scene sc;
            sc.items.push_back(chart::Rect{x, y_, w, h, {240, 243, 248}, "", ""});
            chart::draw_pdf(page_, sc, 0, 0, fonts_);
            text(x + 8, y_ + 13, m_.fit(kpi.label, w - 16, 7.5), 7.5, false, {70, 70, 70});
            // Values are short figures; a long one steps down in size rather than being cut.
            double vs = 13;
            while (vs > 8 && m_.width(kpi.value, vs, true) > w - 16)
                vs -= 0.5;
            text(x + 8, y_ + 31, m_.fit(kpi.value, w - 16, vs, true), vs, true, {20, 40, 80});
            for (size_t l = 0; l < notes[k].size(); ++l)
                text(x + 8, y_ + 45 + 8 * static_cast<double>(l), notes[k][l], 6.5, false,
                     {110, 110, 110});
        }
        y_ += h + gap;
    }
}

void PdfLayout::chart(const chart::Scene& scene) {
    need(scene.height + 8);
    chart::draw_pdf(page_, scene, kMargin, y_, fonts_);
    y_ += scene.height + 8;
}

void PdfLayout::table_header(const std::vector<Column>& cols) {
    std::vector<std::vector<std::string>> titles;
    size_t lines = 1;
    for (const auto& c : cols) {
        titles.push_back(wrap(c.title, c.width - 6, 7.5, true));
        lines = std::max(lines, titles.back().size());
    }
    const double h = kRowH + 2 + 9 * static_cast<double>(lines - 1);
    chart::Scene sc;
    sc.items.push_back(chart::Rect{kMargin, y_, content_width(), h, {225, 231, 240}, "", ""});
    chart::draw_pdf(page_, sc, 0, 0, fonts_);
    double x = kMargin + 3;
    for (size_t i = 0; i < cols.size(); ++i) {
        const Column& c = cols[i];
        for (size_t l = 0; l < titles[i].size(); ++l)
            text(c.right ? x + c.width - 6 : x, y_ + 10 + 9 * static_cast<double>(l), titles[i][l],
                 7.5, true, {20, 40, 80}, c.right);
        x += c.width;
    }
    y_ += h;
}

void PdfLayout::table(const std::vector<Column>& cols,
                      const std::vector<std::vector<std::string>>& rows,
                      const std::vector<bool>& emphasis) {
    need(2 * kRowH + 4);
    const double header_y = y_;
    table_header(cols);
    // A row is never split across pages, so a wrapped cell keeps at most the lines that fit on
    // a new page under the header (or its column's max_lines), the last cut with "…": a taller
    // row would run over the footer and off the page.
    const double header_h = y_ - header_y;
    const size_t page_lines =
        static_cast<size_t>((kBodyBottom - kBodyTop - header_h - kRowH) / 9) + 1;
    for (size_t r = 0; r < rows.size(); ++r) {
        const bool bold = r < emphasis.size() && emphasis[r];
        // Each cell's lines: wrapped text, or one line that the caller made fit.
        std::vector<std::vector<std::string>> cells;
        size_t lines = 1;
        for (size_t c = 0; c < cols.size() && c < rows[r].size(); ++c) {
            const double width = cols[c].width - 6;
            if (cols[c].wrap) {
                std::vector<std::string> w = wrap(rows[r][c], width, 7.5, bold);
                const size_t most =
                    cols[c].max_lines ? std::min(cols[c].max_lines, page_lines) : page_lines;
                if (w.size() > most) {
                    // The next line's text after the last kept one makes fit() cut with "…"
                    // even when the kept line alone would fit.
                    w[most - 1] = m_.fit(w[most - 1] + " " + w[most], width, 7.5, bold);
                    w.resize(most);
                }
                cells.push_back(std::move(w));
            } else {
                cells.push_back({m_.fit(rows[r][c], width, 7.5, bold)});
            }
            lines = std::max(lines, cells.back().size());
        }
        const double h = kRowH + 9 * static_cast<double>(lines - 1);
        if (y_ + h > kBodyBottom) {
            need(kPageH);  // forces the next page
            table_header(cols);
        }
        if (r % 2 == 1) {
            chart::Scene sc;
            sc.items.push_back(
                chart::Rect{kMargin, y_, content_width(), h, {247, 247, 247}, "", ""});
            chart::draw_pdf(page_, sc, 0, 0, fonts_);
        }
        double x = kMargin + 3;
        for (size_t c = 0; c < cells.size(); ++c) {
            for (size_t l = 0; l < cells[c].size(); ++l)
                text(cols[c].right ? x + cols[c].width - 6 : x,
                     y_ + 9.5 + 9 * static_cast<double>(l), cells[c][l], 7.5, bold, {40, 40, 40},
                     cols[c].right);
            x += cols[c].width;
        }
        y_ += h;
    }
    y_ += 8;
}

std::string PdfLayout::finish(const std::string& footer_left) {
    return finish(std::vector<Section>{{0, pages_.size(), footer_left}});
}

std::string PdfLayout::finish(const std::vector<Section>& sections) {
    for (const Section& sec : sections) {
        const std::string total = std::to_string(sec.pages);
        for (size_t i = 0; i < sec.pages && sec.first_page + i < pages_.size(); ++i) {
            page_ = pages_[sec.first_page + i];
            rule(kPageH - kMargin + 2);
            text(kMargin, kPageH - kMargin + 14, m_.fit(sec.footer_left, content_width() - 80, 7),
                 7, false, {110, 110, 110});
            text(kPageW - kMargin, kPageH - kMargin + 14,
                 "page " + std::to_string(i + 1) + " of " + total, 7, false, {110, 110, 110}, true);
        }
    }
    if (HPDF_SaveToStream(doc_) != HPDF_OK)
        throw Error(ErrorKind::internal, "libharu: cannot write the PDF: " + error_);
    HPDF_ResetStream(doc_);
    std::string out;
    for (;;) {
        HPDF_BYTE buf[65536];
        HPDF_UINT32 n = sizeof buf;
        HPDF_STATUS st = HPDF_ReadFromStream(doc_, buf, &n);
        out.append(reinterpret_cast<const char*>(buf), n);
        if (st == HPDF_STREAM_EOF || n == 0) break;
    }
    return out;
}

}  // namespace curcrunch::report
