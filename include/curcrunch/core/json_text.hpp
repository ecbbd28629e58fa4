#pragma once
// Writing JSON text. Reading is simdjson's job; writing is small enough to do here, in one
// place, so every JSON line, request body and export escapes the same way (RFC 8259: quote,
// backslash and control characters; UTF-8 passes through unchanged).
#include <string>
#include <string_view>
#include <vector>

namespace curcrunch {

// Appends `s` escaped, without surrounding quotes.
void append_json_escaped(std::string& out, std::string_view s);
// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);
// `items` as a JSON array of strings: ["a","b"].
std::string json_string_array(const std::vector<std::string>& items);

}  // namespace curcrunch
