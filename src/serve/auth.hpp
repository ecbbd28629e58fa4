#pragma once
// Who may use the dashboard. On loopback without a token file anyone on this machine may; else
// the access token (read from --token-file, or generated and printed once) is needed, and the
// login page exchanges it for a session (sessions.hpp): the token itself never goes into a
// cookie, a URL or a log. Failed logins back off per client address (login_throttle.hpp). Forms
// that post carry a form token bound to the session (CSRF); signing out is such a form.
#include <httplib.h>

#include <chrono>
#include <string>

#include "curcrunch/serve/dashboard.hpp"
#include "login_throttle.hpp"
#include "sessions.hpp"

namespace curcrunch::serve {

class Auth {
  public:
    explicit Auth(const ServeOptions& o);  // throws Error(usage) for a bad token file

    bool required() const { return !token_.empty(); }
    const std::string& token() const { return token_; }

    // Whether `req` may go on: no login is needed, or it carries a live session (whose idle
    // time then starts again).
    bool admits(const httplib::Request& req);
    // For a request that needs a login first: the login page, which leads back to the page
    // asked for, or a 401 in JSON for the API.
    void ask_for_login(const httplib::Request& req, httplib::Response& res) const;

    // The form token for forms on pages served to `req`, and the check of one sent back.
    std::string form_token(const httplib::Request& req) const;
    bool form_token_valid(const httplib::Request& req, const std::string& sent) const;
    // The form token of the sign-out button; "" when there is nobody to sign out.
    std::string signout_token(const httplib::Request& req) const;

    // GET and POST /login, POST /logout.
    void add_routes(httplib::Server& svr);

  private:
    void login(const httplib::Request& req, httplib::Response& res);
    void logout(const httplib::Request& req, httplib::Response& res);
    void login_page(httplib::Response& res, int status, const std::string& error,
                    const std::string& next) const;

    std::string token_, form_key_;
    std::chrono::milliseconds idle_, lifetime_;
    SessionStore sessions_;
    LoginThrottle throttle_;
};

// Where a login may lead back to: `target` when it is a page of this dashboard (a registered
// path, then an optional query of plain URL characters), else "/". Never another site.
std::string safe_return_path(const std::string& target);

}  // namespace curcrunch::serve
