#include "guarded_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace curcrunch::serve {

namespace {

// The library's accept loop enqueues each accepted socket here; handing it to the head gate
// takes microseconds, so it is done right on the accept thread.
class HandOver final : public httplib::TaskQueue {
  public:
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override {}
};

}  // namespace

GuardedServer::GuardedServer(const ServeLimits& limits, size_t workers)
    : limits_(limits),
      body_slots_(limits.body_readers > 0 ? limits.body_readers : std::max<size_t>(1, workers / 4)),
      pool_(workers, limits_.queue,
            [this](std::unique_ptr<ClientConnection> c) { answer(std::move(c)); }),
      gate_(limits_, count_, body_slots_,
            [this](std::unique_ptr<ClientConnection>& c) { return pool_.try_push(c); }) {
    new_task_queue = [] { return new HandOver; };
    // What the library writes into its Keep-Alive header.
    set_keep_alive_max_count(limits_.requests_per_connection);
    set_keep_alive_timeout(
        std::chrono::duration_cast<std::chrono::seconds>(limits_.head_timeout).count());
}

GuardedServer::~GuardedServer() {
    request_stop();
    gate_.stop();
    pool_.stop();
}

int GuardedServer::bind(const std::string& host, int port) {
    if (port == 0) {
        port = bind_to_any_port(host);
        if (port < 0) return -1;
    } else if (!bind_to_port(host, port)) {
        return -1;
    }
    // The library listens with a backlog of 5; a burst of connections must not wait for SYN
    // retries while the gate takes them in microseconds each.
    ::listen(svr_sock_, SOMAXCONN);
    return port;
}

void GuardedServer::run() {
    pool_.start();
    gate_.start();
    listen_after_bind();  // returns once request_stop() closes the listening socket
    gate_.stop();
    pool_.stop();
}

void GuardedServer::request_stop() {
    stop_.request();
    // The library's own stop() does nothing before its loop has started; closing the socket
    // here also ends a loop that starts later.
    const socket_t s = svr_sock_.exchange(INVALID_SOCKET);
    if (s != INVALID_SOCKET) {
        ::shutdown(s, SHUT_RDWR);
        ::close(s);
    }
    gate_.request_stop();
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
    SocketHandle socket(sock);
    // This runs on the library's accept loop, which must not see an exception (out of memory):
    // the connection is dropped instead.
    try {
        gate_.admit(std::move(socket));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void GuardedServer::answer(std::unique_ptr<ClientConnection> c) {
    // The body slot the gate took for this request is free again once it is answered, however
    // the answer ends.
    struct GiveBack {
        BodyReaderSlots* slots;
        ~GiveBack() {
            if (slots) slots->give_back();
        }
    } give_back{c->reads_body ? &body_slots_ : nullptr};
    c->reads_body = false;
    ConnectionStream stream(*c, limits_, stop_);
    const bool last = c->requests_left <= 1 || stop_.requested();
    bool closed = false;
    const bool ok = process_request(stream, last, closed, nullptr);
    if (!ok || closed || last || stop_.requested()) return;  // `c` closes here
    // An answer given without reading the body (a refusal before routing, a 404) leaves it in
    // the way of the next request: pass over it when it has arrived, else close.
    if (c->body_length == ClientConnection::kUnknownLength) return;
    const size_t length = c->head_length + c->body_length;
    if (stream.consumed() < length && !stream.skip_received(length - stream.consumed())) return;
    --c->requests_left;
    stream.keep_unread();
    gate_.resume(std::move(c));
}

}  // namespace curcrunch::serve
