#pragma once
// One HTTP client for everything that talks to AWS, Vault or a pre-signed URL: libcurl with TLS
// peer and host verification always on (a custom CA bundle may be given, never a way to turn
// verification off), connect / total / stalled-transfer timeouts, keep-alive reuse of one
// handle, and `User-Agent: curcrunch/<version>` on every request (as every AWS SDK names itself;
// services and proxies log it). A URL's path is sent as written (no dot segments removed: S3
// signs the path exactly, and a key may hold them), and never over plain http to another
// machine. Transport failures come back as a typed result, not an exception,
// so the retry policy above can classify them.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace curcrunch::net {

extern const char* const kUserAgent;  // "curcrunch/<version>"

struct Request {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Set: a 2xx response body is streamed here (large downloads) instead of into
    // Response::body; error bodies still arrive in Response::body. Return false to abort.
    std::function<bool(const char*, size_t)> sink;
    // With a sink: called once with a 2xx response's status and headers (names lower-cased)
    // before the first byte of its body reaches the sink, so that the sink's owner can tell a
    // 206 from a 200 (a server that ignored a Range) in time. Return false to abort.
    std::function<bool(long, const std::vector<std::pair<std::string, std::string>>&)> on_start;
};

struct Response {
    long status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    const std::string* header(std::string_view lower_name) const;
};

enum class TransportError {
    none,
    connect,    // refused, unreachable, DNS
    timeout,    // total time or the low-speed (stall) limit
    reset,      // connection reset or closed mid-response
    truncated,  // body shorter than its Content-Length
    tls,        // certificate or handshake failure (not retried)
    cleartext,  // plain http to another machine (net/url_parts.hpp): not sent, not retried
    other,
};

struct Result {
    TransportError error = TransportError::none;
    std::string error_text;  // curl's message; never contains request bodies or headers
    Response response;
    bool ok() const { return error == TransportError::none; }
};

struct ClientOptions {
    std::string ca_file;  // PEM bundle; empty: the system's
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds total_timeout{300000};
    long low_speed_bytes_per_second = 1;  // below this for low_speed_time: a stalled transfer
    std::chrono::seconds low_speed_time{30};
};

class HttpClient {
  public:
    explicit HttpClient(ClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    Result perform(const Request& request);

  private:
    struct Handle;
    ClientOptions options_;
    std::unique_ptr<Handle> handle_;
};

const char* transport_error_name(TransportError e);

}  // namespace curcrunch::net
