#include "curcrunch/core/object_key.hpp"

namespace curcrunch {

bool plain_object_key(std::string_view key) {
    if (key.empty() || key.front() == '/') return false;
    for (unsigned char c : key)
        if (c < 0x20 || c == 0x7F || c == '\\') return false;
    size_t start = 0;
    for (;;) {
        const size_t slash = key.find('/', start);
        const std::string_view part = key.substr(start, slash - start);
        if (part.empty() || part == "." || part == "..") return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

}  // namespace curcrunch
