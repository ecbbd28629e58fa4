#include "head_gate.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "curcrunch/core/error.hpp"

namespace curcrunch::serve {

namespace {

constexpr auto kLinger = std::chrono::seconds(2);

std::string plain_answer(int status, const char* reason, const std::string& text,
                         const char* extra_header = "") {
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n" +
           extra_header + "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The value of header `name` (lower case) in a request head, trimmed; "" when absent.
std::string_view header_value(std::string_view head, std::string_view name) {
    for (size_t at = head.find("\r\n"); at != std::string_view::npos;
         at = head.find("\r\n", at + 2)) {
        const std::string_view line = head.substr(at + 2, head.find("\r\n", at + 2) - at - 2);
        if (line.size() <= name.size() || line[name.size()] != ':') continue;
        if (!std::equal(name.begin(), name.end(), line.begin(),
                        [](char a, char b) { return a == lower(b); }))
            continue;
        std::string_view v = line.substr(name.size() + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
            v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
            v.remove_suffix(1);
        return v;
    }
    return {};
}

// The Content-Length of a request head: 0 without one, kUnknownLength when the body is
// chunked or the length is not a plain number (httplib then answers 400).
size_t declared_body_length(std::string_view head) {
    if (!header_value(head, "transfer-encoding").empty()) return ClientConnection::kUnknownLength;
    const std::string_view length = header_value(head, "content-length");
    if (length.empty()) return 0;
    if (length.size() > 18) return ClientConnection::kUnknownLength;  // < 10^18: no overflow
    size_t n = 0;
    for (char ch : length) {
        if (ch < '0' || ch > '9') return ClientConnection::kUnknownLength;
        n = n * 10 + static_cast<size_t>(ch - '0');
    }
    return n;
}

}  // namespace

HeadGate::HeadGate(const ServeLimits& limits, ConnectionCount& count, BodyReaderSlots& body_slots,
                   Dispatch dispatch)
    : limits_(limits), count_(count), body_slots_(body_slots), dispatch_(std::move(dispatch)) {
    wake_fd_ = SocketHandle(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (wake_fd_.fd() < 0) throw Error(ErrorKind::internal, "serve: eventfd failed");
}

HeadGate::~HeadGate() {
    stop();
}

void HeadGate::start() {
    thread_ = std::thread([this] { run(); });
}

void HeadGate::request_stop() {
    {
        std::lock_guard<std::mutex> l(incoming_m_);
        stop_requested_ = true;
    }
    wake();
}

void HeadGate::stop() {
    request_stop();
    if (thread_.joinable()) thread_.join();
    // Whatever arrived after the gate ended is closed here.
    std::lock_guard<std::mutex> l(incoming_m_);
    incoming_.clear();
}

void HeadGate::wake() {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_.fd(), &one, sizeof one);
}

void HeadGate::admit(SocketHandle socket) {
    resume(std::make_unique<ClientConnection>(std::move(socket), count_,
                                              limits_.requests_per_connection));
}

void HeadGate::resume(std::unique_ptr<ClientConnection> c) {
    {
        std::lock_guard<std::mutex> l(incoming_m_);
        if (stop_requested_) return;  // `c` closes here
        incoming_.push_back(std::move(c));
    }
    wake();
}

void HeadGate::start_waiting(std::unique_ptr<ClientConnection>& c, Clock::time_point now) {
    c->waiting_since = now;
    c->head_deadline = now + limits_.head_timeout;
    c->head_scanned = 0;
    c->head_length = 0;
    c->body_length = 0;
    // A pipelined request may already be complete in what the worker left over.
    if (!settle(c)) waiting_.push_back(std::move(c));
}

void HeadGate::take_incoming() {
    std::vector<std::unique_ptr<ClientConnection>> arrived;
    {
        std::lock_guard<std::mutex> l(incoming_m_);
        arrived.swap(incoming_);
    }
    const auto now = Clock::now();
    for (auto& c : arrived)
        start_waiting(c, now);
    // Over the connection limit: the connections that have waited longest for their heads go
    // first. A real client sends its head at once, so these are the slow ones.
    while (count_.open() > limits_.max_connections && evict_one()) {
    }
}

bool HeadGate::evict_one() {
    if (!closing_.empty()) {
        closing_.erase(closing_.begin());
        return true;
    }
    if (waiting_.empty()) return false;
    auto oldest = std::min_element(waiting_.begin(), waiting_.end(), [](auto& a, auto& b) {
        return a->waiting_since < b->waiting_since;
    });
    waiting_.erase(oldest);
    return true;
}

bool HeadGate::settle(std::unique_ptr<ClientConnection>& c) {
    const std::string& p = c->pending;
    if (c->head_length == 0) {
        // Each byte is searched once, however slowly the head trickles in.
        const size_t end = p.find("\r\n\r\n", c->head_scanned > 3 ? c->head_scanned - 3 : 0);
        c->head_scanned = p.size();
        if (end != std::string::npos) c->head_length = end + 4;
        if (end == std::string::npos && p.size() <= limits_.max_head_bytes) return false;
    }
    if (c->head_length == 0 || c->head_length > limits_.max_head_bytes) {
        answer_and_close(
            c, plain_answer(431, "Request Header Fields Too Large",
                            "The request head is larger than " +
                                std::to_string(limits_.max_head_bytes >> 10) + " KiB.\n"));
        return true;
    }
    const std::string_view head = std::string_view(p).substr(0, c->head_length);
    c->body_length = declared_body_length(head);
    // A small body is received here too, unless the client waits for "100 Continue" first.
    const bool prefetch =
        c->body_length <= limits_.prefetch_body_bytes && header_value(head, "expect").empty();
    if (prefetch && p.size() < c->head_length + c->body_length) return false;
    if (!prefetch) {
        if (!body_slots_.try_take()) {
            answer_and_close(c, plain_answer(503, "Service Unavailable",
                                             "Too many uploads are being received; try again in "
                                             "a moment.\n",
                                             "Retry-After: 1\r\n"));
            return true;
        }
        c->reads_body = true;
    }
    if (!dispatch_(c)) {
        if (c->reads_body) body_slots_.give_back();
        c->reads_body = false;
        answer_and_close(c, plain_answer(503, "Service Unavailable",
                                         "The dashboard is busy; try again in a moment.\n",
                                         "Retry-After: 1\r\n"));
    }
    return true;
}

bool HeadGate::receive(std::unique_ptr<ClientConnection>& c) {
    char chunk[kSocketReadChunk];
    for (;;) {
        const ssize_t n = ::recv(c->fd(), chunk, sizeof chunk, 0);
        if (n > 0) {
            c->pending.append(chunk, static_cast<size_t>(n));
            if (c->pending.size() > limits_.max_head_bytes + limits_.prefetch_body_bytes) break;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        c.reset();  // closed by the client, or failed
        return true;
    }
    return settle(c);
}

void HeadGate::answer_and_close(std::unique_ptr<ClientConnection>& c, const std::string& answer) {
    // A fresh connection's send buffer takes a short answer whole; if not, it is cut short.
    [[maybe_unused]] const ssize_t n =
        ::send(c->fd(), answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(c->fd(), SHUT_WR);
    c->pending.clear();
    closing_.push_back({std::move(c), Clock::now() + kLinger});
}

void HeadGate::expire(Clock::time_point now) {
    for (auto& c : waiting_) {
        if (!c || c->head_deadline > now) continue;
        // A started head gets an answer; an idle connection is just closed, as browsers expect
        // of an idle keep-alive connection.
        if (c->pending.empty())
            c.reset();
        else
            answer_and_close(
                c, plain_answer(408, "Request Timeout", "The request did not arrive in time.\n"));
    }
    for (auto& z : closing_)
        if (z.c && z.until <= now) z.c.reset();
}

int HeadGate::poll_timeout_ms(Clock::time_point now) const {
    Clock::time_point next = now + std::chrono::seconds(1);
    for (const auto& c : waiting_)
        next = std::min(next, c->head_deadline);
    for (const auto& z : closing_)
        next = std::min(next, z.until);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    return static_cast<int>(std::max<long long>(0, ms + 1));
}

void HeadGate::run() {
    std::vector<pollfd> fds;
    for (;;) {
        {
            std::lock_guard<std::mutex> l(incoming_m_);
            if (stop_requested_) break;
        }
        take_incoming();
        fds.clear();
        fds.push_back({wake_fd_.fd(), POLLIN, 0});
        for (const auto& c : waiting_)
            fds.push_back({c->fd(), POLLIN, 0});
        for (const auto& z : closing_)
            fds.push_back({z.c->fd(), POLLIN, 0});
        const int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms(Clock::now()));
        if (ready < 0 && errno != EINTR) break;
        if (fds[0].revents & POLLIN) {
            uint64_t drained;
            [[maybe_unused]] const ssize_t n = ::read(wake_fd_.fd(), &drained, sizeof drained);
        }
        // waiting_ and closing_ keep their order and size until compacted below; entries done
        // with are left null (receive() may append to closing_, past the polled ones).
        const size_t polled_waiting = waiting_.size(), polled_closing = closing_.size();
        for (size_t i = 0; i < polled_waiting; ++i)
            if (fds[1 + i].revents) receive(waiting_[i]);
        for (size_t i = 0; i < polled_closing; ++i) {
            if (!fds[1 + polled_waiting + i].revents) continue;
            char discard[4096];
            const ssize_t n = ::recv(closing_[i].c->fd(), discard, sizeof discard, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                closing_[i].c.reset();
        }
        expire(Clock::now());
        std::erase_if(waiting_, [](const auto& c) { return !c; });
        std::erase_if(closing_, [](const auto& z) { return !z.c; });
    }
    waiting_.clear();
    closing_.clear();
}

}  // namespace curcrunch::serve
