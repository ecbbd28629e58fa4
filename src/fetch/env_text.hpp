#pragma once
// Private to fetch/: an environment variable's text, empty when it is not set.
#include <cstdlib>
#include <string>

namespace curcrunch::fetch {

inline std::string env_text(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace curcrunch::fetch
