#pragma once
// The head gate: one thread that holds every connection still sending its request head (and a
// small body), with one poll() over all of them. Only a complete request is handed to a worker,
// so a client that sends its head slowly (slowloris) costs a socket and a few bytes here, never
// a worker, and it is closed when its head deadline passes however steadily it trickles.
//
// The gate also answers what needs no worker: 408 when a started head misses its deadline, 431
// when it outgrows the size limit, 503 when the worker queue is full or too many workers are
// reading bodies already (BodyReaderSlots). After such an answer it
// keeps reading (and discarding) for a moment before closing, so that unread input does not
// turn the close into a reset that destroys the answer on its way.
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "client_connection.hpp"
#include "curcrunch/serve/dashboard.hpp"

namespace curcrunch::serve {

class HeadGate {
  public:
    // Takes a connection whose request is complete; false (leaving it) when it cannot.
    using Dispatch = std::function<bool(std::unique_ptr<ClientConnection>&)>;

    HeadGate(const ServeLimits& limits, ConnectionCount& count, BodyReaderSlots& body_slots,
             Dispatch dispatch);
    ~HeadGate();  // stop()
    HeadGate(const HeadGate&) = delete;
    HeadGate& operator=(const HeadGate&) = delete;

    void start();
    void request_stop();  // any thread; the gate then closes what it holds and ends
    void stop();          // request_stop() and join

    // A newly accepted socket, and a connection back from a worker for its next request.
    void admit(SocketHandle socket);
    void resume(std::unique_ptr<ClientConnection> c);

  private:
    struct Closing {
        std::unique_ptr<ClientConnection> c;
        Clock::time_point until;
    };

    void run();
    void wake();
    void take_incoming();
    void start_waiting(std::unique_ptr<ClientConnection>& c, Clock::time_point now);
    // Reads what has arrived; true when the connection is done with here (handed on or closed).
    bool receive(std::unique_ptr<ClientConnection>& c);
    // True when done with (handed on or answered) because `c` holds a complete request or too
    // big a head.
    bool settle(std::unique_ptr<ClientConnection>& c);
    void answer_and_close(std::unique_ptr<ClientConnection>& c, const std::string& answer);
    void expire(Clock::time_point now);
    bool evict_one();
    int poll_timeout_ms(Clock::time_point now) const;

    const ServeLimits& limits_;
    ConnectionCount& count_;
    BodyReaderSlots& body_slots_;
    const Dispatch dispatch_;
    SocketHandle wake_fd_;  // an eventfd: admit(), resume() and request_stop() ring it

    std::mutex incoming_m_;
    std::vector<std::unique_ptr<ClientConnection>> incoming_;
    bool stop_requested_ = false;  // guarded by incoming_m_

    // Owned by the gate thread alone.
    std::vector<std::unique_ptr<ClientConnection>> waiting_;
    std::vector<Closing> closing_;
    std::thread thread_;
};

}  // namespace curcrunch::serve
