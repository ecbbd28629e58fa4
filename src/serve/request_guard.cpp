#include "request_guard.hpp"

#include "curcrunch/core/json_text.hpp"
#include "curcrunch/serve/html.hpp"
#include "http_reply.hpp"
#include "uploads.hpp"

namespace curcrunch::serve {

namespace {

using Outcome = httplib::Server::HandlerResponse;

// A refusal in plain text (it names a host the request chose, and plain text cannot run), or
// JSON for the API.
Outcome refuse(const httplib::Request& req, httplib::Response& res, int status,
               const std::string& message) {
    if (is_api_path(req.path)) {
        send_json(res, status, "{\"error\":" + json_quote(message) + "}");
    } else {
        res.status = status;
        res.set_content(message + "\n", "text/plain; charset=utf-8");
    }
    return Outcome::Handled;
}

Outcome check_host(const HostCheck& hosts, const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Host")) return refuse(req, res, 400, "A Host header is required.");
    const std::string host = req.get_header_value("Host");
    switch (hosts.check(host)) {
        case HostCheck::Verdict::accepted:
            return Outcome::Unhandled;
        case HostCheck::Verdict::malformed:
            return refuse(req, res, 400, "The Host header is not a host name.");
        case HostCheck::Verdict::foreign:
            break;
    }
    // name_of() only lets letters, digits, '-', '.', '_' and IPv6 addresses through.
    const std::string name = *HostCheck::name_of(host);
    return refuse(req, res, 421,
                  "This dashboard does not answer to the name " + name +
                      ". Open it at the address it was started with, or start it with "
                      "--allow-host " +
                      name + " if that name is yours.");
}

// Browsers send Origin with every POST; a form posted from another site carries that site's.
// The scheme is not compared: behind a TLS proxy the page is https while this server is not.
bool cross_site_post(const httplib::Request& req) {
    if (req.method != "POST" || !req.has_header("Origin")) return false;
    std::string origin = req.get_header_value("Origin");
    for (const char* scheme : {"http://", "https://"})
        if (origin.rfind(scheme, 0) == 0) {
            origin.erase(0, std::string(scheme).size());
            std::string host = req.get_header_value("Host");
            for (std::string* s : {&origin, &host})
                for (char& c : *s)
                    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            return origin != host;
        }
    return true;  // "null" (a sandboxed or file: page) or anything else
}

// A body bigger than `limit`, or of unknown size (chunked), on a route that takes no upload.
bool oversized_body(const httplib::Request& req, size_t limit) {
    if (req.path == kUploadPath) return false;
    if (req.has_header("Transfer-Encoding")) return true;
    const std::string length = req.get_header_value("Content-Length");
    if (length.empty()) return false;
    if (length.size() > 18 || length.find_first_not_of("0123456789") != std::string::npos)
        return true;
    return std::stoull(length) > limit;
}

bool needs_no_login(const std::string& path) {
    return path == "/login" || path == "/favicon.ico" || path.rfind("/static/", 0) == 0;
}

}  // namespace

void add_request_guard(httplib::Server& svr, const HostCheck& hosts, Auth& auth,
                       size_t small_body) {
    svr.set_pre_routing_handler(
        [&hosts, &auth, small_body](const httplib::Request& req, httplib::Response& res) {
            if (check_host(hosts, req, res) == Outcome::Handled) return Outcome::Handled;
            if (cross_site_post(req))
                return refuse(req, res, 403,
                              "This form was posted from another site (" +
                                  req.get_header_value("Origin") + ") and is refused.");
            if (oversized_body(req, small_body))
                return refuse(req, res, 413, "This request's body is too large.");
            if (needs_no_login(req.path) || auth.admits(req)) return Outcome::Unhandled;
            auth.ask_for_login(req, res);
            return Outcome::Handled;
        });
}

}  // namespace curcrunch::serve
