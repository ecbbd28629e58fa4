#pragma once
// The httplib::Stream a worker answers one request through. Reads come first from the bytes the
// head gate already received, then from the socket; every wait is bounded by a deadline that
// grows with the bytes moved (a grace time plus a minimum rate), so a client that trickles its
// body or reads its answer slowly cannot hold a worker for long. Once the server is stopping,
// no read waits at all and writes get one more second.
#include <httplib.h>

#include <atomic>

#include "client_connection.hpp"
#include "curcrunch/serve/dashboard.hpp"

namespace curcrunch::serve {

class StopSignal {
  public:
    void request();
    bool requested() const { return requested_.load(); }
    // `deadline`, or the end of the stop grace when that comes first.
    Clock::time_point cap(Clock::time_point deadline) const;

  private:
    std::atomic<bool> requested_{false};
    std::atomic<Clock::rep> at_{0};  // when it was requested, as a time_since_epoch count
};

class ConnectionStream final : public httplib::Stream {
  public:
    ConnectionStream(ClientConnection& c, const ServeLimits& limits, const StopSignal& stop);

    bool is_readable() const override;
    bool is_writable() const override;
    ssize_t read(char* ptr, size_t size) override;
    ssize_t write(const char* ptr, size_t size) override;
    void get_remote_ip_and_port(std::string& ip, int& port) const override;
    void get_local_ip_and_port(std::string& ip, int& port) const override;
    // The socket, for httplib's FD_SETSIZE check before select() (which it does not reach
    // through this stream; ServeLimits::max_connections keeps descriptors below that limit).
    socket_t socket() const override { return c_.fd(); }

    size_t consumed() const { return consumed_; }  // bytes handed to httplib
    // Passes over `n` bytes already received (a body the answer did not need); false when they
    // have not all arrived.
    bool skip_received(size_t n);
    // Leaves the unread bytes (a pipelined next request) in the connection's `pending`.
    void keep_unread();

  private:
    Clock::time_point deadline(Clock::time_point start, size_t bytes) const;
    bool wait(short events, Clock::time_point until) const;

    ClientConnection& c_;
    const ServeLimits& limits_;
    const StopSignal& stop_;
    size_t offset_ = 0;    // bytes of c_.pending already handed to httplib
    size_t consumed_ = 0;  // in all, for this request
    const Clock::time_point read_start_;
    size_t received_ = 0;  // from the socket, by this stream
    Clock::time_point write_start_{};
    size_t sent_ = 0;
};

}  // namespace curcrunch::serve
