#pragma once
// Input text quoted in a message. Error messages and warnings quote what they found in a file
// (a field, a header name, a manifest key, a zip member, a PDF attachment name) so the user
// can find it; the file's bytes must not reach the terminal or the log raw, where a control
// character could move the cursor or rewrite a line, and invalid UTF-8 garbles the rest.
// Every message that quotes input goes through shown_text(), and so does every message that
// quotes what a service said: it also blanks the secrets the process holds (core/secret.hpp),
// which a service may quote back.
#include <cstddef>
#include <string>
#include <string_view>

namespace curcrunch {

// `raw` made safe to print: the value of every live Secret becomes "(not shown)"; printable
// UTF-8 passes through; control characters (C0, DEL, C1), bytes that are not valid UTF-8, and
// the invisible line/direction controls (U+2028/U+2029, U+202A..U+202E, U+2066..U+2069, U+FEFF)
// become \xNN or \u{NNNN}. Longer than `max_bytes` (after the blanking): cut at a character
// boundary and marked with "...". Never throws but for allocation.
std::string shown_text(std::string_view raw, size_t max_bytes = 80);

}  // namespace curcrunch
