#include "host_check.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "curcrunch/serve/dashboard.hpp"

namespace curcrunch::serve {

namespace {

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// An IP address in the form inet_ntop writes it ("::1" for "0:0:0:0:0:0:0:1"); nullopt for a
// name.
std::optional<std::string> canonical_address(const std::string& host) {
    char text[INET6_ADDRSTRLEN];
    in_addr v4;
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return std::string(::inet_ntop(AF_INET, &v4, text, sizeof text));
    in6_addr v6;
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
        return std::string(::inet_ntop(AF_INET6, &v6, text, sizeof text));
    return std::nullopt;
}

std::string canonical(const std::string& host) {
    std::string h = lower(host);
    if (h.size() > 1 && h.back() == '.') h.pop_back();
    return canonical_address(h).value_or(h);
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

}  // namespace

bool is_loopback(const std::string& host) {
    const std::string h = lower(host);
    if (h == "localhost") return true;
    in_addr v4;
    if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6;
    if (::inet_pton(AF_INET6, h.c_str(), &v6) != 1) return false;
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

HostCheck::HostCheck(const std::string& listen_host, const std::vector<std::string>& allowed) {
    const std::string listen = canonical(listen_host);
    any_address_ = listen.empty() || listen == "0.0.0.0" || listen == "::";
    if (!any_address_) names_.insert(listen);
    names_.insert("localhost");
    if (is_loopback(listen_host)) {
        names_.insert("127.0.0.1");
        names_.insert("::1");
    }
    for (const auto& a : allowed)
        names_.insert(canonical(a));
}

std::optional<std::string> HostCheck::name_of(const std::string& host_header) {
    std::string h = host_header, port;
    if (!h.empty() && h.front() == '[') {
        const size_t close = h.find(']');
        if (close == std::string::npos) return std::nullopt;
        port = h.substr(close + 1);
        h = h.substr(1, close - 1);
        if (!port.empty() && port.front() != ':') return std::nullopt;
        if (!canonical_address(h) || h.find(':') == std::string::npos) return std::nullopt;
    } else {
        const size_t colon = h.find(':');
        if (colon != std::string::npos) {
            port = h.substr(colon);
            h.resize(colon);
        }
        if (h.empty()) return std::nullopt;
        for (char c : h)
            if (!is_name_char(c)) return std::nullopt;
    }
    if (!port.empty()) {
        if (port.size() < 2 || port.size() > 6) return std::nullopt;
        for (size_t i = 1; i < port.size(); ++i)
            if (port[i] < '0' || port[i] > '9') return std::nullopt;
    }
    return canonical(h);
}

HostCheck::Verdict HostCheck::check(const std::string& host_header) const {
    const auto name = name_of(host_header);
    if (!name) return Verdict::malformed;
    if (names_.count(*name)) return Verdict::accepted;
    if (any_address_ && canonical_address(*name)) return Verdict::accepted;
    return Verdict::foreign;
}

}  // namespace curcrunch::serve
