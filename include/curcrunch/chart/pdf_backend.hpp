#pragma once
// A Scene drawn on a libharu page at (left, top) in the page's top-down coordinates. Wedges are
// flattened to short segments (the same geometry the SVG arc describes); tooltips and links
// have no PDF counterpart and are dropped.
#include <hpdf.h>

#include "curcrunch/chart/scene.hpp"

namespace curcrunch::chart {

struct PdfFonts {
    HPDF_Font regular = nullptr, bold = nullptr;
};

void draw_pdf(HPDF_Page page, const Scene& scene, double left, double top, const PdfFonts& fonts);

}  // namespace curcrunch::chart
