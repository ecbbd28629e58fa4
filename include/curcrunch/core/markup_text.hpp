#pragma once
// Escaping for HTML and XML (the dashboard's pages and the SVG charts): & < > " ' become
// entities, so text and attribute values can never open a tag or close an attribute.
#include <string>
#include <string_view>

namespace curcrunch {

std::string markup_escape(std::string_view s);

}  // namespace curcrunch
