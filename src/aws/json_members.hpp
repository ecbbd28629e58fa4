#pragma once
// Reading the members of AWS's JSON answers, shared by the services that parse them.
#include <simdjson.h>

#include <string>
#include <string_view>

namespace curcrunch::aws::detail {

// A string member's text, or "" when the member is absent or not a string: AWS leaves optional
// members out of its answers rather than sending null.
inline std::string member_text(simdjson::dom::element e, const char* key) {
    std::string_view v;
    return e[key].get_string().get(v) ? std::string() : std::string(v);
}

}  // namespace curcrunch::aws::detail
