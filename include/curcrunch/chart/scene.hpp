#pragma once
// What a chart is once laid out: a list of drawing primitives in points, origin top-left, y
// down. The chart builders (charts.hpp) compute every position, tick, label and colour; the
// backends (svg_backend.hpp, pdf_backend.hpp) only translate primitives, so the dashboard and
// the PDF show identical charts.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace curcrunch::chart {

struct Color {
    uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Color& o) const { return r == o.r && g == o.g && b == o.b; }
};

struct Point {
    double x = 0, y = 0;
};

// Every primitive may carry a tooltip (`title`, exact values) and a link (`href`, the
// dashboard's zoom); the PDF backend ignores both.
struct Rect {
    double x, y, w, h;
    Color fill;
    std::string title, href;
};
struct Line {
    double x1, y1, x2, y2;
    Color color;
    double width = 1;
    bool dashed = false;
};
struct Polyline {
    std::vector<Point> points;
    Color color;
    double width = 1.5;
};
struct Circle {
    double cx, cy, r;
    Color fill;
    std::string title, href;
};
// A pie slice from angle a0 to a1, radians clockwise from 12 o'clock.
struct Wedge {
    double cx, cy, r, a0, a1;
    Color fill;
    std::string title, href;
};
enum class Anchor { start, middle, end };
struct Text {
    double x, y;  // baseline
    std::string text;
    double size = 8;
    Color color{40, 40, 40};
    Anchor anchor = Anchor::start;
    bool bold = false;
    double rotate = 0;  // degrees, counter-clockwise
};

using Item = std::variant<Rect, Line, Polyline, Circle, Wedge, Text>;

struct Scene {
    double width = 0, height = 0;
    std::string title;  // also the accessible name of the SVG
    std::vector<Item> items;
};

}  // namespace curcrunch::chart
