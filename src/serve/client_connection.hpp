#pragma once
// One accepted TCP connection of the dashboard, as it moves between the head gate (waiting for
// a complete request head) and a worker (answering it), and back for the next request.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

namespace curcrunch::serve {

using Clock = std::chrono::steady_clock;

// Bytes asked of a connection's socket per recv(), by the head gate and by a worker alike.
constexpr size_t kSocketReadChunk = 16u << 10;

// A socket descriptor we own: shut down and closed exactly once.
class SocketHandle {
  public:
    SocketHandle() = default;
    explicit SocketHandle(int fd) : fd_(fd) {}
    SocketHandle(SocketHandle&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    SocketHandle& operator=(SocketHandle&& o) noexcept;
    SocketHandle(const SocketHandle&) = delete;
    SocketHandle& operator=(const SocketHandle&) = delete;
    ~SocketHandle() { reset(); }

    int fd() const { return fd_; }
    void reset() noexcept;

  private:
    int fd_ = -1;
};

// Counts open connections: each ClientConnection holds one unit from its accept to its close.
class ConnectionCount {
  public:
    size_t open() const { return open_.load(); }

  private:
    friend class ClientConnection;
    std::atomic<size_t> open_{0};
};

// How many workers may be reading a large request body (an upload) at once. Such a body comes
// at the client's pace after its head, so without a bound twenty uploads that send nothing could
// hold every worker until their transfer deadline while each page waited behind them; beyond the
// bound the gate answers 503 before a worker is taken.
class BodyReaderSlots {
  public:
    explicit BodyReaderSlots(size_t slots) : free_(slots) {}
    bool try_take() {
        size_t n = free_.load();
        while (n > 0)
            if (free_.compare_exchange_weak(n, n - 1)) return true;
        return false;
    }
    void give_back() { free_.fetch_add(1); }

  private:
    std::atomic<size_t> free_;
};

class ClientConnection {
  public:
    ClientConnection(SocketHandle socket, ConnectionCount& count, size_t requests);
    ~ClientConnection();
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

    int fd() const { return socket_.fd(); }

    // Bytes received and not yet consumed by a request: a head (and small body) read by the gate,
    // or the start of a pipelined next request left over by a worker.
    std::string pending;
    // When the current wait for a complete head began, and when it must end.
    Clock::time_point waiting_since, head_deadline;
    size_t head_scanned = 0;  // bytes of `pending` the gate has searched for the head's end
    size_t head_length = 0;   // of the request in `pending`, once its end has been found
    // Its Content-Length (0 without one); kUnknownLength when chunked or malformed, and then
    // the connection is closed after the answer.
    static constexpr size_t kUnknownLength = static_cast<size_t>(-1);
    size_t body_length = 0;
    // Set by the gate when a worker is to read this request's body (it holds a BodyReaderSlots
    // slot until the answer is given).
    bool reads_body = false;
    size_t requests_left;  // keep-alive: the last one is answered with "Connection: close"
    std::string remote_ip, local_ip;
    int remote_port = -1, local_port = -1;

  private:
    SocketHandle socket_;
    ConnectionCount& count_;
};

}  // namespace curcrunch::serve
