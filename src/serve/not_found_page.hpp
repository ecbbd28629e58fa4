#pragma once
// The answer for an address that is no page: a small page in the dashboard's frame with a way
// back, or a JSON error under /api/.
#include <httplib.h>

#include "auth.hpp"

namespace curcrunch::serve {

void add_not_found_answer(httplib::Server& svr, const Auth& auth);

}  // namespace curcrunch::serve
