#include "curcrunch/cli/suggest.hpp"

#include <algorithm>

namespace curcrunch::cli {

size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows of the dynamic-programming table: the swap rule looks two rows back.
    std::vector<size_t> back2(b.size() + 1), back1(b.size() + 1), row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        back1[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({back1[j] + 1, row[j - 1] + 1, back1[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                row[j] = std::min(row[j], back2[j - 2] + 1);
        }
        std::swap(back2, back1);
        std::swap(back1, row);
    }
    return back1[b.size()];
}

std::string nearest(std::string_view typed, const std::vector<std::string>& candidates) {
    const size_t limit = std::max<size_t>(1, typed.size() / 3);
    std::string best;
    size_t best_distance = limit + 1;
    for (const auto& c : candidates) {
        size_t d = edit_distance(typed, c);
        // One name the start of the other is a plausible slip however many characters differ
        // ("--secret-id" for "--secret-id-file", "--output" for "--out"); rank it just inside
        // the limit so a real near-miss still wins.
        const bool prefix =
            typed.size() >= 3 && c.size() >= 3 &&
            (c.compare(0, typed.size(), typed) == 0 || typed.compare(0, c.size(), c) == 0);
        if (d > limit && prefix) d = limit;
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

std::string printable_argument(std::string_view arg) {
    std::string out;
    for (unsigned char c : arg) {
        if (out.size() >= 40) return out + "...";
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            const char* hex = "0123456789abcdef";
            out.append("\\x").append(1, hex[c >> 4]).append(1, hex[c & 15]);
        }
    }
    return out;
}

}  // namespace curcrunch::cli
