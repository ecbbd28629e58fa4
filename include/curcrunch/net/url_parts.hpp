#pragma once
// What an http(s) URL names, read by libcurl's own URL parser (curl_url), so that what is
// checked or signed here is what the request goes to; and the one rule on plain http.
//
// Plain http carries a request's secrets in cleartext: Vault's X-Vault-Token and, at login, the
// AppRole role_id and secret_id; AWS's session token and signatures; a webhook's summary. So a
// URL is used only when it is https, or http to this machine itself (127.0.0.0/8, ::1,
// "localhost"), where nothing crosses a network: test servers, a local Vault agent, a port
// forward. Configured URLs are checked when the run starts (a usage error naming the setting);
// HttpClient checks every request too, for URLs a service handed out (pre-signed document
// links, a Vault standby's redirect).
#include <optional>
#include <string>
#include <string_view>

namespace curcrunch::net {

struct UrlParts {
    std::string scheme;        // lower case; "http" when the URL has none, as curl guesses
    std::string host;          // as curl has it: an IPv6 address in brackets
    int port = 0;              // the port connected to; the scheme's when the URL names none
    bool default_port = true;  // port is the scheme's own (80 for http, 443 for https)
    std::string path;          // decoded; "" or from its first '/'
};

// nullopt when curl cannot read `url` (its requests then fail with curl's own error).
std::optional<UrlParts> parse_url(const std::string& url);

// 127.0.0.0/8 in dotted decimal, [::1], or "localhost" (which curl itself resolves to them).
bool is_loopback_host(std::string_view host);

// "" when `url` may carry secrets (https, http to a loopback address, or unreadable by curl);
// else why not, naming the host: "plain http to 192.0.2.2 would carry its secrets in cleartext".
std::string cleartext_refusal(const std::string& url);

// Throws a usage error naming `setting` ("VAULT_ADDR", "--endpoint-url") when cleartext_refusal
// has a reason.
void require_safe_transport(const std::string& url, const std::string& setting);

}  // namespace curcrunch::net
