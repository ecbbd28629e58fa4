#include "client_connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace curcrunch::serve {

SocketHandle& SocketHandle::operator=(SocketHandle&& o) noexcept {
    if (this != &o) {
        reset();
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

void SocketHandle::reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

namespace {

void address_of(const sockaddr_storage& a, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = "";
    if (a.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(a);
        ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
        port = ntohs(v4.sin_port);
    } else if (a.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(a);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        port = ntohs(v6.sin6_port);
    }
    ip = text;
}

}  // namespace

ClientConnection::ClientConnection(SocketHandle socket, ConnectionCount& count, size_t requests)
    : requests_left(requests), socket_(std::move(socket)), count_(count) {
    ++count_.open_;
    // Every wait on this socket is a poll() with a deadline; no call may block on its own.
    const int flags = ::fcntl(fd(), F_GETFL, 0);
    if (flags >= 0) ::fcntl(fd(), F_SETFL, flags | O_NONBLOCK);
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getpeername(fd(), reinterpret_cast<sockaddr*>(&a), &len) == 0)
        address_of(a, remote_ip, remote_port);
    len = sizeof a;
    if (::getsockname(fd(), reinterpret_cast<sockaddr*>(&a), &len) == 0)
        address_of(a, local_ip, local_port);
}

ClientConnection::~ClientConnection() {
    --count_.open_;
}

}  // namespace curcrunch::serve
