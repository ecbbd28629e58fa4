#pragma once
// Text widths for layout, from the font the PDF embeds (DejaVu Sans, Debian fonts-dejavu-core)
// through libharu, so truncation and label thinning decide the same way for the PDF and the
// SVG (which names the same font first). Characters outside the font are replaced by a visible
// marker before measuring or drawing (font_safe), never passed through as garbage.
#include <memory>
#include <string>
#include <string_view>

namespace curcrunch::chart {

inline constexpr const char* kFontRegular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
inline constexpr const char* kFontBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

class TextMetrics {
  public:
    TextMetrics();  // loads the fonts; throws Error(internal) when they are missing
    ~TextMetrics();
    TextMetrics(const TextMetrics&) = delete;
    TextMetrics& operator=(const TextMetrics&) = delete;
    double width(std::string_view utf8, double size, bool bold = false) const;
    // `text` shortened with "…" to fit `max_width` (unchanged when it fits).
    std::string fit(const std::string& text, double max_width, double size,
                    bool bold = false) const;

  private:
    struct Fonts;
    std::unique_ptr<Fonts> fonts_;
};

// Replaces code points DejaVu Sans has no glyph for (CJK, Hangul, kana, emoji and other
// astral-plane characters, private use) by U+25A1 WHITE SQUARE, and invalid UTF-8 by U+FFFD.
std::string font_safe(std::string_view utf8);

}  // namespace curcrunch::chart
