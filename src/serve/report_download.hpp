#pragma once
// GET /report.pdf: the PDF report of the view's filters, as `curcrunch report` writes it.
#include <httplib.h>

#include "site.hpp"

namespace curcrunch::serve {

void handle_report_download(Site& site, const httplib::Request& req, httplib::Response& res);

}  // namespace curcrunch::serve
