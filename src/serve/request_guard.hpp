#pragma once
// What every request passes before it is routed (and before its body is read): its Host name
// (host_check.hpp: 400 without a valid one, 421 for a foreign one), the origin of a POST (403
// from another site), the size of its body (413 over `small_body` except for an upload, so
// that no other body is ever read by a worker: the head gate receives small ones whole) and the
// login (auth.hpp).
#include <httplib.h>

#include "auth.hpp"
#include "host_check.hpp"

namespace curcrunch::serve {

void add_request_guard(httplib::Server& svr, const HostCheck& hosts, Auth& auth, size_t small_body);

}  // namespace curcrunch::serve
