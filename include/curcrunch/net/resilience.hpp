#pragma once
// Retries, rate limiting and circuit breaking around HttpClient, used by every AWS and Vault
// call. Classification follows botocore's "standard" retry mode for AWS (throttling and
// transient error codes, 500/502/503/504, connection errors) and Vault's documented retryable
// statuses (412, 429, 5xx including 503 sealed). Backoff is capped exponential with full
// jitter; a Retry-After header sets a floor for the next wait, itself held to the cap (a
// service may ask for an hour; the user's --retry-cap-ms says how long a run may wait). A
// refusal that says where the request should have gone (CallOptions::reroute) or that it was
// signed at the wrong time (service_clock.hpp) is sent again at once, corrected, without
// counting against the endpoint.
//
// The circuit breakers are kept per endpoint (scheme://host[:port] of the request's URL), and
// only what says the endpoint itself is unwell counts against one (strains_endpoint): a definite
// answer such as 404 NoSuchBucket or 403 AccessDenied is the endpoint working, and one profile's
// missing bucket must not stop another profile's requests to the same or another endpoint.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "curcrunch/net/http_client.hpp"
#include "curcrunch/net/service_clock.hpp"

namespace curcrunch::net {

enum class ServiceKind { aws, vault, plain };
enum class Verdict { success, retry, fail };

// status 0 means "no response" (see transport).
Verdict classify(ServiceKind kind, TransportError transport, long status,
                 const std::string& error_code);
bool is_throttling_code(const std::string& code);
// Whether a failed attempt counts against its endpoint's circuit breaker: no answer at all (a
// transport failure), a 5xx, or throttling (429, or a throttling code in any status).
bool strains_endpoint(TransportError transport, long status, const std::string& error_code);
// The endpoint a URL names, as the breakers are keyed: "scheme://host[:port]", lower-cased.
std::string endpoint_of(const std::string& url);

struct RetryPolicy {
    int max_attempts = 5;
    std::chrono::milliseconds base{200};
    std::chrono::milliseconds cap{20000};
};

// Full jitter: uniform in [0, min(cap, base * 2^(retry-1))]. `retry` counts from 1.
std::chrono::milliseconds backoff_delay(int retry, const RetryPolicy& p, std::mt19937_64& rng);
// "120" (seconds) or an HTTP-date; nullopt when absent or unreadable. Capped at one hour. An
// HTTP-date counts from `date`, the response's own Date header when it has one (RFC 9110
// 10.2.3), so that a machine whose clock is off does not wait an hour or not at all.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           const std::string* date = nullptr);

// What a service said when it refused a request: its error code ("AccessDenied", the JSON
// __type without its namespace, ...) and its message, as the service wrote it ("" when none).
struct ServiceError {
    std::string code;
    std::string message;
};
// Reads a ServiceError from a response body in one protocol's error shape.
using ErrorReader = std::function<ServiceError(const Response&)>;

// A service's message made fit for an error line: what it quotes of a request's credentials
// (credential, signature and ...token values after '=' or ':', in any case; access key ids) is
// blanked, whitespace runs (Vault's multi-error lists span lines) become one space, and the rest
// passes through shown_text(), which also blanks the value of every secret the process holds
// wherever it appears, and cuts at 300 bytes.
std::string service_message(std::string_view text);

// Token bucket: `rate` requests per second on average, at most `burst` at once. Thread-safe.
class RateLimiter {
  public:
    RateLimiter(double rate_per_second, double burst);
    void acquire();  // blocks until a token is available

  private:
    std::mutex m_;
    double rate_, burst_, tokens_;
    std::chrono::steady_clock::time_point last_;
};

// Opens after `threshold` consecutive failures; while open every call fails at once; after
// `cooldown` one probe is let through (half-open): success closes it, failure reopens it.
class CircuitBreaker {
  public:
    CircuitBreaker(int threshold, std::chrono::milliseconds cooldown);
    enum class Admission { closed, probe, refused };
    // closed: go; probe: go, as the one request that decides whether the breaker closes (the
    // caller owes it record_success, record_failure or abandon_probe); refused: do not.
    Admission admit();
    bool allow() { return admit() != Admission::refused; }
    void record_success();
    void record_failure();
    // The probe admit() let through was not answered for (it was refused with directions, or the
    // request could not be made): the next admit() may let another through. Only the holder of
    // the probe calls it.
    void abandon_probe() noexcept;
    bool open() const;
    std::chrono::milliseconds retry_in() const;

  private:
    mutable std::mutex m_;
    int threshold_, failures_ = 0;
    std::chrono::milliseconds cooldown_;
    bool open_ = false, probing_ = false;
    std::chrono::steady_clock::time_point opened_at_;
};

// JSON lines: time, service, operation, status, request_id, attempt, code, message (what the
// service said, as service_message() shows it, else the code or the transport error). Request
// bodies and headers are never logged, nor any part of a response but its error message.
class ErrorLog {
  public:
    explicit ErrorLog(std::string path);  // empty: disabled
    void write(const std::string& service, const std::string& operation, long status,
               const std::string& request_id, int attempt, const std::string& code,
               const std::string& message);

  private:
    std::mutex m_;
    std::string path_;
};

struct CallOptions {
    std::string service;    // "s3", "sts", "vault", ...: names the endpoint in messages
    std::string operation;  // "ListObjectsV2", "auth/approle/login", ...
    ServiceKind kind = ServiceKind::aws;
    // Called with a refusal: true when it says where the request belongs (S3's bucket in another
    // region) and the next make() will send it there. At most two reroutes a call.
    std::function<bool(const Response&, const ServiceError&)> reroute = nullptr;
    // The credentials signing this call are new IAM user keys (aws::Credentials): until this
    // time, a refusal saying the key is unknown is waited out, a second at a time, without
    // counting against the attempts or the endpoint.
    std::chrono::steady_clock::time_point settling_until{};
};

// The codes AWS refuses a key it does not know (yet) with: S3's InvalidAccessKeyId, STS's
// InvalidClientTokenId, the JSON services' UnrecognizedClientException. (Signature mismatches
// are not among them: they are also what a clock too far off gets.)
bool is_unknown_key_code(const std::string& code);

// Rate limits by service name and circuit breakers by endpoint (endpoint_of), shared by every
// client of one run (worker threads each have their own HttpClient/ResilientClient but must
// respect one limit and see one breaker per endpoint). Thread-safe.
class EndpointGuards {
  public:
    void set_rate_limit(const std::string& service, double per_second, double burst);
    void set_breaker(int threshold, std::chrono::milliseconds cooldown);
    RateLimiter* limiter(const std::string& service);  // null: unlimited
    CircuitBreaker& breaker(const std::string& endpoint);
    int breaker_threshold() const { return threshold_; }
    // The clock of one service's endpoint: each is learned apart, so that an endpoint of
    // another clock (an S3-compatible store, a test server) does not move the others'.
    ServiceClock& clock(const std::string& service);

  private:
    std::mutex m_;
    std::map<std::string, std::unique_ptr<RateLimiter>> limits_;
    std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;
    int threshold_ = 5;
    std::chrono::milliseconds cooldown_{30000};
    std::map<std::string, std::unique_ptr<ServiceClock>> clocks_;
};

struct CallStats {
    int attempts = 0;
    int retries = 0;
};

class ResilientClient {
  public:
    ResilientClient(HttpClient& http, RetryPolicy policy, ErrorLog* log = nullptr,
                    uint64_t seed = std::random_device{}(),
                    std::shared_ptr<EndpointGuards> guards = nullptr);
    // Rate limit per service name; breakers (per endpoint) open after `threshold` consecutive
    // calls that strained it.
    void set_rate_limit(const std::string& service, double per_second, double burst);
    void set_breaker(int threshold, std::chrono::milliseconds cooldown);
    // Set: once `stop` says so, no further attempt is made, a wait between attempts is cut
    // short, and a call whose transfer broke off (a sink that gave up) throws
    // Error(interrupted) instead of retrying. Sinks may ask stopping() to give up early.
    void stop_when(std::function<bool()> stop) { stop_ = std::move(stop); }
    bool stopping() const { return stop_ && stop_(); }

    // Calls `make(attempt)` for every attempt (AWS requests are re-signed each time; the
    // request's URL picks the endpoint's breaker) and returns
    // the first response the classification accepts, or throws Error(remote) with a message
    // naming the service, operation, status/code and attempts, then what the service said.
    // `read_error` reads the protocol's error shape (AWS JSON __type, XML <Code>); may be null.
    Response call(const CallOptions& o, const std::function<Request(int attempt)>& make,
                  const ErrorReader& read_error = nullptr);

    // The time to sign requests to `service` with: this machine's, corrected once the service
    // said how far it is off (service_clock.hpp). Shared by the clients that share the guards.
    std::chrono::system_clock::time_point now(const std::string& service) const {
        return guards_->clock(service).now();
    }

    const CallStats& stats() const { return stats_; }
    // The service error code of the last failed call ("ExpiredToken", ...), "" if none.
    const std::string& last_error_code() const { return last_code_; }
    // The HTTP status of the last failed call's last answer; 0 if none came (a transport
    // failure, or a breaker that refused the call).
    long last_failed_status() const { return last_status_; }
    const std::shared_ptr<EndpointGuards>& guards() const { return guards_; }
    // Time spent sleeping between attempts (backoff and Retry-After), all calls.
    std::chrono::milliseconds total_wait() const { return waited_; }

  private:
    // True when the refusal `r` is worth sending again at once: o.reroute says so, or a clock
    // skew refusal of a request signed at clock offset `signed_with` corrected the service's
    // clock (or another client did meanwhile).
    bool reroutes(const CallOptions& o, const Response& r, const ServiceError& err,
                  std::chrono::milliseconds signed_with);
    // True after waiting up to a second when `err` says the key is unknown and the call's new
    // keys are still settling (CallOptions::settling_until); says so once a call (`said_so`).
    bool waited_for_new_key(const CallOptions& o, const ServiceError& err, const std::string& last,
                            bool& said_so);
    // Sleeps `wait`, or less once stopping().
    void sleep_unless_stopped(std::chrono::milliseconds wait) const;
    HttpClient& http_;
    RetryPolicy policy_;
    ErrorLog* log_;
    std::mt19937_64 rng_;
    std::shared_ptr<EndpointGuards> guards_;
    CallStats stats_;
    std::string last_code_;
    long last_status_ = 0;
    std::chrono::milliseconds waited_{0};
    std::function<bool()> stop_;
};

}  // namespace curcrunch::net
