#include "curcrunch/serve/dashboard.hpp"

#include "auth.hpp"
#include "curcrunch/core/error.hpp"
#include "guarded_server.hpp"
#include "host_check.hpp"
#include "routes.hpp"
#include "site.hpp"

namespace curcrunch::serve {

struct Dashboard::Impl {
    Site site;
    Auth auth;
    HostCheck hosts;
    GuardedServer svr;

    explicit Impl(ServeOptions o)
        : site(std::move(o)),
          auth(site.options()),
          hosts(site.options().host, site.options().allowed_hosts),
          svr(site.options().limits,
              static_cast<size_t>(site.options().threads < 1 ? 1 : site.options().threads)) {
        svr.set_payload_max_length(site.options().max_upload_bytes * 4 + (1u << 20));
        // Without TCP_NODELAY small responses wait ~40 ms for a delayed ACK (Nagle).
        svr.set_tcp_nodelay(true);
        add_routes(svr, site, auth, hosts);
    }
};

Dashboard::Dashboard(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Dashboard::~Dashboard() {
    stop();
}

int Dashboard::bind() {
    const ServeOptions& o = impl_->site.options();
    const int port = impl_->svr.bind(o.host, o.port);
    if (port >= 0) return port;
    if (o.port == 0) throw_usage("serve: cannot listen on " + o.host);
    throw_usage("serve: cannot listen on " + o.host + ":" + std::to_string(o.port) +
                " (in use, or not an address of this machine)");
}

void Dashboard::run() {
    impl_->svr.run();
}
void Dashboard::stop() {
    if (impl_) impl_->svr.request_stop();
}
bool Dashboard::token_required() const {
    return impl_->auth.required();
}
const std::string& Dashboard::token() const {
    return impl_->auth.token();
}

}  // namespace curcrunch::serve
