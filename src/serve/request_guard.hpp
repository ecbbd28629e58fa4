#pragma once
// What every request passes before it is routed (and before its body is read): its Host name
// (host_check.hpp: 400 without a valid one, 421 for a foreign one), the origin of a POST (403
// from another site) and the login (auth.hpp).
#include <httplib.h>

#include "auth.hpp"
#include "host_check.hpp"

namespace curcrunch::serve {

void add_request_guard(httplib::Server& svr, const HostCheck& hosts, Auth& auth);

}  // namespace curcrunch::serve
