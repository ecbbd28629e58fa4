#pragma once
// Several values in one piece of text: the lists of the command line (`--service a,b`) and of
// the dashboard's URLs (`service=a,b`). Values are separated by commas; a backslash takes the
// next character as it is, and only a comma or a backslash may follow it (`\,` and `\\`).
// Billing data's values hold commas ("Smith, J", product names), and a list that split them
// filtered by two values the store does not hold; a backslash before anything else is refused
// rather than kept, so that a value written for an older reading is not silently another
// value. Text without a backslash reads as it always did: split at every comma, empty values
// dropped.
#include <string>
#include <string_view>
#include <vector>

namespace curcrunch {

// The rule as the error messages state it.
inline constexpr const char* kValueListRule =
    "in a list a backslash escapes a comma or a backslash only (\\, or \\\\)";

// Appends the values of `text` to `out`, empty ones dropped. False, with `out` unchanged, when
// a backslash is followed by anything but a comma or a backslash, or ends the text.
bool split_value_list(std::string_view text, std::vector<std::string>& out);

// `value` as one item of a list: its commas and backslashes escaped, so the list reads it back
// whole.
std::string escape_list_value(std::string_view value);

// `values` as one list, each escaped; split_value_list reads back the same values (but empty
// ones).
std::string join_value_list(const std::vector<std::string>& values);

}  // namespace curcrunch
