#include "connection_stream.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace curcrunch::serve {

namespace {

constexpr auto kStopGrace = std::chrono::seconds(1);

}  // namespace

void StopSignal::request() {
    at_.store(Clock::now().time_since_epoch().count());
    requested_.store(true);
}

Clock::time_point StopSignal::cap(Clock::time_point deadline) const {
    if (!requested()) return deadline;
    const Clock::time_point end = Clock::time_point(Clock::duration(at_.load())) + kStopGrace;
    return std::min(deadline, end);
}

ConnectionStream::ConnectionStream(ClientConnection& c, const ServeLimits& limits,
                                   const StopSignal& stop)
    : c_(c), limits_(limits), stop_(stop), read_start_(Clock::now()) {}

// The grace time, then at least min_transfer_rate: `bytes` moved since `start` buy this long.
Clock::time_point ConnectionStream::deadline(Clock::time_point start, size_t bytes) const {
    const auto earned = std::chrono::milliseconds(
        limits_.min_transfer_rate ? bytes * 1000 / limits_.min_transfer_rate : 0);
    return start + limits_.transfer_grace + earned;
}

bool ConnectionStream::wait(short events, Clock::time_point until) const {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{c_.fd(), events, 0};
        const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (r > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
        if (r < 0 && errno != EINTR) return false;
    }
}

bool ConnectionStream::is_readable() const {
    if (offset_ < c_.pending.size()) return true;
    if (stop_.requested()) return false;
    return wait(POLLIN, deadline(read_start_, received_));
}

bool ConnectionStream::is_writable() const {
    pollfd p{c_.fd(), POLLOUT, 0};
    return ::poll(&p, 1, 0) >= 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
    if (offset_ == c_.pending.size()) {
        c_.pending.clear();
        offset_ = 0;
        if (stop_.requested()) return -1;  // no more requests, and no body waits for one
        for (;;) {
            char chunk[kSocketReadChunk];
            const ssize_t n = ::recv(c_.fd(), chunk, sizeof chunk, 0);
            if (n > 0) {
                received_ += static_cast<size_t>(n);
                c_.pending.assign(chunk, static_cast<size_t>(n));
                break;
            }
            if (n == 0) return 0;
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
            if (!wait(POLLIN, stop_.cap(deadline(read_start_, received_)))) return -1;
        }
    }
    const size_t n = std::min(size, c_.pending.size() - offset_);
    std::memcpy(ptr, c_.pending.data() + offset_, n);
    offset_ += n;
    consumed_ += n;
    return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
    if (sent_ == 0 && write_start_ == Clock::time_point{}) write_start_ = Clock::now();
    for (;;) {
        const ssize_t n = ::send(c_.fd(), ptr, size, MSG_NOSIGNAL);
        if (n >= 0) {
            sent_ += static_cast<size_t>(n);
            return n;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
        if (!wait(POLLOUT, stop_.cap(deadline(write_start_, sent_)))) return -1;
    }
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
    ip = c_.remote_ip;
    port = c_.remote_port;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
    ip = c_.local_ip;
    port = c_.local_port;
}

bool ConnectionStream::skip_received(size_t n) {
    if (n > c_.pending.size() - offset_) return false;
    offset_ += n;
    consumed_ += n;
    return true;
}

void ConnectionStream::keep_unread() {
    c_.pending.erase(0, offset_);
    offset_ = 0;
}

}  // namespace curcrunch::serve
