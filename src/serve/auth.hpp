#pragma once
// Who may use the dashboard. On loopback without a token file anyone on this machine may; else
// an access token (read from --token-file, or generated and printed once) is needed, which the
// login page turns into a cookie. Forms that post carry a form token (CSRF).
#include <httplib.h>

#include <string>

#include "curcrunch/serve/dashboard.hpp"

namespace curcrunch::serve {

class Auth {
  public:
    explicit Auth(const ServeOptions& o);  // throws Error(usage) for a bad token file

    bool required() const { return !token_.empty(); }
    const std::string& token() const { return token_; }

    bool authorised(const httplib::Request& req) const;
    // The form token of forms on pages served to `req`, and the check of one sent back.
    std::string form_token(const httplib::Request& req) const;
    bool form_token_valid(const httplib::Request& req, const std::string& sent) const;

    // GET and POST /login.
    void add_routes(httplib::Server& svr);
    // The login page, for /login and for every request that needs a login first.
    void login_page(httplib::Response& res, int status, const std::string& error) const;

  private:
    std::string token_, form_key_;
};

}  // namespace curcrunch::serve
