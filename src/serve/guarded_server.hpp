#pragma once
// cpp-httplib's Server (Debian 12: 0.11.4, a compiled library) with its connection handling
// replaced. The library accepts, parses, routes and writes answers; what it lacks is built here:
// a total deadline for the request head (it has only a per-read timeout), slow heads kept off
// the workers (its pool gives each connection a thread for its whole life), a bounded queue and
// a connection limit. Its accept loop hands each socket to process_and_close_socket(), which
// the library made virtual for its TLS server; here it gives the socket to the head gate, and a
// worker later runs the library's process_request() on one complete request.
#include <httplib.h>

#include <memory>

#include "client_connection.hpp"
#include "connection_stream.hpp"
#include "curcrunch/serve/dashboard.hpp"
#include "head_gate.hpp"
#include "worker_pool.hpp"

namespace curcrunch::serve {

class GuardedServer final : public httplib::Server {
  public:
    GuardedServer(const ServeLimits& limits, size_t workers);
    ~GuardedServer() override;

    // Binds (port 0: any free port) and returns the port; -1 when the address is unusable.
    int bind(const std::string& host, int port);
    // Serves until request_stop(); then lets running requests finish (writes get a second).
    void run();
    void request_stop();  // any thread, also before run()

  private:
    bool process_and_close_socket(socket_t sock) override;
    void answer(std::unique_ptr<ClientConnection> c);

    const ServeLimits limits_;
    StopSignal stop_;
    ConnectionCount count_;
    BodyReaderSlots body_slots_;
    WorkerPool pool_;
    HeadGate gate_;
};

}  // namespace curcrunch::serve
