#include "auth.hpp"

#include <openssl/hmac.h>

#include <fstream>

#include "curcrunch/core/error.hpp"
#include "curcrunch/serve/html.hpp"
#include "http_reply.hpp"
#include "pages.hpp"
#include "tokens.hpp"

namespace curcrunch::serve {

namespace {

const std::string kCookie = "curcrunch_session";

// The value of our cookie in a Cookie header, "" when absent.
std::string cookie_value(const std::string& cookies) {
    const std::string tag = kCookie + "=";
    for (size_t i = 0; i < cookies.size();) {
        size_t j = cookies.find(';', i);
        if (j == std::string::npos) j = cookies.size();
        size_t b = i;
        while (b < j && cookies[b] == ' ')
            ++b;
        if (cookies.compare(b, tag.size(), tag) == 0)
            return cookies.substr(b + tag.size(), j - b - tag.size());
        i = j + 1;
    }
    return "";
}

std::string session_of(const httplib::Request& req) {
    return cookie_value(req.get_header_value("Cookie"));
}

std::string duration_text(std::chrono::milliseconds d) {
    using namespace std::chrono;
    if (d >= hours(1) && d % hours(1) == milliseconds(0))
        return std::to_string(d / hours(1)) + (d == hours(1) ? " hour" : " hours");
    if (d >= minutes(1) && d % minutes(1) == milliseconds(0))
        return std::to_string(d / minutes(1)) + (d == minutes(1) ? " minute" : " minutes");
    const auto s = duration_cast<seconds>(d).count();
    return std::to_string(s) + (s == 1 ? " second" : " seconds");
}

bool is_url_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    for (char ok : std::string_view("-._~%&=+,:@!*();$/?"))
        if (c == ok) return true;
    return false;
}

}  // namespace

std::string safe_return_path(const std::string& target) {
    if (target.empty() || target.size() > 2048) return "/";
    const size_t q = target.find('?');
    const std::string path = target.substr(0, q);
    bool known = false;
    for (const PageSpec& p : dashboard_pages())
        known = known || p.path == path;
    if (!known) return "/";
    for (char c : target)
        if (!is_url_char(c)) return "/";
    return target;
}

Auth::Auth(const ServeOptions& o)
    : form_key_(random_hex(32)),
      idle_(o.session_idle),
      lifetime_(o.session_lifetime),
      sessions_(o.session_idle, o.session_lifetime) {
    if (is_loopback(o.host) && o.token_file.empty()) return;
    if (!o.token_file.empty()) {
        std::ifstream f(o.token_file);
        std::getline(f, token_);
        while (!token_.empty() && (token_.back() == '\r' || token_.back() == ' '))
            token_.pop_back();
        if (token_.size() < 16)
            throw_usage("--token-file " + o.token_file +
                        ": the token must be at least 16 characters");
    } else {
        token_ = random_hex(24);
    }
}

bool Auth::admits(const httplib::Request& req) {
    return !required() || sessions_.touch(session_of(req), Clock::now());
}

void Auth::ask_for_login(const httplib::Request& req, httplib::Response& res) const {
    if (is_api_path(req.path))
        return send_json(res, 401,
                         "{\"error\":\"sign in first: POST /login with the access token\"}");
    login_page(res, 401, "", req.method == "GET" ? safe_return_path(req.target) : "/");
}

std::string Auth::form_token(const httplib::Request& req) const {
    // Bound to the session: a token from one session is worthless in another, and all of a
    // session's tokens die with it. Without logins there is one token per server run.
    const std::string subject = "form|" + (required() ? session_of(req) : std::string());
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), form_key_.data(), static_cast<int>(form_key_.size()),
         reinterpret_cast<const unsigned char*>(subject.data()), subject.size(), mac, &len);
    static const char digits[] = "0123456789abcdef";
    std::string o;
    for (unsigned i = 0; i < len; ++i) {
        o.push_back(digits[mac[i] >> 4]);
        o.push_back(digits[mac[i] & 15]);
    }
    return o;
}

bool Auth::form_token_valid(const httplib::Request& req, const std::string& sent) const {
    return same_secret(sent, form_token(req));
}

std::string Auth::signout_token(const httplib::Request& req) const {
    return required() && !session_of(req).empty() ? form_token(req) : "";
}

void Auth::login_page(httplib::Response& res, int status, const std::string& error,
                      const std::string& next) const {
    PageFrame f;
    f.title = "Sign in";
    f.path = "/login";
    f.error = error;
    send_html(res, status,
              page(f,
                   "<form class=\"login\" method=\"post\" action=\"/login\">\n"
                   "<input type=\"hidden\" name=\"next\" value=\"" +
                       esc(next) +
                       "\">\n<label>Access token <input type=\"password\" name=\"token\" "
                       "autocomplete=\"current-password\" required></label>\n<button "
                       "type=\"submit\">Sign in</button>\n</form>\n<p>The token was printed when "
                       "<code>curcrunch serve</code> started (or is in its --token-file).</p>\n"
                       "<p class=\"note\">A sign-in lasts " +
                       esc(duration_text(lifetime_)) + " at most, and ends after " +
                       esc(duration_text(idle_)) + " without use.</p>\n"));
}

void Auth::login(const httplib::Request& req, httplib::Response& res) {
    if (!required()) return res.set_redirect("/", 303);
    const std::string next = safe_return_path(req.get_param_value("next"));
    const std::string client = LoginThrottle::client_key(req.remote_addr);
    const auto now = Clock::now();
    if (const long long wait = throttle_.wait_seconds(client, now); wait > 0) {
        res.set_header("Retry-After", std::to_string(wait));
        return login_page(res, 429,
                          "Too many wrong tokens from your address: try again in " +
                              std::to_string(wait) + (wait == 1 ? " second." : " seconds."),
                          next);
    }
    if (!same_secret(req.get_param_value("token"), token_)) {
        throttle_.failed(client, now);
        return login_page(res, 401, "That is not the access token.", next);
    }
    throttle_.succeeded(client);
    const std::string id = sessions_.create(now);
    const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(lifetime_).count();
    res.set_header("Set-Cookie", kCookie + "=" + id + "; Max-Age=" + std::to_string(max_age) +
                                     "; Path=/; HttpOnly; SameSite=Strict");
    res.set_redirect(next, 303);
}

void Auth::logout(const httplib::Request& req, httplib::Response& res) {
    if (!required()) return res.set_redirect("/", 303);
    if (!form_token_valid(req, req.get_param_value("csrf"))) {
        PageFrame f;
        f.title = "Sign out";
        f.error = "The sign-out form has expired or did not come from this dashboard.";
        f.signout_token = signout_token(req);
        return send_html(res, 403,
                         page(f, "<p>Use the Sign out button of a page you reload.</p>\n"));
    }
    sessions_.end(session_of(req));
    res.set_header("Set-Cookie", kCookie + "=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
    res.set_redirect("/login", 303);
}

void Auth::add_routes(httplib::Server& svr) {
    svr.Get("/login", [this](const httplib::Request& req, httplib::Response& res) {
        if (!required()) return res.set_redirect("/");
        login_page(res, 200, "", safe_return_path(req.get_param_value("next")));
    });
    svr.Post("/login",
             [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
    svr.Post("/logout",
             [this](const httplib::Request& req, httplib::Response& res) { logout(req, res); });
}

}  // namespace curcrunch::serve
