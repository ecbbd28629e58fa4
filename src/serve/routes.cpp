#include "routes.hpp"

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/serve/assets.hpp"
#include "curcrunch/serve/html.hpp"
#include "currency_choice.hpp"
#include "http_reply.hpp"
#include "not_found_page.hpp"
#include "pages.hpp"
#include "report_download.hpp"
#include "request_guard.hpp"
#include "uploads.hpp"

#include "curcrunch/store/payer_ids.hpp"
#include "curcrunch/store/view_coverage.hpp"

namespace curcrunch::serve {

namespace {

// A view's page: parse the filters (400 with the form and the message on a bad one), render.
void add_page(httplib::Server& svr, Site& site, const Auth& auth, const PageSpec& spec) {
    svr.Get(spec.path, [&site, &auth, &spec](const httplib::Request& req, httplib::Response& res) {
        PageFrame f;
        f.title = spec.title;
        f.path = spec.path;
        f.signout_token = auth.signout_token(req);
        ViewParams v;
        auto db = site.open_read_only();
        const Day as_of = store::default_as_of(*db, today_utc());
        try {
            v = parse_view_params(params_of(req), as_of);
            require_view_filters_in_store(*db, v);
        } catch (const Error& e) {
            v = parse_view_params({}, as_of);
            f.view = &v;
            f.error = e.what();
            return send_html(res, 400, page(f, ""));
        }
        f.view = &v;
        auto cube = site.current_cube(*db);
        try {
            settle_view_currency(*db, *cube, v);
        } catch (const store::MixedCurrencies& e) {
            // The choice, not a sum: a link per currency, the filters kept.
            f.error = e.what();
            f.error_links = currency_links_html(e, v, spec.path);
            return send_html(res, 400, page(f, ""));
        } catch (const Error& e) {
            f.error = e.what();
            return send_html(res, 400, page(f, ""));
        }
        const ViewContext c(site, v, *db, *cube, auth.form_token(req));
        const auto picks = site.picks(*db, *cube);
        f.picks = picks.get();
        std::string body;
        try {
            body = spec.html(c, f);
        } catch (const Error& e) {
            // A view the filters allow but the page cannot show (the Categories page by a
            // service, a tag grouping with a region filter): 400 with the page around the
            // message, so the form is there to change it.
            if (e.kind() != ErrorKind::usage) throw;
            f.error = e.what();
            return send_html(res, 400, page(f, ""));
        }
        send_html(res, 200, page(f, body));
    });
}

// Its JSON twin: the same filters, 400 with {"error": ...} on a bad one.
void add_api(httplib::Server& svr, Site& site, const Auth& auth, const PageSpec& spec) {
    svr.Get(spec.api_path,
            [&site, &auth, &spec](const httplib::Request& req, httplib::Response& res) {
                ViewParams v;
                auto db = site.open_read_only();
                try {
                    v = parse_view_params(params_of(req), store::default_as_of(*db, today_utc()));
                    require_view_filters_in_store(*db, v);
                } catch (const Error& e) {
                    return send_json(res, 400, "{\"error\":" + json_quote(e.what()) + "}");
                }
                auto cube = site.current_cube(*db);
                try {
                    settle_view_currency(*db, *cube, v);
                } catch (const store::MixedCurrencies& e) {
                    return send_json(res, 400, currency_choice_json(e, v, spec.api_path));
                } catch (const Error& e) {
                    return send_json(res, 400, "{\"error\":" + json_quote(e.what()) + "}");
                }
                const ViewContext c(site, v, *db, *cube, auth.form_token(req));
                send_json(res, 200, spec.json(c));
            });
}

void add_security_headers(httplib::Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'self'; script-src 'self'; img-src "
                   "'self' data:; form-action 'self'; frame-ancestors 'none'; "
                   "base-uri 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form
    // posts, and the upload checks the origin.
    res.set_header("Referrer-Policy", "same-origin");
    res.set_header("Cache-Control", "no-store");
}

void answer_exception(const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string msg = "internal error";
    int status = 500;
    try {
        std::rethrow_exception(ep);
    } catch (const Error& e) {
        msg = e.what();
        status = e.kind() == ErrorKind::usage ? 400 : 500;
    } catch (const std::exception& e) {
        msg = e.what();
    }
    log::error("serve " + req.path + ": " + msg);
    if (is_api_path(req.path))
        send_json(res, status, "{\"error\":" + json_quote(msg) + "}");
    else
        send_html(res, status, "<!doctype html><title>Error</title><p>" + esc(msg) + "</p>");
}

void add_static_files(httplib::Server& svr) {
    svr.Get("/static/style.css", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kStyleCss, "text/css");
    });
    svr.Get("/static/app.js", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kAppJs, "application/javascript");
    });
    // Browsers ask for an icon on every visit; there is none.
    svr.Get("/favicon.ico",
            [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
}

}  // namespace

void add_routes(httplib::Server& svr, Site& site, Auth& auth, const HostCheck& hosts) {
    add_request_guard(svr, hosts, auth, site.options().limits.prefetch_body_bytes);
    add_not_found_answer(svr, auth);
    svr.set_post_routing_handler(
        [](const httplib::Request&, httplib::Response& res) { add_security_headers(res); });
    svr.set_exception_handler(answer_exception);
    add_static_files(svr);
    auth.add_routes(svr);
    for (const PageSpec& spec : dashboard_pages()) {
        add_page(svr, site, auth, spec);
        if (spec.json) add_api(svr, site, auth, spec);
    }
    svr.Post(kUploadPath, [&site, &auth](const httplib::Request& req, httplib::Response& res) {
        handle_upload(site, auth, req, res);
    });
    svr.Get("/report.pdf", [&site](const httplib::Request& req, httplib::Response& res) {
        handle_report_download(site, req, res);
    });
}

}  // namespace curcrunch::serve
