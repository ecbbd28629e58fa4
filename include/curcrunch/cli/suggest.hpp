#pragma once
// "Did you mean ...?" for mistyped commands and options.
#include <string>
#include <string_view>
#include <vector>

namespace curcrunch::cli {

// Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring
// characters (optimal string alignment), so "--form" is one edit from "--from".
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, or "" when none is close enough to be a plausible typo:
// within max(1, length / 3) edits, or one that starts the other (both at least 3 characters:
// "secret-id" for "secret-id-file", "output" for "out"). Ties go to the earlier candidate.
// Callers compare names without their leading dashes.
std::string nearest(std::string_view typed, const std::vector<std::string>& candidates);

// A user's argument quoted in an error message: bytes outside printable ASCII as \xNN, and
// at most 40 characters (then "...").
std::string printable_argument(std::string_view arg);

}  // namespace curcrunch::cli
