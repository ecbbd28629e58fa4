#include "curcrunch/chart/svg_backend.hpp"

#include <cmath>
#include <cstdio>

#include "curcrunch/chart/text_metrics.hpp"
#include "curcrunch/core/markup_text.hpp"

namespace curcrunch::chart {
namespace {

std::string esc(const std::string& s) {
    return markup_escape(s);
}

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    std::string s = b;
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string rgb(Color c) {
    char b[8];
    std::snprintf(b, sizeof b, "#%02x%02x%02x", c.r, c.g, c.b);
    return b;
}

// Wraps a shape in its link and tooltip.
std::string wrap(const std::string& shape, const std::string& title, const std::string& href) {
    std::string inner = shape;
    if (!title.empty()) {
        // The tooltip goes inside the shape element: <rect ...><title>..</title></rect>.
        const size_t close = inner.rfind("/>");
        const size_t space = inner.find(' ');
        const std::string tag = inner.substr(1, space - 1);
        inner = inner.substr(0, close) + "><title>" + esc(title) + "</title></" + tag + ">";
    }
    if (!href.empty()) inner = "<a href=\"" + esc(href) + "\">" + inner + "</a>";
    return inner + "\n";
}

struct Writer {
    std::string& o;
    void operator()(const Rect& r) {
        o += wrap("<rect x=\"" + num(r.x) + "\" y=\"" + num(r.y) + "\" width=\"" + num(r.w) +
                      "\" height=\"" + num(r.h) + "\" fill=\"" + rgb(r.fill) + "\"/>",
                  r.title, r.href);
    }
    void operator()(const Line& l) {
        o += "<line x1=\"" + num(l.x1) + "\" y1=\"" + num(l.y1) + "\" x2=\"" + num(l.x2) +
             "\" y2=\"" + num(l.y2) + "\" stroke=\"" + rgb(l.color) + "\" stroke-width=\"" +
             num(l.width) + "\"" + (l.dashed ? " stroke-dasharray=\"3 2\"" : "") + "/>\n";
    }
    void operator()(const Polyline& p) {
        std::string pts;
        for (const auto& q : p.points)
            pts.append(pts.empty() ? "" : " ").append(num(q.x)).append(",").append(num(q.y));
        o += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + rgb(p.color) +
             "\" stroke-width=\"" + num(p.width) + "\" stroke-linejoin=\"round\"/>\n";
    }
    void operator()(const Circle& c) {
        o += wrap("<circle cx=\"" + num(c.cx) + "\" cy=\"" + num(c.cy) + "\" r=\"" + num(c.r) +
                      "\" fill=\"" + rgb(c.fill) + "\"/>",
                  c.title, c.href);
    }
    void operator()(const Wedge& w) {
        const double sweep = w.a1 - w.a0;
        std::string shape;
        if (sweep >= 2 * 3.14159265358979 - 1e-9) {
            shape = "<circle cx=\"" + num(w.cx) + "\" cy=\"" + num(w.cy) + "\" r=\"" + num(w.r) +
                    "\" fill=\"" + rgb(w.fill) + "\"/>";
        } else {
            const double x0 = w.cx + w.r * std::sin(w.a0), y0 = w.cy - w.r * std::cos(w.a0);
            const double x1 = w.cx + w.r * std::sin(w.a1), y1 = w.cy - w.r * std::cos(w.a1);
            shape = "<path d=\"M" + num(w.cx) + "," + num(w.cy) + " L" + num(x0) + "," + num(y0) +
                    " A" + num(w.r) + "," + num(w.r) + " 0 " +
                    (sweep > 3.14159265358979 ? "1" : "0") + " 1 " + num(x1) + "," + num(y1) +
                    " Z\" fill=\"" + rgb(w.fill) + "\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>";
        }
        o += wrap(shape, w.title, w.href);
    }
    void operator()(const Text& t) {
        const char* anchor = t.anchor == Anchor::start    ? "start"
                             : t.anchor == Anchor::middle ? "middle"
                                                          : "end";
        o += "<text x=\"" + num(t.x) + "\" y=\"" + num(t.y) + "\" font-size=\"" + num(t.size) +
             "\" fill=\"" + rgb(t.color) + "\" text-anchor=\"" + anchor + "\"" +
             (t.bold ? " font-weight=\"bold\"" : "") +
             (t.rotate != 0 ? " transform=\"rotate(" + num(-t.rotate) + " " + num(t.x) + " " +
                                  num(t.y) + ")\""
                            : "") +
             ">" + esc(font_safe(t.text)) + "</text>\n";
    }
};

}  // namespace

std::string to_svg(const Scene& s) {
    std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(s.width) +
                    " " + num(s.height) + "\" width=\"" + num(s.width) + "\" height=\"" +
                    num(s.height) +
                    "\" role=\"img\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n<title>" +
                    esc(s.title) + "</title>\n";
    Writer w{o};
    for (const Item& it : s.items)
        std::visit(w, it);
    return o + "</svg>\n";
}

}  // namespace curcrunch::chart
