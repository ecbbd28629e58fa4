#pragma once
// POST /archive/upload: PDF reports and invoices imported through import-pdf's code path, each
// file with its own verdict, behind a same-origin check and the form token.
#include <httplib.h>

#include "auth.hpp"
#include "site.hpp"

namespace curcrunch::serve {

// The one route that takes a large request body; every other body is kept small (the request
// guard refuses a larger one before it is read).
inline constexpr const char* kUploadPath = "/archive/upload";

void handle_upload(Site& site, const Auth& auth, const httplib::Request& req,
                   httplib::Response& res);

}  // namespace curcrunch::serve
