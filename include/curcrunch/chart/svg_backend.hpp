#pragma once
// A Scene as an SVG document: role="img" with a <title>, every primitive's tooltip as a
// <title> child (exact values on hover, read by screen readers) and links as <a href>. No
// script, no external resource; text in DejaVu Sans, the font the layout was measured with.
#include <string>

#include "curcrunch/chart/scene.hpp"

namespace curcrunch::chart {

std::string to_svg(const Scene& scene);

}  // namespace curcrunch::chart
