#pragma once
// libharu embeds each TrueType font with only the glyph outlines a document draws, but with
// every other table of the font file whole: DejaVu Sans goes in as 150 KB, of which 62 KB are
// glyph names ('post'), 16 KB naming strings ('name') and 7 KB the character map ('cmap'), none
// of which a CIDFontType2 program uses (ISO 32000-1, 9.9: glyf, head, hhea, hmtx, loca, maxp,
// cvt, prep and fpgm are what it needs; glyphs are found through CIDToGIDMap). Compressing them
// was the largest part of qpdf's pass over a report.
#include <string>
#include <string_view>

class QPDF;

namespace curcrunch::report {

// The TrueType font program `font` with only the tables a CIDFontType2 needs (and OS/2), its
// table directory, checksums and head.checkSumAdjustment rewritten; "" when `font` is not a
// well-formed sfnt (then the caller keeps it as it is).
std::string slim_truetype(std::string_view font);

// Every /FontFile2 of the document replaced by its slim_truetype (the writer compresses it).
void slim_embedded_fonts(QPDF& q);

}  // namespace curcrunch::report
