#pragma once
// Answers in the dashboard's two content types, and a request's query as view parameters.
#include <httplib.h>

#include <string>

#include "curcrunch/serve/view_params.hpp"

namespace curcrunch::serve {

inline void send_html(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "text/html; charset=utf-8");
}

inline void send_json(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
}

inline QueryParams params_of(const httplib::Request& req) {
    return QueryParams(req.params.begin(), req.params.end());
}

inline bool is_api_path(const std::string& path) {
    return path.rfind("/api/", 0) == 0;
}

}  // namespace curcrunch::serve
