#pragma once
// Back-off for failed logins, per client address: the first kFreeFailures wrong tokens cost
// nothing (typing mistakes); each further one locks the address out of the login for twice as
// long as the one before (1 s, 2 s, 4 s ... up to 5 minutes). While locked out a login is
// answered 429 with Retry-After and its token is not even compared, so guessing is held to
// the back-off's pace. A correct token clears the record; one untouched for an hour is
// forgotten. IPv6 clients count by /64, the block one subscriber usually holds.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "client_connection.hpp"

namespace curcrunch::serve {

class LoginThrottle {
  public:
    static constexpr unsigned kFreeFailures = 3;
    static constexpr std::chrono::seconds kMaxLockout{300};

    // The whole seconds `client` must still wait before its next try; 0: it may try now.
    long long wait_seconds(const std::string& client, Clock::time_point now);
    void failed(const std::string& client, Clock::time_point now);
    void succeeded(const std::string& client);

    // The key an address counts under: IPv4 as is (also IPv4-mapped IPv6), IPv6 by its /64.
    static std::string client_key(const std::string& remote_ip);

  private:
    struct Record {
        unsigned failures = 0;
        Clock::time_point locked_until{}, last_failure{};
    };
    void forget_stale(Clock::time_point now);  // caller holds m_

    std::mutex m_;
    std::unordered_map<std::string, Record> records_;
};

}  // namespace curcrunch::serve
