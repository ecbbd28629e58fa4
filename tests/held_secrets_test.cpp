// A service may quote a request's secrets back in its error message (a session token, a Vault
// token): every value a live Secret holds is blanked wherever outside text is quoted, so the
// message curcrunch shows, logs and stores never repeats it.
#include <gtest/gtest.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/secret.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/net/resilience.hpp"
#include "loopback_server.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::net;
using namespace testsupport;

TEST(HeldSecrets, ASecretAServiceQuotesBackIsNotShownLoggedOrThrown) {
    TempDir t;
    LoopbackServer s;
    // Its "token=" would also start a blanked credential: the value must go first, whole.
    const Secret token("IQoJb3JpZ2luX2VjEXAMPLE+session/token==");
    const Secret vault_token("hvs.CAESIJ-vault-token-value");
    s.push(respond(400,
                   "<Error><Code>InvalidToken</Code><Message>Token " + std::string(token.reveal()) +
                       " is malformed; your Vault token was " + std::string(vault_token.reveal()) +
                       "</Message></Error>",
                   {{"x-amz-request-id", std::string(vault_token.reveal())}}));
    HttpClient http(ClientOptions{});
    ErrorLog log((t / "errors.jsonl"));
    ResilientClient rc(http, quick_retries(3), &log);
    auto read = [](const Response& r) {
        auto text = [&](const std::string& tag) {
            size_t a = r.body.find("<" + tag + ">"), b = r.body.find("</" + tag + ">");
            return r.body.substr(a + tag.size() + 2, b - a - tag.size() - 2);
        };
        return ServiceError{text("Code"), text("Message")};
    };
    std::string msg;
    try {
        rc.call(
            CallOptions{"s3", "GetObject", ServiceKind::aws},
            [&](int) {
                Request r;
                r.url = s.url("/bucket/key");
                return r;
            },
            read);
    } catch (const Error& e) {
        msg = e.what();
    }
    EXPECT_EQ(msg,
              "s3 GetObject failed: HTTP 400 InvalidToken (after 1 attempt(s)): Token (not shown) "
              "is malformed; your Vault token was (not shown)");
    const std::string logged = read_file(t / "errors.jsonl");
    EXPECT_NE(logged.find("\"request_id\":\"(not shown)\""), std::string::npos) << logged;
    EXPECT_EQ(logged.find("session/token"), std::string::npos) << logged;
    EXPECT_EQ(logged.find("vault-token-value"), std::string::npos) << logged;
    // Blanked before the cut, so no head of a secret is left at the end of a long quote.
    EXPECT_EQ(shown_text(std::string(30, 'x') + std::string(token.reveal()), 40),
              std::string(30, 'x') + "(not shown...");
    // Short values are not blanked (they would match ordinary words); nor are dead secrets.
    const Secret pin("1234567");
    EXPECT_EQ(shown_text("code 1234567"), "code 1234567");
    std::string gone = "gone-secret-value";
    { const Secret dropped(gone); }
    EXPECT_EQ(shown_text("a gone-secret-value here"), "a gone-secret-value here");
    // Moved and assigned secrets are known by their new holder.
    Secret moved(Secret(std::string("moved-secret-value")));
    Secret assigned;
    assigned = moved;
    EXPECT_EQ(shown_text("moved-secret-value"), "(not shown)");
    moved = Secret();
    EXPECT_EQ(shown_text("moved-secret-value"), "(not shown)");  // `assigned` still holds it
    assigned = Secret();
    EXPECT_EQ(shown_text("moved-secret-value"), "moved-secret-value");
}

}  // namespace CURCRUNCH_UNITY_ID
