// Plain http carries a request's secrets in cleartext: it is allowed only to this machine, for a
// configured URL (a usage error naming the setting) and for one a service handed out (refused
// by the HTTP client itself, without connecting).
#include <gtest/gtest.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/net/resilience.hpp"
#include "curcrunch/net/url_parts.hpp"
#include "loopback_server.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::net;
using namespace testsupport;
using namespace std::chrono_literals;

TEST(TransportSafety, PlainHttpIsAllowedOnlyToThisMachine) {
    for (const char* ok : {"https://vault.example:8200", "https://192.0.2.2",
                           "http://127.0.0.1:8200", "http://127.3.4.5/v1", "http://localhost:9000",
                           "http://LOCALHOST", "http://[::1]:8200", "HTTP://127.0.0.1"}) {
        SCOPED_TRACE(ok);
        EXPECT_EQ(cleartext_refusal(ok), "");
        EXPECT_NO_THROW(require_safe_transport(ok, "VAULT_ADDR"));
    }
    const std::string why =
        " would carry its secrets in cleartext: use https (plain http is allowed only to a "
        "loopback address: 127.0.0.0/8, ::1, localhost)";
    for (const auto& [url, host] : std::vector<std::pair<std::string, std::string>>{
             {"http://192.0.2.2:18403", "192.0.2.2"},
             {"http://vault.example:8200/", "vault.example"},
             {"vault.example:8200", "vault.example"},  // curl guesses http
             {"http://127.0.0.1.example.com", "127.0.0.1.example.com"},
             {"http://localhost.example.com", "localhost.example.com"},
             {"http://user:pw@10.0.0.1:80/x", "10.0.0.1"},
             {"http://[2001:db8::1]:8200", "[2001:db8::1]"}}) {
        SCOPED_TRACE(url);
        EXPECT_EQ(cleartext_refusal(url), "plain http to " + host + why);
        try {
            require_safe_transport(url, "VAULT_ADDR");
            ADD_FAILURE() << "accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::usage);
            EXPECT_EQ(std::string(e.what()), "VAULT_ADDR: plain http to " + host + why);
        }
    }
}

TEST(TransportSafety, ARequestInPlainHttpToAnotherMachineIsNeverSent) {
    // A URL a service handed out (a document link, a redirect) is not checked by any setting:
    // the client refuses it itself, without connecting, and the refusal is not retried.
    HttpClient http(ClientOptions{});
    Request doc;
    doc.url = "http://192.0.2.7:9/_presigned/invoice.pdf?X-Amz-Security-Token=t";
    const Result r = http.perform(doc);
    EXPECT_EQ(r.error, TransportError::cleartext);
    EXPECT_EQ(r.error_text,
              "plain http to 192.0.2.7 would carry its secrets in cleartext: use https (plain http "
              "is allowed only to a loopback address: 127.0.0.0/8, ::1, localhost)");
    ResilientClient rc(http, quick_retries(5));
    try {
        rc.call(CallOptions{"invoice-documents", "GET", ServiceKind::plain},
                [&](int) { return doc; });
        ADD_FAILURE() << "sent";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "invoice-documents GET failed: refused (plain http to 192.0.2.7 would carry "
                  "its secrets in cleartext: use https (plain http is allowed only to a loopback "
                  "address: 127.0.0.0/8, ::1, localhost)) (after 1 attempt(s))");
    }
    EXPECT_EQ(rc.stats().attempts, 1);
    // The endpoint was never asked: its breaker does not count the refusal.
    EXPECT_FALSE(strains_endpoint(TransportError::cleartext, 0, ""));
    // To this machine it goes.
    LoopbackServer s;
    Request local;
    local.url = s.url("/x");
    EXPECT_TRUE(http.perform(local).ok());
    EXPECT_EQ(s.seen().size(), 1u);
}

}  // namespace CURCRUNCH_UNITY_ID
