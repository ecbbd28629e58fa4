#pragma once
// The dashboard's views, in navigation order. Each view is a server-rendered page at `path`,
// with its filters in the URL, and optionally a JSON twin at /api<path> (/api/overview for /).
//
// Adding a view: write its renderer in a file of its own (e.g. payers_page.cpp), declare it
// below, and add one entry to dashboard_pages() in pages.cpp. The router (routes.cpp) parses and
// checks the filters (400 on a bad one) before a renderer runs, and the page frame adds the
// navigation, the filter form and the error line; a renderer only builds its body.
#include <string>
#include <vector>

#include "curcrunch/report/report_table.hpp"
#include "curcrunch/serve/html.hpp"
#include "site.hpp"

namespace curcrunch::serve {

using PageRender = std::string (*)(const ViewContext& c, PageFrame& frame);
using ApiRender = std::string (*)(const ViewContext& c);

struct PageSpec {
    std::string path;       // "/services"
    std::string title;      // the <h1> and <title>
    std::string nav_label;  // in the navigation bar
    std::string api_path;   // "" : no JSON twin
    PageRender html = nullptr;
    ApiRender json = nullptr;
};

const std::vector<PageSpec>& dashboard_pages();

// --- the pages' HTML renderers (one file each) ----------------------------------------------
std::string overview_page(const ViewContext& c, PageFrame& f);
std::string trends_page(const ViewContext& c, PageFrame& f);
std::string services_page(const ViewContext& c, PageFrame& f);
std::string compare_page(const ViewContext& c, PageFrame& f);
std::string accounts_page(const ViewContext& c, PageFrame& f);
std::string line_items_page(const ViewContext& c, PageFrame& f);
std::string mom_page(const ViewContext& c, PageFrame& f);
std::string categories_page(const ViewContext& c, PageFrame& f);
std::string archive_page(const ViewContext& c, PageFrame& f);
std::string billing_page(const ViewContext& c, PageFrame& f);  // and its JSON (billing_page.cpp)
std::string billing_json(const ViewContext& c);
// The archive with a notice above it (the verdicts of an upload).
std::string archive_body(const ViewContext& c, const std::string& notice);
// Every line-item group of the view as the line_items table (line_items_page.cpp); throws
// Error(usage) under a region filter (the line-item rollup keeps no region).
report::ReportTable line_items_table(const ViewContext& c);
inline constexpr const char* kLineItemsDefaultSort = "cost";

// --- their JSON twins (api.cpp) --------------------------------------------------------------
std::string overview_json(const ViewContext& c);
std::string trends_json(const ViewContext& c);
std::string services_json(const ViewContext& c);
std::string compare_json(const ViewContext& c);
std::string accounts_json(const ViewContext& c);
std::string line_items_json(const ViewContext& c);
std::string archive_json(const ViewContext& c);
std::string mom_json(const ViewContext& c);         // api_groups.cpp
std::string categories_json(const ViewContext& c);  // api_groups.cpp

}  // namespace curcrunch::serve
