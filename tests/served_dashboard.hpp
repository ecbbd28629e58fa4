#pragma once
// A real dashboard on 127.0.0.1 (ephemeral port) over a store of two known months, for the serve
// tests: libcurl for ordinary requests, and a raw socket client for what libcurl will not send
// (no Host header, a head that never ends, a chosen source address).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "curcrunch/net/http_client.hpp"
#include "curcrunch/serve/dashboard.hpp"
#include "test_support.hpp"

namespace testsupport {

struct Served {
    using Tune = std::function<void(curcrunch::serve::ServeOptions&)>;
    explicit Served(const std::string& token_file = "", const Tune& tune = nullptr)
        : Served({{"sep.csv", known_month_csv("2026-09", "10.00")},
                  {"oct.csv", known_month_csv("2026-10", "12.00")}},
                 token_file, tune) {}
    // A dashboard over a store of these CUR files (name, content), ingested in this order.
    using Files = std::vector<std::pair<std::string, std::string>>;
    explicit Served(const Files& files, const std::string& token_file = "",
                    const Tune& tune = nullptr) {
        std::vector<std::string> args = {"ingest", "--quiet", "--db", db};
        for (const auto& [name, content] : files) {
            write_file(tmp / name, content);
            args.push_back(tmp / name);
        }
        auto r = run_cli(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        curcrunch::serve::ServeOptions o;
        o.db_path = db;
        o.port = 0;
        o.token_file = token_file;
        o.max_upload_bytes = 1u << 20;
        if (tune) tune(o);
        dash = std::make_unique<curcrunch::serve::Dashboard>(o);
        port = dash->bind();
        thread = std::thread([this] { dash->run(); });
    }
    ~Served() {
        http.reset();
        dash->stop();
        thread.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port) + path;
    }
    curcrunch::net::Response get(const std::string& path,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
        curcrunch::net::Request r;
        r.url = url(path);
        r.headers = std::move(headers);
        auto res = http->perform(r);
        EXPECT_TRUE(res.ok()) << res.error_text;
        return res.response;
    }
    curcrunch::net::Response post(const std::string& path, const std::string& body,
                                  const std::string& content_type,
                                  std::vector<std::pair<std::string, std::string>> headers = {}) {
        curcrunch::net::Request r;
        r.method = "POST";
        r.url = url(path);
        r.body = body;
        r.headers = std::move(headers);
        r.headers.emplace_back("Content-Type", content_type);
        auto res = http->perform(r);
        EXPECT_TRUE(res.ok()) << res.error_text;
        return res.response;
    }
    // The value "curcrunch_session=..." of a response's Set-Cookie, "" without one.
    static std::string cookie_of(const curcrunch::net::Response& r) {
        const std::string* c = r.header("set-cookie");
        return c ? c->substr(0, c->find(';')) : "";
    }
    TempDir tmp;
    std::string db = tmp / "store.db";
    std::unique_ptr<curcrunch::serve::Dashboard> dash;
    int port = 0;
    std::thread thread;
    std::unique_ptr<curcrunch::net::HttpClient> http =
        std::make_unique<curcrunch::net::HttpClient>(curcrunch::net::ClientOptions{});
};

// A multipart/form-data body of (name, file name or "", content) parts.
inline std::string multipart(
    const std::vector<std::tuple<std::string, std::string, std::string>>& parts,
    const std::string& boundary) {
    std::string b;
    for (const auto& [name, filename, content] : parts) {
        b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
        if (!filename.empty())
            b += "; filename=\"" + filename + "\"\r\nContent-Type: application/pdf";
        b += "\r\n\r\n" + content + "\r\n";
    }
    return b + "--" + boundary + "--\r\n";
}

// The upload form's token in an archive page.
inline std::string csrf_of(const std::string& html) {
    std::smatch m;
    std::regex re("name=\"csrf\" value=\"([0-9a-f]+)\"");
    return std::regex_search(html, m, re) ? m[1].str() : "";
}

// A TCP connection to 127.0.0.1:port, from `source` (any 127.x.y.z) when given; -1 on failure.
inline int connect_loopback(int port, const std::string& source = "") {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (!source.empty()) {
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
            ::close(fd);
            return -1;
        }
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline bool send_text(int fd, const std::string& s) {
    return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
}

// Everything the peer sends until it closes, or until `limit` passes.
inline std::string read_until_closed(int fd, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    std::string out;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

// One request on a fresh connection ("Connection: close" is the caller's to send), the whole
// answer as text; "" when nothing came within `limit`.
inline std::string raw_exchange(int port, const std::string& request,
                                std::chrono::milliseconds limit = std::chrono::seconds(10),
                                const std::string& source = "") {
    const int fd = connect_loopback(port, source);
    if (fd < 0) return "";
    send_text(fd, request);
    std::string answer = read_until_closed(fd, limit);
    ::close(fd);
    return answer;
}

inline int status_of(const std::string& raw_answer) {
    if (raw_answer.rfind("HTTP/1.1 ", 0) != 0 || raw_answer.size() < 12) return 0;
    return std::stoi(raw_answer.substr(9, 3));
}

}  // namespace testsupport
