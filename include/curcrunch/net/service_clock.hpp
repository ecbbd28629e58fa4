#pragma once
// The time AWS requests are signed with. SigV4 puts the signing time in every request
// (X-Amz-Date), and AWS refuses a request whose time is more than 5 minutes (15 for S3) from its
// own: S3 with 403 RequestTimeTooSkewed, the JSON services with InvalidSignatureException
// ("Signature expired"), STS with SignatureDoesNotMatch. A batch machine whose clock drifted
// would then fail every request of a run, so, as the AWS SDKs do, a refusal of that kind whose
// Date header is far from this machine's clock sets an offset, and the service's requests are
// signed with the corrected time from then on. Each service's endpoint has its own offset,
// shared by every client of a run (their EndpointGuards), only ever learned from a refusal's
// Date, and at most a day: a clock further off is a machine to fix, not a drift to absorb (TLS
// certificates are checked against it too), and a Date that far is more likely wrong than ours.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace curcrunch::net {

struct Response;

// An HTTP-date in IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT") of the years 1970-2200;
// nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// The AWS error codes a request signed at the wrong time is refused with (the set the AWS SDKs
// treat as clock skew). Some also mean a wrong key: only a Date far from our clock tells them
// apart (ServiceClock::correct_from).
bool is_clock_skew_code(const std::string& code);

class ServiceClock {
  public:
    // A refused request's Date closer than this to our clock was not refused for its time: the
    // smallest window AWS allows is 5 minutes, and a Date has whole seconds.
    static constexpr std::chrono::seconds kTolerance{240};

    // The largest offset taken from a Date.
    static constexpr std::chrono::hours kLimit{24};

    // This machine's clock corrected by what the service's clock said.
    std::chrono::system_clock::time_point now() const;
    std::chrono::milliseconds offset() const;

    enum class Correction { none, corrected, too_far };
    struct Said {
        Correction correction = Correction::none;
        std::chrono::milliseconds offset{0};  // what the Date says (corrected: the new offset)
    };
    // `r` refused a request: when its Date header is more than kTolerance from now(), the offset
    // is set from it (corrected: the request is worth signing again), unless that is more than
    // kLimit (too_far). Thread-safe.
    Said correct_from(const Response& r);

  private:
    std::atomic<int64_t> offset_ms_{0};
};

}  // namespace curcrunch::net
