#include "curcrunch/chart/pdf_backend.hpp"

#include <cmath>

#include "curcrunch/chart/text_metrics.hpp"

namespace curcrunch::chart {
namespace {

struct Painter {
    HPDF_Page page;
    double left, top, page_h;
    const PdfFonts& fonts;
    double X(double x) const { return left + x; }
    double Y(double y) const { return page_h - (top + y); }
    void fill(Color c) { HPDF_Page_SetRGBFill(page, c.r / 255.f, c.g / 255.f, c.b / 255.f); }
    void stroke(Color c, double w) {
        HPDF_Page_SetRGBStroke(page, c.r / 255.f, c.g / 255.f, c.b / 255.f);
        HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(w));
    }
    void operator()(const Rect& r) {
        fill(r.fill);
        HPDF_Page_Rectangle(page, X(r.x), Y(r.y + r.h), r.w, r.h);
        HPDF_Page_Fill(page);
    }
    void operator()(const Line& l) {
        stroke(l.color, l.width);
        if (l.dashed) {
            const HPDF_UINT16 dash[] = {3, 2};
            HPDF_Page_SetDash(page, dash, 2, 0);
        }
        HPDF_Page_MoveTo(page, X(l.x1), Y(l.y1));
        HPDF_Page_LineTo(page, X(l.x2), Y(l.y2));
        HPDF_Page_Stroke(page);
        if (l.dashed) HPDF_Page_SetDash(page, nullptr, 0, 0);
    }
    void operator()(const Polyline& p) {
        if (p.points.size() < 2) return;
        stroke(p.color, p.width);
        HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN);
        HPDF_Page_MoveTo(page, X(p.points[0].x), Y(p.points[0].y));
        for (size_t i = 1; i < p.points.size(); ++i)
            HPDF_Page_LineTo(page, X(p.points[i].x), Y(p.points[i].y));
        HPDF_Page_Stroke(page);
    }
    void operator()(const Circle& c) {
        fill(c.fill);
        HPDF_Page_Circle(page, X(c.cx), Y(c.cy), c.r);
        HPDF_Page_Fill(page);
    }
    void operator()(const Wedge& w) {
        fill(w.fill);
        stroke(Color{255, 255, 255}, 0.8);
        HPDF_Page_MoveTo(page, X(w.cx), Y(w.cy));
        const int steps = std::max(2, static_cast<int>((w.a1 - w.a0) / 0.03));
        for (int i = 0; i <= steps; ++i) {
            const double a = w.a0 + (w.a1 - w.a0) * i / steps;
            HPDF_Page_LineTo(page, X(w.cx + w.r * std::sin(a)), Y(w.cy - w.r * std::cos(a)));
        }
        HPDF_Page_ClosePathFillStroke(page);
    }
    void operator()(const Text& t) {
        const std::string s = font_safe(t.text);
        if (s.empty()) return;
        HPDF_Font f = t.bold ? fonts.bold : fonts.regular;
        HPDF_Page_BeginText(page);
        HPDF_Page_SetFontAndSize(page, f, static_cast<HPDF_REAL>(t.size));
        fill(t.color);
        const double w = HPDF_Page_TextWidth(page, s.c_str());
        const double shift = t.anchor == Anchor::start ? 0 : t.anchor == Anchor::middle ? w / 2 : w;
        const double rad = t.rotate * 3.14159265358979 / 180;
        const double c = std::cos(rad), sn = std::sin(rad);
        HPDF_Page_SetTextMatrix(page, c, sn, -sn, c, X(t.x) - shift * c, Y(t.y) - shift * sn);
        HPDF_Page_ShowText(page, s.c_str());
        HPDF_Page_EndText(page);
    }
};

}  // namespace

void draw_pdf(HPDF_Page page, const Scene& scene, double left, double top, const PdfFonts& fonts) {
    HPDF_Page_GSave(page);
    Painter p{page, left, top, HPDF_Page_GetHeight(page), fonts};
    for (const Item& it : scene.items)
        std::visit(p, it);
    HPDF_Page_GRestore(page);
}

}  // namespace curcrunch::chart
