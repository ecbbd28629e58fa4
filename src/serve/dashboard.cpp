#include "curcrunch/serve/dashboard.hpp"

#include <httplib.h>

#include "auth.hpp"
#include "curcrunch/core/error.hpp"
#include "routes.hpp"
#include "site.hpp"

namespace curcrunch::serve {

bool is_loopback(const std::string& host) {
    return host == "127.0.0.1" || host == "::1" || host == "localhost" ||
           host.rfind("127.", 0) == 0;
}

struct Dashboard::Impl {
    Site site;
    Auth auth;
    httplib::Server svr;

    explicit Impl(ServeOptions o) : site(std::move(o)), auth(site.options()) {
        svr.set_payload_max_length(site.options().max_upload_bytes * 4 + (1u << 20));
        svr.set_keep_alive_timeout(2);  // idle browser connections do not hold up a shutdown
        // Without TCP_NODELAY small responses wait ~40 ms for a delayed ACK (Nagle).
        svr.set_tcp_nodelay(true);
        add_routes(svr, site, auth);
    }
};

Dashboard::Dashboard(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Dashboard::~Dashboard() {
    stop();
}

int Dashboard::bind() {
    const ServeOptions& o = impl_->site.options();
    int port = o.port;
    if (port == 0) {
        port = impl_->svr.bind_to_any_port(o.host);
        if (port < 0) throw_usage("serve: cannot listen on " + o.host);
    } else if (!impl_->svr.bind_to_port(o.host, port)) {
        throw_usage("serve: cannot listen on " + o.host + ":" + std::to_string(port) +
                    " (in use, or not an address of this machine)");
    }
    return port;
}

void Dashboard::run() {
    impl_->svr.listen_after_bind();
}
void Dashboard::stop() {
    if (impl_) impl_->svr.stop();
}
bool Dashboard::token_required() const {
    return impl_->auth.required();
}
const std::string& Dashboard::token() const {
    return impl_->auth.token();
}

}  // namespace curcrunch::serve
