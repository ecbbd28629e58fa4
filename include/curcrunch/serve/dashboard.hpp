#pragma once
// `curcrunch serve`: the local dashboard. Server-rendered pages (HTML with the chart module's
// SVG) and JSON endpoints for every view, over cpp-httplib. The store is read through an
// in-memory cube (reloaded when an ingest lands) and read-only connections; uploads go through
// import-pdf's code path on a separate read-write connection. Loopback needs no login; any
// other listen address requires an access token (printed once, or read from a file) that a
// login page turns into a cookie — every other request gets 401.
#include <memory>
#include <string>

namespace curcrunch::serve {

struct ServeOptions {
    std::string db_path = "curcrunch.db";
    std::string host = "127.0.0.1";
    int port = 8080;  // 0: any free port
    // The access token: required off loopback (generated and printed when no file is given),
    // and on loopback too when a token file is given.
    std::string token_file;
    size_t max_upload_bytes = 64u << 20;
    int threads = 8;
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

bool is_loopback(const std::string& host);

}  // namespace curcrunch::serve
