#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests: each request is answered
// by the next queued action — a response, a connection reset, a stall, a truncated body, or a
// close without answer — and recorded with its arrival time. Each connection is served on its
// own thread, with keep-alive, so clients with several connections (parallel downloads) work. Real
// sockets, real HTTP: the client under test cannot tell it apart from a server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace testsupport {

struct Action {
    enum Kind { respond, reset, stall, truncate, close } kind = respond;
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body = "ok";
    int stall_ms = 0;
    int pace_ms = 0;  // respond: the body trickles out in small pieces over this many ms
};

inline Action respond(int status, std::string body = "ok",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    Action a;
    a.status = status;
    a.body = std::move(body);
    a.headers = std::move(headers);
    return a;
}

struct SeenRequest {
    std::string method, target, head, body;
    std::chrono::steady_clock::time_point at;
    // Header value by case-insensitive name, "" when absent.
    std::string header(const std::string& name) const {
        std::string lower_head = head, lower_name = name;
        for (char& ch : lower_head)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        for (char& ch : lower_name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        size_t at_ = lower_head.find("\r\n" + lower_name + ":");
        if (at_ == std::string::npos) return "";
        size_t v = at_ + 3 + lower_name.size(), e = head.find("\r\n", v);
        std::string out = head.substr(v, e == std::string::npos ? std::string::npos : e - v);
        while (!out.empty() && out.front() == ' ')
            out.erase(0, 1);
        return out;
    }
};

class LoopbackServer {
  public:
    // `port` 0: an ephemeral one. A given port may be taken or privileged: listening() says.
    explicit LoopbackServer(int port = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1 only
        a.sin_port = htons(static_cast<uint16_t>(port));
        listening_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::listen(fd_, 16);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~LoopbackServer() {
        stop_ = true;
        thread_.join();
        for (auto& t : connections_)
            t.join();
        ::close(fd_);
    }
    int port() const { return port_; }
    bool listening() const { return listening_; }
    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    // Answers requests when no scripted action is queued (stateful test servers).
    void set_handler(std::function<Action(const SeenRequest&)> h) {
        std::lock_guard<std::mutex> l(m_);
        handler_ = std::move(h);
    }
    void push(Action a) {
        std::lock_guard<std::mutex> l(m_);
        actions_.push_back(std::move(a));
    }
    std::vector<SeenRequest> seen() {
        std::lock_guard<std::mutex> l(m_);
        return seen_;
    }

  private:
    void run() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c >= 0) connections_.emplace_back([this, c] { serve(c); });
        }
    }
    bool read_request(int c, std::string& buf, SeenRequest& r) {
        size_t end;
        while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(c, buf)) return false;
        }
        r.head = buf.substr(0, end);
        size_t sp1 = r.head.find(' '), sp2 = r.head.find(' ', sp1 + 1);
        r.method = r.head.substr(0, sp1);
        r.target = r.head.substr(sp1 + 1, sp2 - sp1 - 1);
        size_t len = 0;
        std::string lower = r.head;
        for (char& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (size_t cl = lower.find("\r\ncontent-length:"); cl != std::string::npos)
            len = std::stoul(lower.substr(cl + 17));
        while (buf.size() < end + 4 + len)
            if (!fill(c, buf)) return false;
        r.body = buf.substr(end + 4, len);
        buf.erase(0, end + 4 + len);
        r.at = std::chrono::steady_clock::now();
        return true;
    }
    bool fill(int c, std::string& buf) {
        pollfd p{c, POLLIN, 0};
        while (!stop_) {
            if (::poll(&p, 1, 50) > 0) {
                char tmp[65536];
                ssize_t n = ::read(c, tmp, sizeof tmp);
                if (n <= 0) return false;
                buf.append(tmp, static_cast<size_t>(n));
                return true;
            }
        }
        return false;
    }
    // Headers at once, then the body in 20 pieces spread over `pace_ms` (a slow link).
    bool send_paced(int c, const std::string& head, const std::string& body, int pace_ms) {
        if (::send(c, head.data(), head.size(), MSG_NOSIGNAL) < 0) return false;
        const size_t pieces = 20, step = (body.size() + pieces - 1) / pieces;
        for (size_t at = 0; at < body.size() && !stop_; at += step) {
            std::this_thread::sleep_for(std::chrono::milliseconds(pace_ms / pieces));
            const size_t n = std::min(step, body.size() - at);
            if (::send(c, body.data() + at, n, MSG_NOSIGNAL) < 0) return false;
        }
        return !stop_;
    }
    void serve(int c) {
        std::string buf;
        for (;;) {
            SeenRequest r;
            if (!read_request(c, buf, r)) break;
            Action a;
            std::function<Action(const SeenRequest&)> handler;
            {
                std::lock_guard<std::mutex> l(m_);
                seen_.push_back(r);
                if (!actions_.empty()) {
                    a = actions_.front();
                    actions_.pop_front();
                } else {
                    handler = handler_;
                }
            }
            if (handler) a = handler(r);
            if (a.kind == Action::reset) {
                linger lg{1, 0};  // close with RST
                ::setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
                break;
            }
            if (a.kind == Action::close) break;
            if (a.kind == Action::stall) {  // until the client gives up, or stall_ms
                bool gone = false;
                for (int waited = 0; waited < a.stall_ms && !stop_ && !gone; waited += 10) {
                    pollfd p{c, POLLIN, 0};
                    char ch;
                    gone = ::poll(&p, 1, 10) > 0 && ::recv(c, &ch, 1, MSG_PEEK) <= 0;
                }
                if (gone) break;
            }
            std::string out = "HTTP/1.1 " + std::to_string(a.status) + " X\r\n";
            for (const auto& [k, v] : a.headers)
                out += k + ": " + v + "\r\n";
            out += "Content-Length: " + std::to_string(a.body.size()) + "\r\n\r\n";
            const std::string body =
                a.kind == Action::truncate ? a.body.substr(0, a.body.size() / 2) : a.body;
            if (a.pace_ms > 0) {
                if (!send_paced(c, out, body, a.pace_ms)) break;
            } else {
                out += body;
                ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
            }
            if (a.kind == Action::truncate) break;
        }
        ::close(c);
    }

    int fd_ = -1, port_ = 0;
    bool listening_ = false;
    std::atomic<bool> stop_{false};
    std::mutex m_;
    std::deque<Action> actions_;
    std::function<Action(const SeenRequest&)> handler_;
    std::vector<SeenRequest> seen_;
    std::thread thread_;
    std::vector<std::thread> connections_;  // touched by the accept thread only, then joined
};

}  // namespace testsupport
