#pragma once
// The time AWS requests are signed with. SigV4 puts the signing time in every request
// (X-Amz-Date), and AWS refuses a request whose time is more than 5 minutes (15 for S3) from its
// own: S3 with 403 RequestTimeTooSkewed, the JSON services with InvalidSignatureException
// ("Signature expired"), STS with SignatureDoesNotMatch. A batch machine whose clock drifted
// would then fail every request of a run, so, as the AWS SDKs do, a refusal of that kind whose
// Date header is far from this machine's clock sets an offset, and the run's requests are signed
// with the corrected time from then on. The offset is shared by every client of a run (their
// EndpointGuards) and only ever learned from a response's Date, which AWS sets from its clock.
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

    // This machine's clock corrected by what the services' clocks said.
    std::chrono::system_clock::time_point now() const;
    std::chrono::milliseconds offset() const;

    // `r` refused a request: when its Date header is more than kTolerance from now(), the offset
    // is set from it and true returned (the request is worth signing again). Thread-safe.
    bool correct_from(const Response& r);

  private:
    std::atomic<int64_t> offset_ms_{0};
};

}  // namespace curcrunch::net
