#pragma once
// `curcrunch serve`: the local dashboard. Server-rendered pages (HTML with the chart module's
// SVG) and JSON endpoints for every view, over cpp-httplib. The store is read through an
// in-memory cube (reloaded when an ingest lands) and read-only connections; uploads go through
// import-pdf's code path on a separate read-write connection. Loopback needs no login; any
// other listen address requires an access token (printed once, or read from a file) that a
// login page exchanges for a server-side session — every other request gets 401.
//
// Hostile clients: a request head must arrive whole within a deadline before a worker is given
// to it (so slow heads cost a socket, not a thread), the queue of requests waiting for a worker
// and the number of open connections are bounded, only the server's own host names are answered
// (DNS rebinding), and failed logins back off per client address.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace curcrunch::serve {

// What one client may cost the server. The defaults are documented in README ("Limits").
struct ServeLimits {
    // The request line and headers must arrive complete within this time of the connection
    // opening or of its previous answer; an idle kept-alive connection is closed after it too.
    std::chrono::milliseconds head_timeout{10000};
    size_t max_head_bytes = 64u << 10;  // 431 beyond
    // A request body smaller than this is received with its head, before a worker takes it.
    size_t prefetch_body_bytes = 64u << 10;
    // Larger bodies and every answer move at least `min_transfer_rate` bytes per second after a
    // grace time, or the connection is closed.
    std::chrono::milliseconds transfer_grace{10000};
    size_t min_transfer_rate = 16u << 10;
    size_t queue = 64;  // complete requests waiting for a worker; 503 beyond
    // Workers that may read a larger body at once (0: a quarter of them, at least one); an
    // upload beyond that gets 503, so uploads cannot take the workers pages need.
    size_t body_readers = 0;
    size_t max_connections = 512;  // beyond: the longest-waiting unfinished head is dropped
    size_t requests_per_connection = 100;
};

struct ServeOptions {
    std::string db_path = "curcrunch.db";
    std::string host = "127.0.0.1";
    int port = 8080;  // 0: any free port
    // The access token: required off loopback (generated and printed when no file is given),
    // and on loopback too when a token file is given.
    std::string token_file;
    size_t max_upload_bytes = 64u << 20;
    // Uploaded reports' signatures are checked against these certificates (PEM), as import-pdf
    // --trust-file does; without it a signed report is stored as "untrusted".
    std::string trust_file;
    bool require_signature = false;  // refuse uploaded reports without a valid signature
    int threads = 16;                // workers answering complete requests
    // Host names answered besides the listen address and localhost (--allow-host).
    std::vector<std::string> allowed_hosts;
    // A session ends after this long without a request, and this long after the login at most.
    std::chrono::milliseconds session_idle = std::chrono::minutes(30);
    std::chrono::milliseconds session_lifetime = std::chrono::hours(12);
    ServeLimits limits;
};

class Dashboard {
  public:
    explicit Dashboard(ServeOptions options);
    ~Dashboard();
    Dashboard(const Dashboard&) = delete;
    Dashboard& operator=(const Dashboard&) = delete;

    int bind();  // returns the bound port; throws Error(usage) when the address is taken
    void run();  // serves until stop()
    void stop();
    bool token_required() const;
    const std::string& token() const;  // "" unless required

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A loopback address or name: 127.0.0.0/8, ::1 (also IPv4-mapped), "localhost".
bool is_loopback(const std::string& host);

}  // namespace curcrunch::serve
