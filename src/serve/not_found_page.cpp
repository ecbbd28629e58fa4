#include "not_found_page.hpp"

#include "curcrunch/core/json_text.hpp"
#include "curcrunch/serve/html.hpp"
#include "http_reply.hpp"

namespace curcrunch::serve {

void add_not_found_answer(httplib::Server& svr, const Auth& auth) {
    // The library calls this for every answer of status 400 or more; only its own empty 404
    // (no route matched) is filled in here.
    const httplib::Server::HandlerWithResponse answer = [&auth](const httplib::Request& req,
                                                                httplib::Response& res) {
        if (res.status != 404 || !res.body.empty())
            return httplib::Server::HandlerResponse::Unhandled;
        if (is_api_path(req.path)) {
            send_json(res, 404, "{\"error\":" + json_quote("no such endpoint: " + req.path) + "}");
            return httplib::Server::HandlerResponse::Handled;
        }
        PageFrame f;
        f.title = "Page not found";
        f.signout_token = auth.signout_token(req);
        send_html(res, 404,
                  page(f, "<p>There is no page at <code>" + esc(req.path) +
                              "</code>.</p>\n<p><a href=\"/\">Back to the overview</a>, or choose "
                              "a view above.</p>\n"));
        return httplib::Server::HandlerResponse::Handled;
    };
    svr.set_error_handler(answer);
}

}  // namespace curcrunch::serve
