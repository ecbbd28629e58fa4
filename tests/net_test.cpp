// The HTTP layer against a scripted server on 127.0.0.1: retries with backoff and Retry-After,
// failure classification, timeouts on stalled transfers, resets, truncation, the circuit
// breaker on a dead endpoint, the rate limit (request timestamps), and the error log.
#include <gtest/gtest.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/net/resilience.hpp"
#include "loopback_server.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::net;
using namespace testsupport;
using namespace std::chrono_literals;

namespace {

ClientOptions fast_timeouts() {
    ClientOptions o;
    o.connect_timeout = 2000ms;
    o.total_timeout = 800ms;
    o.low_speed_time = std::chrono::seconds(1);
    return o;
}

RetryPolicy quick(int attempts) {
    RetryPolicy p;
    p.max_attempts = attempts;
    p.base = 1ms;
    p.cap = 5ms;
    return p;
}

std::function<Request(int)> get(const std::string& url) {
    return [url](int) {
        Request r;
        r.url = url;
        r.headers.emplace_back("Authorization", "secret-never-logged");
        return r;
    };
}

CallOptions op(const char* service = "s3") {
    return CallOptions{service, "GetObject", ServiceKind::aws};
}

std::string remote_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::remote);
        return e.what();
    }
    return "<no error>";
}

}  // namespace

TEST(Net, ClassifiesLikeBotocoreAndVault) {
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::none, 200, ""), Verdict::success);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::none, 400, "ThrottlingException"),
              Verdict::retry);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::none, 503, "SlowDown"), Verdict::retry);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::none, 504, ""), Verdict::retry);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::none, 400, "ExpiredToken"), Verdict::fail);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::none, 403, "SignatureDoesNotMatch"),
              Verdict::fail);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::none, 501, ""), Verdict::fail);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::reset, 0, ""), Verdict::retry);
    EXPECT_EQ(classify(ServiceKind::aws, TransportError::tls, 0, ""), Verdict::fail);
    EXPECT_EQ(classify(ServiceKind::vault, TransportError::none, 412, ""), Verdict::retry);
    EXPECT_EQ(classify(ServiceKind::vault, TransportError::none, 503, ""), Verdict::retry);
    EXPECT_EQ(classify(ServiceKind::vault, TransportError::none, 429, ""), Verdict::retry);
    EXPECT_EQ(classify(ServiceKind::vault, TransportError::none, 403, ""), Verdict::fail);
}

TEST(Net, BackoffIsCappedFullJitterAndRetryAfterParses) {
    std::mt19937_64 rng(7);
    RetryPolicy p;
    p.base = 100ms;
    p.cap = 1000ms;
    for (int retry = 1; retry <= 12; ++retry)
        for (int i = 0; i < 50; ++i) {
            auto d = backoff_delay(retry, p, rng);
            EXPECT_GE(d.count(), 0);
            EXPECT_LE(d.count(), std::min<long long>(1000, 100LL << (retry - 1)));
        }
    EXPECT_EQ(parse_retry_after("2")->count(), 2000);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT")->count(), 0);  // in the past
    EXPECT_FALSE(parse_retry_after("soon").has_value());
    EXPECT_EQ(parse_retry_after("999999")->count(), 3600 * 1000);  // capped
}

TEST(Net, RetriesTransientFailuresThenSucceeds) {
    LoopbackServer s;
    // The reset comes first, on a fresh connection: on a reused keep-alive connection curl
    // itself re-sends a request that got no answer at all, which would hide one attempt.
    Action reset;
    reset.kind = Action::reset;
    s.push(reset);
    s.push(respond(503, "<Error><Code>SlowDown</Code></Error>"));
    Action trunc = respond(200, std::string(1000, 'x'));
    trunc.kind = Action::truncate;
    s.push(trunc);
    s.push(respond(200, "payload"));
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(5));
    Response r = rc.call(op(), get(s.url("/bucket/key")));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "payload");
    EXPECT_EQ(rc.stats().retries, 3);
    EXPECT_EQ(s.seen().size(), 4u);
    EXPECT_EQ(s.seen()[0].target, "/bucket/key");
}

TEST(Net, HonoursRetryAfter) {
    LoopbackServer s;
    s.push(respond(429, "{\"__type\":\"TooManyRequestsException\"}", {{"Retry-After", "1"}}));
    s.push(respond(200));
    HttpClient http(fast_timeouts());
    RetryPolicy p = quick(3);
    p.cap = 2000ms;  // room for the second asked for
    ResilientClient rc(http, p);
    rc.call(op(), get(s.url()));
    auto seen = s.seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_GE(seen[1].at - seen[0].at, 950ms);
}

// Audit finding 10: a Retry-After of 2 s overrode a 20 ms --retry-cap-ms (and one of an hour
// would have been honoured). The cap bounds every wait.
TEST(Net, RetryAfterIsHeldToTheRetryCap) {
    LoopbackServer s;
    s.push(respond(503, "<Error><Code>SlowDown</Code></Error>", {{"Retry-After", "2"}}));
    s.push(respond(503, "<Error><Code>SlowDown</Code></Error>", {{"Retry-After", "3600"}}));
    s.push(respond(200));
    HttpClient http(fast_timeouts());
    RetryPolicy p = quick(3);
    p.cap = 20ms;
    ResilientClient rc(http, p);
    rc.call(op(), get(s.url()));
    auto seen = s.seen();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_LT(seen[2].at - seen[0].at, 900ms);
    EXPECT_LE(rc.total_wait(), 40ms);
}

// Audit finding 7: definite answers (404 NoSuchBucket, 403 AccessDenied) opened the breaker,
// and the breaker was the service's: one profile's missing buckets made a healthy endpoint
// "unavailable". Only an endpoint's own trouble counts, and only against that endpoint.
TEST(Net, OnlyAnEndpointsOwnTroubleOpensItsCircuit) {
    LoopbackServer refusing;
    refusing.set_handler([](const SeenRequest&) {
        return respond(404, "<Error><Code>NoSuchBucket</Code></Error>");
    });
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(2));
    rc.set_breaker(2, 60s);
    for (int i = 0; i < 5; ++i)
        EXPECT_NE(remote_error([&] {
                      rc.call(op(), get(refusing.url("/gone")));
                  }).find("s3 GetObject failed: HTTP 404"),
                  std::string::npos);
    EXPECT_EQ(refusing.seen().size(), 5u);  // not retried, and never refused by the breaker

    int dead_port;
    {
        LoopbackServer gone;
        dead_port = gone.port();
    }
    const std::string dead = "http://127.0.0.1:" + std::to_string(dead_port) + "/";
    remote_error([&] { rc.call(op(), get(dead)); });  // two refused connections: open
    EXPECT_NE(remote_error([&] { rc.call(op(), get(dead)); }).find("endpoint unavailable"),
              std::string::npos);
    // The same service at another endpoint is not affected.
    LoopbackServer healthy;
    EXPECT_EQ(rc.call(op(), get(healthy.url())).body, "ok");
}

TEST(Net, StalledTransferTimesOutAndIsRetried) {
    LoopbackServer s;
    Action stall;
    stall.kind = Action::stall;
    stall.stall_ms = 5000;
    s.push(stall);
    s.push(respond(200, "late but fine"));
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(3));
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(rc.call(op(), get(s.url())).body, "late but fine");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 4000ms);
    EXPECT_EQ(rc.stats().retries, 1);
}

TEST(Net, ClientErrorsFailAtOnceWithAClearMessage) {
    LoopbackServer s;
    // What the service said ends the message, on one line, its control characters shown.
    s.push(respond(403,
                   "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature "
                   "we calculated\n\t does not match \x1b[2Jthe signature you provided."
                   "</Message></Error>"));
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(5));
    auto read = [](const Response& r) {
        auto text = [&](const std::string& tag) {
            size_t a = r.body.find("<" + tag + ">"), b = r.body.find("</" + tag + ">");
            return a == std::string::npos
                       ? std::string()
                       : r.body.substr(a + tag.size() + 2, b - a - tag.size() - 2);
        };
        return ServiceError{text("Code"), text("Message")};
    };
    std::string msg = remote_error([&] { rc.call(op(), get(s.url()), read); });
    EXPECT_EQ(msg,
              "s3 GetObject failed: HTTP 403 SignatureDoesNotMatch (after 1 attempt(s)): The "
              "request signature we calculated does not match \\x1B[2Jthe signature you "
              "provided.");
    EXPECT_EQ(s.seen().size(), 1u);
}

TEST(Net, GivesUpAfterMaxAttempts) {
    LoopbackServer s;
    for (int i = 0; i < 3; ++i)
        s.push(respond(500));
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(3));
    EXPECT_EQ(remote_error([&] { rc.call(op(), get(s.url())); }),
              "s3 GetObject failed: HTTP 500 (after 3 attempt(s))");
    EXPECT_EQ(s.seen().size(), 3u);
}

TEST(Net, CircuitOpensOnADeadEndpointAndProbesAfterCooldown) {
    int dead_port;
    {
        LoopbackServer gone;  // take a free port, then close it: connections are refused
        dead_port = gone.port();
    }
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(2));
    rc.set_breaker(2, 300ms);
    const std::string url = "http://127.0.0.1:" + std::to_string(dead_port) + "/";
    std::string first = remote_error([&] { rc.call(op("sts"), get(url)); });
    EXPECT_NE(first.find("sts GetObject failed: connection failed"), std::string::npos) << first;
    const int attempts = rc.stats().attempts;
    auto t0 = std::chrono::steady_clock::now();
    std::string fast = remote_error([&] { rc.call(op("sts"), get(url)); });
    EXPECT_NE(fast.find("endpoint unavailable (circuit open after 2 consecutive failures"),
              std::string::npos)
        << fast;
    EXPECT_EQ(rc.stats().attempts, attempts);  // no request was made
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 50ms);
    // Other services are not affected; after the cool-down one probe goes through.
    std::this_thread::sleep_for(350ms);
    remote_error([&] { rc.call(op("sts"), get(url)); });
    EXPECT_EQ(rc.stats().attempts, attempts + 1);
}

TEST(Net, AHalfOpenBreakersProbeThatIsRedirectedIsStillAnswered) {
    LoopbackServer s;
    s.push(respond(500));
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(1));
    rc.set_breaker(1, 100ms);
    remote_error([&] { rc.call(op(), get(s.url())); });  // opens the breaker
    std::this_thread::sleep_for(150ms);
    // The probe is refused with directions, and the request it directs goes on its permission.
    s.push(respond(301, "moved"));
    s.push(respond(200, "here"));
    CallOptions o = op();
    o.reroute = [](const Response& r, const ServiceError&) { return r.status == 301; };
    EXPECT_EQ(rc.call(o, get(s.url())).body, "here");
    EXPECT_EQ(rc.call(op(), get(s.url())).body, "ok");  // and closed the breaker
}

TEST(Net, AnUnknownNewKeyIsWaitedForOnlyUntilItsSettlingTime) {
    LoopbackServer s;
    s.set_handler([](const SeenRequest&) {
        return respond(403, "<Error><Code>InvalidAccessKeyId</Code></Error>");
    });
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(2));
    auto read = [](const Response& r) {
        return ServiceError{
            r.body.find("InvalidAccessKeyId") != std::string::npos ? "InvalidAccessKeyId" : "", ""};
    };
    CallOptions o = op();
    o.settling_until = std::chrono::steady_clock::now() + 1500ms;
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(remote_error([&] { rc.call(o, get(s.url()), read); }),
              "s3 GetObject failed: HTTP 403 InvalidAccessKeyId (after 3 attempt(s))");
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 1400ms);
    EXPECT_EQ(s.seen().size(), 3u);  // at 0, 1 and 1.5 s; then the refusal stands
    // Without a settling time the refusal stands at once.
    EXPECT_EQ(remote_error([&] { rc.call(op(), get(s.url()), read); }),
              "s3 GetObject failed: HTTP 403 InvalidAccessKeyId (after 1 attempt(s))");
}

TEST(Net, AServiceMessageNeverShowsCredentials) {
    EXPECT_EQ(service_message(
                  "Authorization header requires 'Signature' parameter. "
                  "Authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"
                  "20261207/us-east-1/s3/aws4_request, SignedHeaders=host, "
                  "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"),
              "Authorization header requires 'Signature' parameter. "
              "Authorization=AWS4-HMAC-SHA256 Credential=(not shown), SignedHeaders=host, "
              "Signature=(not shown)");
    EXPECT_EQ(service_message("The AWS Access Key Id ASIAQNZGKIQYEXAMPLE12 you provided does not "
                              "exist; X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE&x=1"),
              "The AWS Access Key Id (access key id) you provided does not exist; "
              "X-Amz-Security-Token=(not shown)&x=1");
    EXPECT_EQ(service_message("echoed: x-amz-security-token: FwoGZXIvYXdzEXAMPLE, "
                              "x-amz-credential=AKIAIOSFODNN7EXAMPLE%2F20261207"),
              "echoed: x-amz-security-token:(not shown), x-amz-credential=(not shown)");
    EXPECT_EQ(service_message("AKIA is a prefix; AKIASHORT is not a key"),
              "AKIA is a prefix; AKIASHORT is not a key");
}

TEST(Net, RateLimitSpacesRequests) {
    LoopbackServer s;
    HttpClient http(fast_timeouts());
    ResilientClient rc(http, quick(1));
    rc.set_rate_limit("ce", 5.0, 1.0);  // 5 per second, no burst
    for (int i = 0; i < 4; ++i)
        rc.call(op("ce"), get(s.url()));
    auto seen = s.seen();
    ASSERT_EQ(seen.size(), 4u);
    // The limiter spaces the sends 200 ms apart; the server sees them with the loopback's and the
    // scheduler's delay, which on a loaded machine was 24 ms for one and none for the next. So
    // each gap may look up to 50 ms short, the whole run not by more (unlimited: about 1 ms).
    for (size_t i = 1; i < seen.size(); ++i)
        EXPECT_GE(seen[i].at - seen[i - 1].at, 150ms) << i;
    EXPECT_GE(seen[3].at - seen[0].at, 550ms);
}

TEST(Net, ErrorLogIsJsonLinesWithoutSecrets) {
    TempDir t;
    LoopbackServer s;
    s.push(respond(503, "busy", {{"x-amzn-RequestId", "req-123"}}));
    s.push(respond(200));
    HttpClient http(fast_timeouts());
    ErrorLog log(t / "errors.jsonl");
    ResilientClient rc(http, quick(3), &log);
    rc.call(op(), get(s.url()));
    std::string text = read_file(t / "errors.jsonl");
    EXPECT_NE(text.find("\"service\":\"s3\",\"operation\":\"GetObject\",\"status\":503,\"request_"
                        "id\":\"req-123\","
                        "\"attempt\":1"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("secret-never-logged"), std::string::npos);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

}  // namespace CURCRUNCH_UNITY_ID
