// The dashboard under hostile clients, over real sockets on 127.0.0.1: slow request heads
// (slowloris) and a bounded queue, foreign Host names (DNS rebinding), the login's sessions,
// logout, back-off and return path, the loopback check and the not-found answers.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <regex>

#include "curcrunch/serve/view_params.hpp"
#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kToken = "s3cret-token-for-the-dashboard";
const std::string kForm = "application/x-www-form-urlencoded";

std::string head_of(int port, const std::string& path, const std::string& host = "") {
    return "GET " + path +
           " HTTP/1.1\r\nHost: " + (host.empty() ? "127.0.0.1:" + std::to_string(port) : host) +
           "\r\nConnection: close\r\n\r\n";
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string form_token_of(const std::string& html) {
    std::smatch m;
    return std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\""))
               ? m[1].str()
               : "";
}

// A login-protected dashboard, signed in: the session cookie.
std::string sign_in(Served& s) {
    auto in = s.post("/login", "token=" + kToken, kForm);
    EXPECT_EQ(in.status, 303) << in.body;
    return Served::cookie_of(in);
}

}  // namespace

// --- slow clients ----------------------------------------------------------------------------

TEST(ServeHostile, ASlowlorisOfAHundredConnectionsDoesNotDelayANormalRequest) {
    Served s;
    std::vector<int> slow;
    for (int i = 0; i < 100; ++i) {
        const int fd = connect_loopback(s.port);
        ASSERT_GE(fd, 0) << i;
        send_text(fd, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        slow.push_back(fd);
    }
    // Each keeps its head open with a byte every 200 ms, far inside any per-read timeout.
    std::atomic<bool> done{false};
    std::thread drip([&] {
        while (!done) {
            for (int fd : slow)
                ::send(fd, "x", 1, MSG_NOSIGNAL);
            std::this_thread::sleep_for(200ms);
        }
    });
    std::this_thread::sleep_for(500ms);  // every slow connection has been accepted
    const auto start = Clock::now();
    const std::string answer =
        raw_exchange(s.port, head_of(s.port, "/api/overview?preset=year&as_of=2026-10-31"), 10s);
    const double took = seconds_since(start);
    done = true;
    drip.join();
    for (int fd : slow)
        ::close(fd);
    EXPECT_EQ(status_of(answer), 200) << answer.substr(0, 200);
    EXPECT_LT(took, 1.0) << "a normal request waited behind the slow heads";
}

TEST(ServeHostile, ARequestHeadHasATotalDeadlineAndASizeLimit) {
    Served s("", [](serve::ServeOptions& o) { o.limits.head_timeout = 1500ms; });
    // A byte every 100 ms: every single read is quick, the head never ends.
    const int fd = connect_loopback(s.port);
    ASSERT_GE(fd, 0);
    const auto start = Clock::now();
    send_text(fd, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    std::string answer;
    while (seconds_since(start) < 6) {
        ::send(fd, "X", 1, MSG_NOSIGNAL);
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
            answer = read_until_closed(fd, 1s);
            break;
        }
    }
    const double took = seconds_since(start);
    ::close(fd);
    EXPECT_EQ(status_of(answer), 408) << answer;
    EXPECT_GT(took, 1.3);
    EXPECT_LT(took, 3.0);
    // A connection that sends nothing is closed quietly at the same deadline.
    const int idle = connect_loopback(s.port);
    const auto idle_start = Clock::now();
    EXPECT_EQ(read_until_closed(idle, 6s), "");
    EXPECT_LT(seconds_since(idle_start), 3.0);
    ::close(idle);
    // A head that outgrows 64 KiB: 431, whatever its lines look like.
    std::string big = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 0; big.size() < (70u << 10); ++i)
        big += "X-Filler-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
    EXPECT_EQ(status_of(raw_exchange(s.port, big + "\r\n", 5s)), 431);
    // The server still answers.
    EXPECT_EQ(s.get("/api/archive").status, 200);
}

TEST(ServeHostile, OverTheConnectionLimitTheSlowestHeadsGoFirst) {
    Served s("", [](serve::ServeOptions& o) { o.limits.max_connections = 20; });
    std::vector<int> slow;
    for (int i = 0; i < 40; ++i) {
        slow.push_back(connect_loopback(s.port));
        ASSERT_GE(slow.back(), 0);
        send_text(slow.back(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        std::this_thread::sleep_for(5ms);  // one after the other, as the gate sees them
    }
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(status_of(raw_exchange(s.port, head_of(s.port, "/api/archive"))), 200);
    // The twenty that waited longest were closed, without an answer; the newest still wait.
    for (int i = 0; i < 40; ++i) {
        char byte;
        const bool closed =
            ::recv(slow[static_cast<size_t>(i)], &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
        EXPECT_EQ(closed, i < 21) << i;
        ::close(slow[static_cast<size_t>(i)]);
    }
}

TEST(ServeHostile, TheQueueOfRequestsIsBounded) {
    Served s("", [](serve::ServeOptions& o) {
        o.threads = 1;
        o.limits.queue = 1;
    });
    // The only worker reads a body that trickles in.
    const int busy = connect_loopback(s.port);
    ASSERT_GE(busy, 0);
    send_text(busy,
              "POST /archive/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
              "multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n");
    std::this_thread::sleep_for(300ms);
    // One complete request waits for it; the next finds the queue full.
    const int waiting = connect_loopback(s.port);
    send_text(waiting, head_of(s.port, "/api/archive"));
    std::this_thread::sleep_for(300ms);
    const auto start = Clock::now();
    const std::string refused = raw_exchange(s.port, head_of(s.port, "/api/archive"), 5s);
    EXPECT_LT(seconds_since(start), 1.0);
    EXPECT_EQ(status_of(refused), 503) << refused;
    EXPECT_NE(refused.find("Retry-After: 1\r\n"), std::string::npos) << refused;
    // The trickle gives up; the waiting request is answered.
    ::close(busy);
    const std::string later = read_until_closed(waiting, 5s);
    ::close(waiting);
    EXPECT_EQ(status_of(later), 200) << later.substr(0, 200);
}

// Uploads that send their head and then nothing hold a worker each until their transfer
// deadline: at most a quarter of the workers (4 of 16) are given to them, the others get 503 at
// once, and pages are answered meanwhile. Twenty such uploads delayed every page by 9.5 s.
TEST(ServeHostile, IdleUploadsDoNotTakeTheWorkersPagesNeed) {
    Served s;
    std::vector<int> idle;
    for (int i = 0; i < 20; ++i) {
        idle.push_back(connect_loopback(s.port));
        ASSERT_GE(idle.back(), 0) << i;
        send_text(idle.back(),
                  "POST /archive/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                  "multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n");
    }
    std::this_thread::sleep_for(500ms);
    for (int i = 0; i < 3; ++i) {
        const auto start = Clock::now();
        const std::string answer = raw_exchange(
            s.port, head_of(s.port, "/api/overview?preset=year&as_of=2026-10-31"), 10s);
        EXPECT_EQ(status_of(answer), 200) << answer.substr(0, 200);
        EXPECT_LT(seconds_since(start), 1.0) << "a page waited behind idle uploads";
    }
    int refused = 0;
    for (int fd : idle) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 0) > 0) {
            const std::string answer = read_until_closed(fd, 1s);
            EXPECT_EQ(status_of(answer), 503) << answer;
            EXPECT_NE(answer.find("Too many uploads are being received"), std::string::npos)
                << answer;
            EXPECT_NE(answer.find("Retry-After: 1\r\n"), std::string::npos) << answer;
            ++refused;
        }
        ::close(fd);
    }
    EXPECT_EQ(refused, 16);
    // Their workers are free again: an upload is read.
    EXPECT_EQ(s.get("/api/archive").status, 200);
}

TEST(ServeHostile, OnlyTheUploadTakesALargeBody) {
    Served s;
    // Anywhere else a large body is refused before a byte of it is read: no worker waits for it.
    for (const char* path : {"/login", "/static/style.css", "/logout"}) {
        const auto start = Clock::now();
        const std::string answer =
            raw_exchange(s.port,
                         std::string("POST ") + path +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                             "application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n",
                         5s);
        EXPECT_EQ(status_of(answer), 413) << path << ": " << answer;
        EXPECT_LT(seconds_since(start), 1.0) << path;
    }
    EXPECT_EQ(
        status_of(raw_exchange(s.port,
                               "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: "
                               "chunked\r\n\r\n",
                               5s)),
        413);
}

// --- Host names ------------------------------------------------------------------------------

TEST(ServeHostile, OnlyItsOwnHostNamesAreAnswered) {
    Served s("", [](serve::ServeOptions& o) { o.allowed_hosts = {"dash.example.org"}; });
    const std::string port = std::to_string(s.port);
    for (const char* path :
         {"/", "/api/overview", "/static/style.css", "/login", "/report.pdf", "/no-such-page"}) {
        auto r = s.get(path, {{"Host", "evil.test:" + port}});
        EXPECT_EQ(r.status, 421) << path;
        EXPECT_NE(r.body.find("evil.test"), std::string::npos) << path << ": " << r.body;
        EXPECT_EQ(r.body.find("Overview"), std::string::npos) << path;
    }
    EXPECT_EQ(*s.get("/api/overview", {{"Host", "evil.test"}}).header("content-type"),
              "application/json");
    // An upload through a rebound name, with a valid form token and a matching Origin.
    const std::string csrf = form_token_of(s.get("/archive").body);
    ASSERT_FALSE(csrf.empty());
    const std::string body = "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
                             "\r\n--b\r\nContent-Disposition: form-data; name=\"pdf\"; "
                             "filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 "
                             "x\r\n--b--\r\n";
    auto up = s.post("/archive/upload", body, "multipart/form-data; boundary=b",
                     {{"Host", "evil.test:" + port}, {"Origin", "http://evil.test:" + port}});
    EXPECT_EQ(up.status, 421);
    EXPECT_EQ(query_one(s.db, "SELECT count(*) FROM archive_document"), "0");
    // Names that merely start like an allowed one.
    for (const std::string& host : std::vector<std::string>{
             "127.0.0.1.evil.test", "localhost.evil.test:" + port, "dash.example.org.evil.test"})
        EXPECT_EQ(status_of(raw_exchange(s.port, head_of(s.port, "/", host))), 421) << host;
    // No Host at all, or no host name in it.
    EXPECT_EQ(status_of(raw_exchange(s.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")), 400);
    for (const std::string& host :
         std::vector<std::string>{"evil.test@127.0.0.1", "[::1", ":80", "127.0.0.1:http", "a b"})
        EXPECT_EQ(status_of(raw_exchange(s.port, head_of(s.port, "/", host))), 400) << host;
    // Its own names.
    for (const std::string& host : std::vector<std::string>{
             "127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port,
             "dash.example.org:" + port, "Dash.Example.Org", "localhost."})
        EXPECT_EQ(status_of(raw_exchange(s.port, head_of(s.port, "/api/archive", host))), 200)
            << host;
}

// --- login -----------------------------------------------------------------------------------

TEST(ServeHostile, ALoginGivesAServerSideSessionThatExpires) {
    TempDir t;
    write_file(t / "token", kToken + "\n");
    Served s(t / "token", [](serve::ServeOptions& o) {
        o.session_idle = 1200ms;
        o.session_lifetime = 3s;
    });
    auto in = s.post("/login", "token=" + kToken, kForm);
    ASSERT_EQ(in.status, 303);
    const std::string set_cookie = *in.header("set-cookie");
    EXPECT_EQ(set_cookie.find(kToken), std::string::npos);
    EXPECT_TRUE(std::regex_search(
        set_cookie, std::regex("^curcrunch_session=[0-9a-f]{64}; Max-Age=3; Path=/; HttpOnly; "
                               "SameSite=Strict$")))
        << set_cookie;
    const std::string cookie = Served::cookie_of(in);
    EXPECT_NE(sign_in(s), cookie);  // every login its own id
    // Idle expiry.
    EXPECT_EQ(s.get("/api/archive", {{"Cookie", cookie}}).status, 200);
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(s.get("/api/archive", {{"Cookie", cookie}}).status, 401);
    // Absolute expiry, however busy the session: never idle for more than 0.8 s.
    const auto start = Clock::now();
    const std::string busy = sign_in(s);
    while (seconds_since(start) < 2.7) {
        EXPECT_EQ(s.get("/api/archive", {{"Cookie", busy}}).status, 200);
        std::this_thread::sleep_for(300ms);
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(3.2 - seconds_since(start)));
    EXPECT_EQ(s.get("/api/archive", {{"Cookie", busy}}).status, 401);
    // A guessed or forged id is no session.
    EXPECT_EQ(s.get("/", {{"Cookie", "curcrunch_session=" + std::string(64, 'a')}}).status, 401);
    EXPECT_EQ(s.get("/", {{"Cookie", "curcrunch_session=" + kToken}}).status, 401);
}

TEST(ServeHostile, LogoutNeedsTheFormTokenAndEndsTheSession) {
    TempDir t;
    write_file(t / "token", kToken + "\n");
    Served s(t / "token");
    const std::string cookie = sign_in(s);
    const auto page = s.get("/archive", {{"Cookie", cookie}});
    EXPECT_NE(page.body.find("<form class=\"signout\" method=\"post\" action=\"/logout\">"),
              std::string::npos)
        << page.body;
    const std::string csrf = form_token_of(page.body);
    ASSERT_EQ(csrf.size(), 64u);
    // Without the form token (a forged post): refused, still signed in.
    EXPECT_EQ(s.post("/logout", "", kForm, {{"Cookie", cookie}}).status, 403);
    EXPECT_EQ(s.get("/api/archive", {{"Cookie", cookie}}).status, 200);
    // Another session's form token does not end this one.
    const std::string other = sign_in(s);
    const std::string other_csrf = form_token_of(s.get("/archive", {{"Cookie", other}}).body);
    EXPECT_NE(other_csrf, csrf);
    EXPECT_EQ(s.post("/logout", "csrf=" + other_csrf, kForm, {{"Cookie", cookie}}).status, 403);
    // With it: the session ends and the cookie is cleared.
    auto out = s.post("/logout", "csrf=" + csrf, kForm, {{"Cookie", cookie}});
    EXPECT_EQ(out.status, 303);
    EXPECT_EQ(*out.header("location"), "/login");
    EXPECT_NE(out.header("set-cookie")->find("curcrunch_session=; Max-Age=0"), std::string::npos);
    EXPECT_EQ(s.get("/api/archive", {{"Cookie", cookie}}).status, 401);
    EXPECT_EQ(s.get("/api/archive", {{"Cookie", other}}).status, 200);
}

TEST(ServeHostile, WrongTokensBackOffPerClientAddress) {
    TempDir t;
    write_file(t / "token", kToken + "\n");
    Served s(t / "token");
    auto attempt = [&](const std::string& token, const std::string& from = "127.0.0.1") {
        const std::string body = "token=" + token;
        return raw_exchange(s.port,
                            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + kForm +
                                "\r\nContent-Length: " + std::to_string(body.size()) +
                                "\r\nConnection: close\r\n\r\n" + body,
                            5s, from);
    };
    // A few typing mistakes cost nothing.
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(status_of(attempt("wrong-" + std::to_string(i))), 401) << i;
    // Then each failure doubles the wait, during which no token is even looked at.
    EXPECT_EQ(status_of(attempt("wrong-3")), 401);
    std::string locked = attempt(kToken);
    EXPECT_EQ(status_of(locked), 429) << locked;
    EXPECT_NE(locked.find("Retry-After: 1\r\n"), std::string::npos) << locked;
    // Another address is not held up.
    EXPECT_EQ(status_of(attempt(kToken, "127.0.0.2")), 303);
    std::this_thread::sleep_for(1100ms);
    EXPECT_EQ(status_of(attempt("wrong-4")), 401);
    locked = attempt("wrong-5");
    EXPECT_EQ(status_of(locked), 429);
    EXPECT_NE(locked.find("Retry-After: 2\r\n"), std::string::npos) << locked;
    // A burst of guesses is refused unread.
    const auto burst = Clock::now();
    int checked = 0;
    for (int i = 0; i < 50 && seconds_since(burst) < 1.5; ++i)
        checked += status_of(attempt("burst-" + std::to_string(i))) != 429;
    EXPECT_EQ(checked, 0);
    std::this_thread::sleep_for(2100ms);
    const std::string ok = attempt(kToken);
    EXPECT_EQ(status_of(ok), 303) << ok;
    EXPECT_EQ(ok.find(kToken), std::string::npos);
}

TEST(ServeHostile, AfterLoginThePageAskedForOpensAndOnlyOnThisSite) {
    TempDir t;
    write_file(t / "token", kToken + "\n");
    Served s(t / "token");
    const std::string asked = "/services?from=2026-09-01&to=2026-10-31&service=AmazonEC2";
    auto login = s.get(asked);
    EXPECT_EQ(login.status, 401);
    EXPECT_NE(login.body.find("<input type=\"hidden\" name=\"next\" value=\"/services?from=2026-"
                              "09-01&amp;to=2026-10-31&amp;service=AmazonEC2\">"),
              std::string::npos)
        << login.body;
    auto in = s.post("/login", "token=" + kToken + "&next=" + serve::url_encode(asked), kForm);
    EXPECT_EQ(in.status, 303);
    EXPECT_EQ(*in.header("location"), asked);
    // The login page reached by a link keeps its target too.
    EXPECT_NE(s.get("/login?next=%2Ftrends").body.find("name=\"next\" value=\"/trends\""),
              std::string::npos);
    // A login posted from another site's page is refused; the same name over https (a TLS
    // proxy in front) is this site.
    const std::string self = "127.0.0.1:" + std::to_string(s.port);
    EXPECT_EQ(s.post("/login", "token=" + kToken, kForm, {{"Origin", "http://evil.test"}}).status,
              403);
    EXPECT_EQ(s.post("/login", "token=" + kToken, kForm, {{"Origin", "null"}}).status, 403);
    EXPECT_EQ(s.post("/login", "token=" + kToken, kForm, {{"Origin", "https://" + self}}).status,
              303);
    // Never to another site, nor back to the login.
    for (const std::string next :
         {"//evil.test/x", "https://evil.test/", "/\\evil.test", "\\\\evil.test", "/%5Cevil.test",
          "javascript:alert(1)", " //evil.test", "/\t/evil.test", "/login", "/logout", ""}) {
        auto r = s.post("/login", "token=" + kToken + "&next=" + serve::url_encode(next), kForm);
        EXPECT_EQ(r.status, 303) << next;
        EXPECT_EQ(*r.header("location"), "/") << next;
    }
}

// --- loopback --------------------------------------------------------------------------------

TEST(ServeHostile, LoopbackAddressesAreRecognised) {
    for (const char* h : {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1",
                          "::ffff:127.0.0.1", "localhost", "LocalHost"})
        EXPECT_TRUE(serve::is_loopback(h)) << h;
    for (const char* h : {"127.evil.test", "127.0.0.1.evil.test", "128.0.0.1", "0.0.0.0", "::",
                          "10.0.0.1", "::ffff:10.0.0.1", "192.168.1.1", "localhost.evil.test", ""})
        EXPECT_FALSE(serve::is_loopback(h)) << h;
}

TEST(ServeHostile, TheStartMessageSaysWhyATokenIsAsked) {
    TempDir t;
    write_file(t / "a.csv", known_month_csv("2026-09", "10.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", t / "s.db", t / "a.csv"}).exit_code, 0);
    write_file(t / "token", kToken + "\n");
    auto first_lines = [&](const std::vector<std::string>& args) {
        int out[2];
        EXPECT_EQ(::pipe(out), 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::dup2(out[1], 1);
            ::close(out[0]);
            std::vector<char*> argv = {const_cast<char*>(CURCRUNCH_BINARY)};
            for (const auto& a : args)
                argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(CURCRUNCH_BINARY, argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        std::string text;
        char buf[512];
        const auto start = Clock::now();
        while (std::count(text.begin(), text.end(), '\n') < 2 && seconds_since(start) < 10) {
            pollfd p{out[0], POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0) continue;
            const ssize_t n = ::read(out[0], buf, sizeof buf);
            if (n <= 0) break;
            text.append(buf, static_cast<size_t>(n));
        }
        ::kill(pid, SIGTERM);
        int status = 0;
        ::waitpid(pid, &status, 0);
        ::close(out[0]);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
        return text;
    };
    const std::string on_loopback = first_lines(
        {"serve", "--db", t / "s.db", "--listen", "127.0.0.1:0", "--token-file", t / "token"});
    EXPECT_EQ(on_loopback.find("not a loopback address"), std::string::npos) << on_loopback;
    EXPECT_NE(on_loopback.find("access token: the one in --token-file (asked on loopback too "
                               "because a token file was given)"),
              std::string::npos)
        << on_loopback;
    EXPECT_EQ(on_loopback.find(kToken), std::string::npos);
}

// --- unknown paths ---------------------------------------------------------------------------

TEST(ServeHostile, UnknownPathsAnswerAPageWithAWayBack) {
    Served s;
    auto r = s.get("/no/such/page?x=1");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(*r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(r.body.find("<!doctype html>"), std::string::npos);
    EXPECT_NE(r.body.find("<h1>Page not found</h1>"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("There is no page at <code>/no/such/page</code>"), std::string::npos);
    EXPECT_NE(r.body.find("<a href=\"/\">Back to the overview</a>"), std::string::npos);
    EXPECT_NE(r.body.find("<nav aria-label=\"Views\">"), std::string::npos);
    EXPECT_NE(*r.header("content-security-policy"), "");
    auto hostile = s.get("/%3Cscript%3Ealert(1)%3C/script%3E");
    EXPECT_EQ(hostile.status, 404);
    EXPECT_EQ(hostile.body.find("<script>alert"), std::string::npos);
    EXPECT_NE(hostile.body.find("&lt;script&gt;"), std::string::npos);
    EXPECT_EQ(s.post("/no-such-form", "a=1", kForm).status, 404);
    auto api = s.get("/api/no-such-view");
    EXPECT_EQ(api.status, 404);
    EXPECT_EQ(*api.header("content-type"), "application/json");
    EXPECT_EQ(api.body, "{\"error\":\"no such endpoint: /api/no-such-view\"}");
}

// --- in a browser ----------------------------------------------------------------------------

TEST(ServeHostile, ABrowserSignsInReachesItsPageAndSignsOut) {
    TempDir t;
    write_file(t / "token", kToken + "\n");
    Served s(t / "token");
    const std::string script = std::string(CURCRUNCH_SOURCE_DIR) + "/tests/browser/login.mjs";
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    fs::create_directories(shots);
    const std::string cmd =
        "node " + script + " " + s.url("") + " " + shots.string() + " " + t / "token" + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ASSERT_EQ(::pclose(p), 0) << out;
    EXPECT_NE(out.find("{\"step\":\"asked\",\"status\":401,\"title\":\"Sign in · curcrunch\"}"),
              std::string::npos)
        << out;
    EXPECT_NE(
        out.find("{\"step\":\"signed-in\",\"url\":\"" + s.url("/services?from=2026-09-01&to=") +
                 "2026-10-31&as_of=2026-10-31\",\"h1\":\"Cost by service\"}"),
        std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"not-found\",\"status\":404,\"h1\":\"Page not found\"}"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"way-back\",\"url\":\"" + s.url("/") + "\"}"), std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"signed-out\",\"url\":\"" + s.url("/login") + "\"}"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"after-sign-out\",\"status\":401}"), std::string::npos) << out;
    EXPECT_NE(
        out.find("{\"step\":\"narrow\",\"login_overflow\":false,\"not_found_overflow\":false}"),
        std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"errors\",\"errors\":[]}"), std::string::npos) << out;
    EXPECT_EQ(out.find(kToken), std::string::npos);
    for (const char* png : {"login.png", "login-390.png", "not-found.png", "not-found-390.png"})
        EXPECT_GT(fs::file_size(shots / png), 5000u) << png;
}

}  // namespace CURCRUNCH_UNITY_ID
