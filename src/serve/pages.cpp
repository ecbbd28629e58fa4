#include "pages.hpp"

namespace curcrunch::serve {

const std::vector<PageSpec>& dashboard_pages() {
    static const std::vector<PageSpec> pages = {
        {"/", "Overview", "Overview", "/api/overview", overview_page, overview_json},
        {"/trends", "Cost trends", "Trends", "/api/trends", trends_page, trends_json},
        {"/services", "Cost by service", "Services", "/api/services", services_page, services_json},
        {"/compare", "Comparison with the previous period", "Compare", "/api/compare", compare_page,
         compare_json},
        {"/month-over-month", "Month over month", "Month over month", "/api/month-over-month",
         mom_page, mom_json},
        {"/categories", "Cost by tag and cost category", "Categories", "/api/categories",
         categories_page, categories_json},
        {"/accounts", "Accounts", "Accounts", "/api/accounts", accounts_page, accounts_json},
        {"/line-items", "Line items", "Line items", "/api/line-items", line_items_page,
         line_items_json},
        {"/archive", "Archive", "Archive", "/api/archive", archive_page, archive_json},
        {"/billing", "Customer billing", "Billing", "/api/billing", billing_page, billing_json},
    };
    return pages;
}

}  // namespace curcrunch::serve
