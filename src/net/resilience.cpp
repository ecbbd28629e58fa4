#include "curcrunch/net/resilience.hpp"

#include "curcrunch/core/json_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>
#include <thread>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/secret.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::net {

bool is_throttling_code(const std::string& code) {
    // botocore standard mode's throttling codes.
    static const std::set<std::string> k = {"Throttling",
                                            "ThrottlingException",
                                            "ThrottledException",
                                            "RequestThrottledException",
                                            "TooManyRequestsException",
                                            "ProvisionedThroughputExceededException",
                                            "TransactionInProgressException",
                                            "RequestLimitExceeded",
                                            "BandwidthLimitExceeded",
                                            "LimitExceededException",
                                            "RequestThrottled",
                                            "SlowDown",
                                            "PriorRequestNotComplete",
                                            "EC2ThrottledException"};
    return k.count(code) > 0;
}

bool is_unknown_key_code(const std::string& code) {
    return code == "InvalidAccessKeyId" || code == "InvalidClientTokenId" ||
           code == "UnrecognizedClientException";
}

Verdict classify(ServiceKind kind, TransportError transport, long status, const std::string& code) {
    switch (transport) {
        case TransportError::none:
            break;
        case TransportError::tls:
            return Verdict::fail;  // retrying cannot fix a certificate
        case TransportError::cleartext:
            return Verdict::fail;  // nor a URL's scheme
        default:
            return Verdict::retry;  // connect, timeout, reset, truncated
    }
    if (status >= 200 && status < 300) return Verdict::success;
    if (kind == ServiceKind::vault)
        return (status == 412 || status == 429 || status >= 500) ? Verdict::retry : Verdict::fail;
    static const std::set<std::string> transient = {"RequestTimeout", "RequestTimeoutException",
                                                    "PriorRequestNotComplete", "InternalError",
                                                    "ServiceUnavailable"};
    if (is_throttling_code(code) || transient.count(code)) return Verdict::retry;
    if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504)
        return Verdict::retry;
    return Verdict::fail;
}

bool strains_endpoint(TransportError transport, long status, const std::string& code) {
    // A request refused here for plain http never reached the endpoint.
    if (transport == TransportError::cleartext) return false;
    return transport != TransportError::none || status >= 500 || status == 429 ||
           is_throttling_code(code);
}

std::string endpoint_of(const std::string& url) {
    const size_t scheme = url.find("://");
    const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    std::string out = url.substr(0, url.find_first_of("/?#", start));
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::chrono::milliseconds backoff_delay(int retry, const RetryPolicy& p, std::mt19937_64& rng) {
    const int shift = std::min(retry - 1, 20);
    const long long ceiling = std::min<long long>(p.cap.count(), p.base.count() * (1LL << shift));
    std::uniform_int_distribution<long long> d(0, std::max(0LL, ceiling));
    return std::chrono::milliseconds(d(rng));
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& v,
                                                           const std::string* date) {
    if (v.empty()) return std::nullopt;
    constexpr long long kMaxMs = 3600 * 1000;
    if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        v.size() < 10)
        return std::chrono::milliseconds(std::min(std::stoll(v) * 1000, kMaxMs));
    const auto at = parse_http_date(v);
    if (!at) return std::nullopt;
    std::optional<std::chrono::system_clock::time_point> from;
    if (date) from = parse_http_date(*date);
    if (!from) from = std::chrono::system_clock::now();
    const long long diff =
        std::chrono::duration_cast<std::chrono::milliseconds>(*at - *from).count();
    return std::chrono::milliseconds(std::clamp(diff, 0LL, kMaxMs));
}

namespace {

bool key_id_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// `text` with what it quotes of a request's credentials blanked: some refusals (AWS's
// IncompleteSignature, a proxy's) quote the Authorization header or a pre-signed query, whose
// access key id and signature are nobody's business in a log.
std::string without_credentials(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        bool done = false;
        for (std::string_view mark : {"credential", "signature", "token"}) {
            const size_t n = mark.size();
            if (i + n >= text.size() || (text[i + n] != '=' && text[i + n] != ':')) continue;
            bool same = true;
            for (size_t k = 0; k < n && same; ++k)
                same = (text[i + k] | 0x20) == mark[k];
            if (!same) continue;
            out.append(text.substr(i, n + 1)).append("(not shown)");
            i += n + 1;
            while (i < text.size() && text[i] == ' ')
                ++i;
            while (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '&' &&
                   text[i] != '"' && text[i] != '\'' && text[i] != '<')
                ++i;
            done = true;
            break;
        }
        if (done) continue;
        // An access key id: AKIA or ASIA and 16 more capitals or digits.
        if (text.size() - i >= 20 && (text.substr(i, 4) == "AKIA" || text.substr(i, 4) == "ASIA") &&
            (i == 0 || !key_id_char(text[i - 1]))) {
            size_t n = 4;
            while (i + n < text.size() && key_id_char(text[i + n]))
                ++n;
            if (n >= 16) {
                out.append("(access key id)");
                i += n;
                continue;
            }
        }
        out.push_back(text[i++]);
    }
    return out;
}

}  // namespace

std::string service_message(std::string_view raw) {
    // The held secrets first: blanking what follows "token=" could cut one short of its value.
    const std::string text = without_credentials(without_held_secrets(raw));
    std::string line;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') c = ' ';
        if (c != ' ' || (!line.empty() && line.back() != ' ')) line += c;
    }
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    return shown_text(line, 300);
}

RateLimiter::RateLimiter(double rate, double burst)
    : rate_(rate),
      burst_(std::max(1.0, burst)),
      tokens_(std::max(1.0, burst)),
      last_(std::chrono::steady_clock::now()) {}

void RateLimiter::acquire() {
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        tokens_ =
            std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
        last_ = now;
        if (tokens_ >= 1.0) {
            tokens_ -= 1.0;
            return;
        }
        const double wait_s = (1.0 - tokens_) / rate_;
        l.unlock();
        std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
        l.lock();
    }
}

CircuitBreaker::CircuitBreaker(int threshold, std::chrono::milliseconds cooldown)
    : threshold_(threshold), cooldown_(cooldown) {}

CircuitBreaker::Admission CircuitBreaker::admit() {
    std::lock_guard<std::mutex> l(m_);
    if (!open_) return Admission::closed;
    if (!probing_ && std::chrono::steady_clock::now() - opened_at_ >= cooldown_) {
        probing_ = true;  // half-open: exactly one probe
        return Admission::probe;
    }
    return Admission::refused;
}

void CircuitBreaker::record_success() {
    std::lock_guard<std::mutex> l(m_);
    failures_ = 0;
    open_ = probing_ = false;
}

void CircuitBreaker::record_failure() {
    std::lock_guard<std::mutex> l(m_);
    ++failures_;
    if (probing_ || failures_ >= threshold_) {
        open_ = true;
        probing_ = false;
        opened_at_ = std::chrono::steady_clock::now();
    }
}

void CircuitBreaker::abandon_probe() noexcept {
    // A mutex's lock throws only on a system error that leaves nothing to recover here.
    try {
        std::lock_guard<std::mutex> l(m_);
        probing_ = false;
    } catch (...) {
    }
}

bool CircuitBreaker::open() const {
    std::lock_guard<std::mutex> l(m_);
    return open_;
}

std::chrono::milliseconds CircuitBreaker::retry_in() const {
    std::lock_guard<std::mutex> l(m_);
    auto left = cooldown_ - std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - opened_at_);
    return std::max(left, std::chrono::milliseconds(0));
}

ErrorLog::ErrorLog(std::string path) : path_(std::move(path)) {}

void ErrorLog::write(const std::string& service, const std::string& operation, long status,
                     const std::string& request_id, int attempt, const std::string& code,
                     const std::string& message) {
    if (path_.empty()) return;
    std::string line = "{\"time\":" + json_quote(utc_now("%Y-%m-%dT%H:%M:%SZ"));
    line.append(",\"service\":").append(json_quote(service));
    line.append(",\"operation\":").append(json_quote(operation));
    line.append(",\"status\":").append(std::to_string(status));
    line.append(",\"request_id\":").append(json_quote(request_id));
    line.append(",\"attempt\":").append(std::to_string(attempt));
    line.append(",\"code\":").append(json_quote(code));
    line.append(",\"message\":").append(json_quote(message)).append("}\n");
    std::lock_guard<std::mutex> l(m_);
    if (std::FILE* f = std::fopen(path_.c_str(), "a")) {
        std::fputs(line.c_str(), f);
        std::fclose(f);
    }
}

void EndpointGuards::set_rate_limit(const std::string& service, double per_second, double burst) {
    std::lock_guard<std::mutex> l(m_);
    limits_[service] = std::make_unique<RateLimiter>(per_second, burst);
}

void EndpointGuards::set_breaker(int threshold, std::chrono::milliseconds cooldown) {
    std::lock_guard<std::mutex> l(m_);
    threshold_ = threshold;
    cooldown_ = cooldown;
    breakers_.clear();
}

RateLimiter* EndpointGuards::limiter(const std::string& service) {
    std::lock_guard<std::mutex> l(m_);
    auto it = limits_.find(service);
    return it == limits_.end() ? nullptr : it->second.get();
}

ServiceClock& EndpointGuards::clock(const std::string& service) {
    std::lock_guard<std::mutex> l(m_);
    auto& c = clocks_[service];
    if (!c) c = std::make_unique<ServiceClock>();
    return *c;
}

CircuitBreaker& EndpointGuards::breaker(const std::string& endpoint) {
    std::lock_guard<std::mutex> l(m_);
    auto& b = breakers_[endpoint];
    if (!b) b = std::make_unique<CircuitBreaker>(threshold_, cooldown_);
    return *b;
}

ResilientClient::ResilientClient(HttpClient& http, RetryPolicy policy, ErrorLog* log, uint64_t seed,
                                 std::shared_ptr<EndpointGuards> guards)
    : http_(http),
      policy_(policy),
      log_(log),
      rng_(seed),
      guards_(guards ? std::move(guards) : std::make_shared<EndpointGuards>()) {}

void ResilientClient::set_rate_limit(const std::string& service, double per_second, double burst) {
    guards_->set_rate_limit(service, per_second, burst);
}

void ResilientClient::set_breaker(int threshold, std::chrono::milliseconds cooldown) {
    guards_->set_breaker(threshold, cooldown);
}

Response ResilientClient::call(const CallOptions& o, const std::function<Request(int)>& make,
                               const ErrorReader& read_error) {
    std::string last, said;
    last_code_.clear();
    last_status_ = 0;
    int made = 0, rerouted = 0;
    // The request before was refused with directions: this one goes on the same permission
    // (were it the half-open breaker's probe, admit() would now refuse it, and the probe would
    // never be answered).
    bool rerouting = false, settling = false;
    ServiceClock& clock = guards_->clock(o.service);
    // The half-open breaker's probe while this call holds it and has recorded no outcome:
    // leaving the call by an exception gives it back, else the breaker would stay open.
    struct ProbeHold {
        CircuitBreaker* breaker = nullptr;
        ~ProbeHold() {
            if (breaker) breaker->abandon_probe();
        }
    } probe;
    auto settle = [&](CircuitBreaker& br, bool strained) {
        if (probe.breaker == &br) probe.breaker = nullptr;
        if (strained)
            br.record_failure();
        else
            br.record_success();
    };
    auto interrupted = [&] {
        return Error(ErrorKind::interrupted,
                     o.service + " " + o.operation + ": stopped, the run was interrupted");
    };
    for (int attempt = 1; attempt <= policy_.max_attempts; ++attempt) {
        if (stopping()) throw interrupted();
        const std::chrono::milliseconds signed_with = clock.offset();
        Request request = make(attempt);
        CircuitBreaker& br = guards_->breaker(endpoint_of(request.url));
        CircuitBreaker::Admission admission = CircuitBreaker::Admission::closed;
        if (!rerouting) admission = br.admit();
        if (admission == CircuitBreaker::Admission::probe) probe.breaker = &br;
        if (admission == CircuitBreaker::Admission::refused)
            throw Error(ErrorKind::remote, o.service + " " + o.operation +
                                               ": endpoint unavailable (circuit open after " +
                                               std::to_string(guards_->breaker_threshold()) +
                                               " consecutive failures; next try in " +
                                               std::to_string(br.retry_in().count() / 1000 + 1) +
                                               " s)" +
                                               (last.empty() ? "" : "; last error: " + last));
        if (RateLimiter* lim = guards_->limiter(o.service)) lim->acquire();
        ++stats_.attempts;
        ++made;
        rerouting = false;
        Result r = http_.perform(request);
        // A transfer a sink gave up on because the run is stopping is no failure of the endpoint.
        if (!r.ok() && stopping()) throw interrupted();
        const ServiceError err = r.ok() && read_error ? read_error(r.response) : ServiceError{};
        const Verdict v = classify(o.kind, r.error, r.ok() ? r.response.status : 0, err.code);
        if (v == Verdict::success) {
            settle(br, false);
            return std::move(r.response);
        }
        last_code_ = err.code;
        last_status_ = r.ok() ? r.response.status : 0;
        // What the service (or curl, quoting the URL) said is quoted through shown_text(), which
        // also blanks the secrets this process holds: a server may echo them back.
        std::string request_id;
        for (const char* h : {"x-amzn-requestid", "x-amz-request-id", "x-request-id"})
            if (const std::string* id = r.response.header(h)) request_id = shown_text(*id, 100);
        const std::string code = shown_text(err.code, 100),
                          transport = shown_text(r.error_text, 300);
        last = r.ok()
                   ? "HTTP " + std::to_string(r.response.status) + (code.empty() ? "" : " " + code)
                   : std::string(transport_error_name(r.error)) + " (" + transport + ")";
        said = r.ok() ? service_message(err.message) : std::string();
        if (log_)
            log_->write(o.service, o.operation, r.ok() ? r.response.status : 0, request_id, attempt,
                        code, r.ok() ? (said.empty() ? code : said) : transport);
        // Sent to the wrong place, or signed at a time the service would not accept: the next
        // request goes right at once, and says nothing about the endpoint's health.
        if (r.ok() && rerouted < 2 && reroutes(o, r.response, err, signed_with)) {
            ++rerouted;
            --attempt;
            rerouting = true;
            continue;
        }
        if (r.ok() && waited_for_new_key(o, err, last, settling)) {
            --attempt;
            rerouting = true;
            continue;
        }
        settle(br, strains_endpoint(r.error, r.ok() ? r.response.status : 0, err.code));
        if (v == Verdict::fail) break;
        if (attempt == policy_.max_attempts) break;
        auto wait = backoff_delay(attempt, policy_, rng_);
        std::string asked;
        if (const std::string* ra = r.response.header("retry-after"))
            if (auto floor = parse_retry_after(*ra, r.response.header("date"))) {
                // Held to the cap: an hour asked for five attempts is most of a night.
                if (*floor > policy_.cap)
                    asked = " (Retry-After asked " + std::to_string(floor->count() / 1000) +
                            " s; held to the retry cap)";
                wait = std::max(wait, std::min(*floor, policy_.cap));
            }
        log::warn(o.service + " " + o.operation + ": " + last + "; retrying in " +
                  std::to_string(wait.count()) + " ms" + asked + " (attempt " +
                  std::to_string(attempt + 1) + " of " + std::to_string(policy_.max_attempts) +
                  ")");
        ++stats_.retries;
        waited_ += wait;
        sleep_unless_stopped(wait);
    }
    throw Error(ErrorKind::remote, o.service + " " + o.operation + " failed: " + last + " (after " +
                                       std::to_string(made) + " attempt(s))" +
                                       (said.empty() ? "" : ": " + said));
}

void ResilientClient::sleep_unless_stopped(std::chrono::milliseconds wait) const {
    if (!stop_) {
        std::this_thread::sleep_for(wait);
        return;
    }
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!stopping()) {
        const auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) return;
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(100)));
    }
}

bool ResilientClient::waited_for_new_key(const CallOptions& o, const ServiceError& err,
                                         const std::string& last, bool& said_so) {
    if (!is_unknown_key_code(err.code)) return false;
    const auto left = o.settling_until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return false;
    if (!said_so)
        log::info(o.service + " " + o.operation + ": " + last +
                  " with keys created moments ago; waiting for IAM to know them");
    said_so = true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::seconds(1)));
    return true;
}

bool ResilientClient::reroutes(const CallOptions& o, const Response& r, const ServiceError& err,
                               std::chrono::milliseconds signed_with) {
    if (o.reroute && o.reroute(r, err)) return true;
    if (o.kind != ServiceKind::aws || !is_clock_skew_code(err.code)) return false;
    ServiceClock& clock = guards_->clock(o.service);
    // Another client of the run corrected the clock while this request was out.
    if (clock.offset() != signed_with) return true;
    const auto said = clock.correct_from(r);
    if (said.correction == ServiceClock::Correction::none) return false;
    const long long ms = said.offset.count(), s = ((ms < 0 ? -ms : ms) + 500) / 1000;
    const std::string off = "its Date says this machine's clock is " + std::to_string(s) + " s " +
                            (ms < 0 ? "ahead of" : "behind") + " " + o.service + "'s";
    if (said.correction == ServiceClock::Correction::too_far) {
        log::warn(o.service + " " + o.operation + ": refused with " + err.code + ", and " + off +
                  ", more than the 24 h curcrunch corrects: set the clock right (NTP)");
        return false;
    }
    log::warn(o.service + " " + o.operation + ": refused with " + err.code + ", and " + off +
              "; its requests are signed with its time from now on (set the clock right: NTP)");
    return true;
}

}  // namespace curcrunch::net
