#pragma once
// Static assets of the dashboard (served under /static/).
namespace curcrunch::serve {
extern const char* kStyleCss;
extern const char* kAppJs;
}  // namespace curcrunch::serve
