#include "curcrunch/net/url_parts.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::net {
namespace {

struct UrlHandleFree {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct UrlTextFree {
    void operator()(char* p) const { curl_free(p); }
};

// A part of `u` curl has, "" when it has none.
std::string url_part(CURLU* u, CURLUPart part, unsigned int flags = 0) {
    char* raw = nullptr;
    if (curl_url_get(u, part, &raw, flags) != CURLUE_OK || !raw) return {};
    std::unique_ptr<char, UrlTextFree> text(raw);
    return text.get();
}

}  // namespace

std::optional<UrlParts> parse_url(const std::string& url) {
    std::unique_ptr<CURLU, UrlHandleFree> u(curl_url());
    if (!u) return std::nullopt;
    // As CURLOPT_URL reads it: a URL without a scheme is guessed (http, mostly), and the path is
    // kept as written (HttpClient sends it with CURLOPT_PATH_AS_IS).
    if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(),
                     CURLU_GUESS_SCHEME | CURLU_PATH_AS_IS | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        return std::nullopt;
    UrlParts p;
    p.scheme = url_part(u.get(), CURLUPART_SCHEME);
    for (char& c : p.scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    p.host = url_part(u.get(), CURLUPART_HOST);
    const std::string given = url_part(u.get(), CURLUPART_PORT);
    const std::string port = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    p.port = port.empty() ? 0 : std::atoi(port.c_str());
    const int scheme_port = p.scheme == "https" ? 443 : p.scheme == "http" ? 80 : -1;
    p.default_port = given.empty() || p.port == scheme_port;
    p.path = url_part(u.get(), CURLUPART_PATH, CURLU_URLDECODE);
    if (p.path == "/") p.path.clear();
    return p;
}

bool is_loopback_host(std::string_view host) {
    std::string h(host);
    for (char& c : h)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (h == "localhost") return true;
    if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
        in6_addr a6{};
        return inet_pton(AF_INET6, h.substr(1, h.size() - 2).c_str(), &a6) == 1 &&
               std::memcmp(&a6, &in6addr_loopback, sizeof a6) == 0;
    }
    in_addr a4{};
    return inet_pton(AF_INET, h.c_str(), &a4) == 1 &&
           (reinterpret_cast<const unsigned char*>(&a4.s_addr)[0] == 127);
}

std::string cleartext_refusal(const std::string& url) {
    const std::optional<UrlParts> p = parse_url(url);
    if (!p || p->scheme != "http" || is_loopback_host(p->host)) return {};
    return "plain http to " + shown_text(p->host, 255) +
           " would carry its secrets in cleartext: use https (plain http is allowed only to a "
           "loopback address: 127.0.0.0/8, ::1, localhost)";
}

void require_safe_transport(const std::string& url, const std::string& setting) {
    if (std::string why = cleartext_refusal(url); !why.empty()) throw_usage(setting + ": " + why);
}

}  // namespace curcrunch::net
