#include "login_throttle.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

namespace curcrunch::serve {

namespace {

constexpr auto kForgetAfter = std::chrono::hours(1);
// Addresses with recent failures held at once; beyond, the one idle longest is dropped. Each
// record is a few dozen bytes, so the table stays small whatever a client sends.
constexpr size_t kMaxRecords = 10000;

}  // namespace

std::string LoginThrottle::client_key(const std::string& remote_ip) {
    in6_addr v6;
    if (::inet_pton(AF_INET6, remote_ip.c_str(), &v6) != 1) return remote_ip;
    char text[INET6_ADDRSTRLEN];
    if (IN6_IS_ADDR_V4MAPPED(&v6)) return ::inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof text);
    std::fill(std::begin(v6.s6_addr) + 8, std::end(v6.s6_addr), 0);
    return std::string(::inet_ntop(AF_INET6, &v6, text, sizeof text)) + "/64";
}

void LoginThrottle::forget_stale(Clock::time_point now) {
    std::erase_if(records_,
                  [&](const auto& kv) { return now - kv.second.last_failure >= kForgetAfter; });
    while (records_.size() >= kMaxRecords) {
        auto idle = std::min_element(records_.begin(), records_.end(), [](auto& a, auto& b) {
            return a.second.last_failure < b.second.last_failure;
        });
        records_.erase(idle);
    }
}

long long LoginThrottle::wait_seconds(const std::string& client, Clock::time_point now) {
    std::lock_guard<std::mutex> l(m_);
    auto it = records_.find(client);
    if (it == records_.end() || it->second.locked_until <= now) return 0;
    const auto left = it->second.locked_until - now;
    return std::chrono::ceil<std::chrono::seconds>(left).count();
}

void LoginThrottle::failed(const std::string& client, Clock::time_point now) {
    std::lock_guard<std::mutex> l(m_);
    if (!records_.count(client)) forget_stale(now);
    Record& r = records_[client];
    if (now - r.last_failure >= kForgetAfter) r.failures = 0;
    r.last_failure = now;
    // The failure count is capped where the lockout reaches its maximum, so the shift below
    // stays small whatever the number of attempts.
    r.failures = std::min(r.failures + 1, kFreeFailures + 10);
    if (r.failures <= kFreeFailures) return;
    const std::chrono::seconds lockout = std::min<std::chrono::seconds>(
        std::chrono::seconds(1LL << (r.failures - kFreeFailures - 1)), kMaxLockout);
    r.locked_until = now + lockout;
}

void LoginThrottle::succeeded(const std::string& client) {
    std::lock_guard<std::mutex> l(m_);
    records_.erase(client);
}

}  // namespace curcrunch::serve
