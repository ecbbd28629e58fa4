#pragma once
// Every URL of the dashboard and what answers it, the access check in front of them and the
// security headers and error answers around them.
#include <httplib.h>

#include "auth.hpp"
#include "host_check.hpp"
#include "site.hpp"

namespace curcrunch::serve {

void add_routes(httplib::Server& svr, Site& site, Auth& auth, const HostCheck& hosts);

}  // namespace curcrunch::serve
