#include "curcrunch/core/shown_text.hpp"

#include <cstdio>

#include "curcrunch/core/secret.hpp"

namespace curcrunch {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF are not valid). `cp` receives the code point.
size_t utf8_sequence(std::string_view s, size_t i, uint32_t& cp) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    size_t n;
    if (c < 0x80) {
        cp = c;
        return 1;
    } else if ((c >> 5) == 6) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c >> 4) == 14) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c >> 3) == 30) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(k) & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

bool invisible_control(uint32_t cp) {
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

}  // namespace

std::string shown_text(std::string_view quoted, size_t max_bytes) {
    // Blanked before the cut, which could otherwise leave a secret's head.
    const std::string clear = without_held_secrets(quoted);
    const std::string_view raw = clear;
    std::string out;
    out.reserve(raw.size() < max_bytes ? raw.size() : max_bytes);
    char buf[16];
    size_t i = 0;
    while (i < raw.size()) {
        uint32_t cp = 0;
        const size_t n = utf8_sequence(raw, i, cp);
        if (i + (n ? n : 1) > max_bytes) {
            out.append("...");
            break;
        }
        if (n == 0) {
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(raw[i]));
            out.append(buf);
            ++i;
        } else if (invisible_control(cp)) {
            if (cp < 0x100)
                std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(cp));
            else
                std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
            out.append(buf);
            i += n;
        } else {
            out.append(raw.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace curcrunch
