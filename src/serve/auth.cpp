#include "auth.hpp"

#include <openssl/hmac.h>

#include <fstream>

#include "curcrunch/core/error.hpp"
#include "curcrunch/serve/html.hpp"
#include "http_reply.hpp"
#include "tokens.hpp"

namespace curcrunch::serve {

namespace {

const char* kCookie = "curcrunch_session";

}  // namespace

Auth::Auth(const ServeOptions& o) : form_key_(random_hex(32)) {
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

bool Auth::authorised(const httplib::Request& req) const {
    if (token_.empty()) return true;
    const std::string cookies = req.get_header_value("Cookie");
    const std::string tag = std::string(kCookie) + "=";
    for (size_t i = 0; i < cookies.size();) {
        size_t j = cookies.find(';', i);
        if (j == std::string::npos) j = cookies.size();
        std::string c = cookies.substr(i, j - i);
        while (!c.empty() && c.front() == ' ')
            c.erase(0, 1);
        if (c.rfind(tag, 0) == 0 && same_secret(c.substr(tag.size()), token_)) return true;
        i = j + 1;
    }
    return false;
}

std::string Auth::form_token(const httplib::Request&) const {
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), form_key_.data(), static_cast<int>(form_key_.size()),
         reinterpret_cast<const unsigned char*>("upload"), 6, mac, &len);
    std::string o;
    for (unsigned i = 0; i < len; ++i) {
        char h[3];
        std::snprintf(h, sizeof h, "%02x", mac[i]);
        o += h;
    }
    return o;
}

bool Auth::form_token_valid(const httplib::Request& req, const std::string& sent) const {
    return same_secret(sent, form_token(req));
}

void Auth::login_page(httplib::Response& res, int status, const std::string& error) const {
    PageFrame f;
    f.title = "Sign in";
    f.path = "/login";
    f.error = error;
    send_html(res, status,
              page(f,
                   "<form method=\"post\" action=\"/login\"><label>Access token <input "
                   "type=\"password\" name=\"token\" autocomplete=\"current-password\" "
                   "required></label> <button type=\"submit\">Sign in</button></form>\n<p>The "
                   "token was printed when <code>curcrunch serve</code> started (or is in its "
                   "--token-file).</p>"));
}

void Auth::add_routes(httplib::Server& svr) {
    svr.Get("/login", [this](const httplib::Request&, httplib::Response& res) {
        if (token_.empty()) return res.set_redirect("/");
        login_page(res, 200, "");
    });
    svr.Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
        if (token_.empty()) return res.set_redirect("/");
        if (!same_secret(req.get_param_value("token"), token_))
            return login_page(res, 401, "That is not the access token.");
        res.set_header("Set-Cookie",
                       std::string(kCookie) + "=" + token_ + "; HttpOnly; SameSite=Strict; Path=/");
        res.set_redirect("/", 303);
    });
}

}  // namespace curcrunch::serve
