#include "curcrunch/core/value_list.hpp"

namespace curcrunch {

bool split_value_list(std::string_view text, std::vector<std::string>& out) {
    std::vector<std::string> found;
    std::string current;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ',') {
            if (!current.empty()) found.push_back(std::move(current));
            current.clear();
            continue;
        }
        if (c == '\\') {
            // The escaped character is kept as it is, a comma included: it belongs to the
            // value.
            if (i + 1 == text.size() || (text[i + 1] != ',' && text[i + 1] != '\\')) return false;
            current.push_back(text[++i]);
            continue;
        }
        current.push_back(c);
    }
    if (!current.empty()) found.push_back(std::move(current));
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
    return true;
}

std::string escape_list_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == ',' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

std::string join_value_list(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& v : values)
        out.append(out.empty() ? "" : ",").append(escape_list_value(v));
    return out;
}

}  // namespace curcrunch
