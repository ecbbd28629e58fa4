#pragma once
// POST /archive/upload: PDF reports and invoices imported through import-pdf's code path, each
// file with its own verdict, behind a same-origin check and the form token.
#include <httplib.h>

#include "auth.hpp"
#include "site.hpp"

namespace curcrunch::serve {

void handle_upload(Site& site, const Auth& auth, const httplib::Request& req,
                   httplib::Response& res);

}  // namespace curcrunch::serve
