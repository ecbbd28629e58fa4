#pragma once
// Which names the dashboard answers to. A page on evil.test whose name is re-pointed at
// 127.0.0.1 (DNS rebinding) reaches the dashboard as the browser's own origin, so cookies and
// same-origin checks do not stop it; its requests do carry "Host: evil.test", though. Answered
// are only the listen address, localhost (and 127.0.0.1 and [::1] on loopback) and the names
// given with --allow-host; when listening on every address (0.0.0.0, ::), any IP address too,
// since a rebinding page is always reached by a name.
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace curcrunch::serve {

class HostCheck {
  public:
    HostCheck(const std::string& listen_host, const std::vector<std::string>& allowed);

    enum class Verdict { accepted, foreign, malformed };
    Verdict check(const std::string& host_header) const;

    // The name of a Host header value ("name:port", "[v6]:port"), lower case, IPv6 without
    // brackets and a trailing dot dropped; nullopt when it is no valid host[:port].
    static std::optional<std::string> name_of(const std::string& host_header);

  private:
    std::set<std::string> names_;  // canonical: lower case, IP addresses as inet_ntop writes them
    bool any_address_ = false;
};

}  // namespace curcrunch::serve
