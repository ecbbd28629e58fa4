#include "curcrunch/net/service_clock.hpp"

#include <ctime>
#include <set>

#include "curcrunch/net/http_client.hpp"

namespace curcrunch::net {

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
    const std::string s(text);
    std::tm tm{};
    const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    // The system clock counts nanoseconds in 64 bits: it ends in 2262. A date a service sends is
    // near now; one past 2200 (or before 1970) is not a date to reckon with.
    if (tm.tm_year < 70 || tm.tm_year > 300) return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

bool is_clock_skew_code(const std::string& code) {
    static const std::set<std::string> k = {"RequestTimeTooSkewed",  "RequestExpired",
                                            "RequestInTheFuture",    "InvalidSignatureException",
                                            "SignatureDoesNotMatch", "AuthFailure"};
    return k.count(code) > 0;
}

std::chrono::system_clock::time_point ServiceClock::now() const {
    return std::chrono::system_clock::now() + offset();
}

std::chrono::milliseconds ServiceClock::offset() const {
    return std::chrono::milliseconds(offset_ms_.load(std::memory_order_relaxed));
}

ServiceClock::Said ServiceClock::correct_from(const Response& r) {
    const std::string* date = r.header("date");
    if (!date) return {};
    const auto theirs = parse_http_date(*date);
    if (!theirs) return {};
    const auto ours = std::chrono::system_clock::now();
    // The Date was truncated to its second: half a second later is the better guess.
    const auto off = std::chrono::duration_cast<std::chrono::milliseconds>(*theirs - ours) +
                     std::chrono::milliseconds(500);
    const auto seen = off - offset();
    if (seen < kTolerance && seen > -kTolerance) return {};
    if (off > kLimit || off < -kLimit) return {Correction::too_far, off};
    offset_ms_.store(off.count(), std::memory_order_relaxed);
    return {Correction::corrected, off};
}

}  // namespace curcrunch::net
