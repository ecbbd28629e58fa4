#include "curcrunch/aws/endpoints.hpp"

namespace curcrunch::aws {

std::string regional_endpoint(std::string_view service, std::string_view region) {
    const bool china = region.substr(0, 3) == "cn-";
    std::string out = "https://";
    out.append(service).append(".").append(region).append(".amazonaws.com");
    if (china) out += ".cn";
    return out;
}

bool is_region_name(std::string_view text) {
    if (text.size() < 4 || text.size() > 32 || text.front() < 'a' || text.front() > 'z' ||
        text.back() == '-')
        return false;
    char before = 0;
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok || (c == '-' && before == '-')) return false;
        before = c;
    }
    return true;
}

}  // namespace curcrunch::aws
