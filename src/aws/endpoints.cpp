#include "curcrunch/aws/endpoints.hpp"

#include "curcrunch/net/url_parts.hpp"

namespace curcrunch::aws {

SigningEndpoint signing_endpoint(const std::string& url) {
    SigningEndpoint out;
    const std::optional<net::UrlParts> p = net::parse_url(url);
    if (!p) {
        // curl cannot read it either: the request fails with curl's error, whatever is signed.
        const size_t scheme = url.find("://");
        out.origin = url;
        out.host = scheme == std::string::npos ? url : url.substr(scheme + 3);
        return out;
    }
    out.host = p->host;
    if (!p->default_port) out.host += ":" + std::to_string(p->port);
    out.origin = p->scheme + "://" + out.host;
    out.path = p->path;
    while (!out.path.empty() && out.path.back() == '/')
        out.path.pop_back();
    return out;
}

std::string regional_endpoint(std::string_view service, std::string_view region) {
    const bool china = region.substr(0, 3) == "cn-";
    std::string out = "https://";
    out.append(service).append(".").append(region).append(".amazonaws.com");
    if (china) out += ".cn";
    return out;
}

bool is_region_name(std::string_view text) {
    auto letter = [](char c) { return c >= 'a' && c <= 'z'; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    // A code of two to four letters ("us", "eusc"), words of letters, then the number.
    size_t i = 0;
    while (i < text.size() && letter(text[i]))
        ++i;
    if (text.size() > 32 || i < 2 || i > 4 || i == text.size() || text[i] != '-') return false;
    ++i;
    size_t words = 0;
    for (;;) {
        const size_t start = i;
        while (i < text.size() && letter(text[i]))
            ++i;
        if (i == start || i == text.size() || text[i] != '-') break;
        ++words;
        ++i;
    }
    if (words == 0 || i == text.size()) return false;
    for (; i < text.size(); ++i)
        if (!digit(text[i])) return false;
    return true;
}

std::string partition_of(std::string_view region) {
    if (region.substr(0, 3) == "cn-") return "aws-cn";
    if (region.substr(0, 7) == "us-gov-") return "aws-us-gov";
    if (region.substr(0, 8) == "us-isob-") return "aws-iso-b";
    if (region.substr(0, 8) == "us-isof-") return "aws-iso-f";
    if (region.substr(0, 8) == "eu-isoe-") return "aws-iso-e";
    if (region.substr(0, 7) == "us-iso-") return "aws-iso";
    if (region.substr(0, 5) == "eusc-") return "aws-eusc";
    return "aws";
}

}  // namespace curcrunch::aws
