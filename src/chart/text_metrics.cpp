#include "curcrunch/chart/text_metrics.hpp"

#include <hpdf.h>

#include <filesystem>
#include <vector>

#include "curcrunch/core/error.hpp"

namespace curcrunch::chart {
namespace {

void on_hpdf_error(HPDF_STATUS, HPDF_STATUS, void*) {}

// Decodes one UTF-8 sequence at s[i]; returns the code point or -1 when invalid.
int32_t next_code_point(std::string_view s, size_t& i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
        ++i;
        return -1;
    }
    int32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    i += len;
    return cp;
}

bool outside_font(int32_t cp) {
    return (cp >= 0x2E80 && cp <= 0x9FFF) ||  // CJK radicals .. unified ideographs, kana
           (cp >= 0xA000 && cp <= 0xA4CF) ||  // Yi
           (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul syllables
           (cp >= 0xE000 && cp <= 0xF8FF) ||  // private use
           (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility
           (cp >= 0xFE30 && cp <= 0xFE4F) ||  // CJK compatibility forms
           (cp >= 0xFF00 && cp <= 0xFFEF) ||  // half/full width forms
           cp >= 0x10000;                     // emoji and every astral plane
}

void append_utf8(std::string& o, int32_t cp) {
    if (cp < 0x80) {
        o.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        o.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        o.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        o.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        o.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        o.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        o.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        o.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        o.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        o.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace

std::string font_safe(std::string_view s) {
    std::string o;
    o.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const size_t at = i;
        int32_t cp = next_code_point(s, i);
        if (cp < 0)
            append_utf8(o, 0xFFFD);
        else if (cp < 0x20 && cp != '\t')
            o.push_back(' ');
        else if (outside_font(cp))
            append_utf8(o, 0x25A1);
        else
            o.append(s.substr(at, i - at));
    }
    return o;
}

struct TextMetrics::Fonts {
    HPDF_Doc doc = nullptr;
    HPDF_Font regular = nullptr, bold = nullptr;
    ~Fonts() {
        if (doc) HPDF_Free(doc);
    }
};

TextMetrics::TextMetrics() : fonts_(std::make_unique<Fonts>()) {
    for (const char* f : {kFontRegular, kFontBold})
        if (!std::filesystem::exists(f))
            throw Error(ErrorKind::internal,
                        std::string(f) + " is missing (Debian package fonts-dejavu-core)");
    fonts_->doc = HPDF_New(on_hpdf_error, nullptr);
    if (!fonts_->doc) throw Error(ErrorKind::internal, "libharu: cannot create a document");
    HPDF_UseUTFEncodings(fonts_->doc);
    const char* r = HPDF_LoadTTFontFromFile(fonts_->doc, kFontRegular, HPDF_FALSE);
    const char* b = HPDF_LoadTTFontFromFile(fonts_->doc, kFontBold, HPDF_FALSE);
    fonts_->regular = r ? HPDF_GetFont(fonts_->doc, r, "UTF-8") : nullptr;
    fonts_->bold = b ? HPDF_GetFont(fonts_->doc, b, "UTF-8") : nullptr;
    if (!fonts_->regular || !fonts_->bold)
        throw Error(ErrorKind::internal, "libharu: cannot load the DejaVu fonts");
}

TextMetrics::~TextMetrics() = default;

double TextMetrics::width(std::string_view utf8, double size, bool bold) const {
    if (utf8.empty()) return 0;
    const std::string safe = font_safe(utf8);
    HPDF_TextWidth tw = HPDF_Font_TextWidth(bold ? fonts_->bold : fonts_->regular,
                                            reinterpret_cast<const HPDF_BYTE*>(safe.data()),
                                            static_cast<HPDF_UINT>(safe.size()));
    return tw.width * size / 1000.0;
}

std::string TextMetrics::fit(const std::string& text, double max_width, double size,
                             bool bold) const {
    if (width(text, size, bold) <= max_width) return text;
    const std::string ellipsis = "\xE2\x80\xA6";
    // Cut at code point boundaries, longest prefix that fits with the ellipsis.
    std::vector<size_t> cuts;
    for (size_t i = 0; i < text.size();) {
        next_code_point(text, i);
        cuts.push_back(i);
    }
    size_t lo = 0, hi = cuts.size();
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (width(text.substr(0, cuts[mid - 1]) + ellipsis, size, bold) <= max_width)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo == 0 ? ellipsis : text.substr(0, cuts[lo - 1]) + ellipsis;
}

}  // namespace curcrunch::chart
