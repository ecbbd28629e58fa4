#pragma once
// Small HTML building blocks for the dashboard's server-rendered pages: escaping, sortable
// tables (real <table>s with <th scope> and aria-sort), and the page frame (navigation, the
// filter form, breadcrumbs). No template engine: pages are short and escaping is in one place.
#include <string>
#include <vector>

#include "curcrunch/serve/view_params.hpp"

namespace curcrunch::serve {

std::string esc(const std::string& s);  // text and attribute values

struct TableColumn {
    std::string key, title;
    bool numeric = false;
};

// A table whose headers link to the same page sorted by that column (toggling the direction).
// `footer` rows (HTML cells) stay below the sorted rows: the remainders and the total.
std::string sortable_table(const std::string& caption, const std::string& path, const ViewParams& v,
                           const std::vector<TableColumn>& cols,
                           const std::vector<std::vector<std::string>>& rows,
                           const std::string& sorted_by, bool descending,
                           const std::vector<std::vector<std::string>>& footer = {});

struct Crumb {
    std::string label, href;  // last crumb: href empty
};

// A picker's choice: the value a URL carries and what a person reads.
struct PickOption {
    std::string value, label;
};
// What the filter form offers (serve/choices.hpp reads them from the store).
struct PickLists {
    std::vector<PickOption> accounts, services, regions, payers;
    // Every tag key and cost category of the store, as `by` values ("tag:team",
    // "category:cost_center") and labels ("Tag team", "Cost category cost_center").
    std::vector<PickOption> tag_keys;
};

struct PageFrame {
    std::string title, path;  // path: the page's own path, for nav highlighting and the form
    const ViewParams* view = nullptr;
    std::vector<Crumb> crumbs;
    std::string error;                 // shown above the content (400s)
    std::string error_links;           // markup after the error: a choice of links (built escaped)
    std::string signout_token;         // not empty: a sign-out button, posting this form token
    const PickLists* picks = nullptr;  // the form's choices; null: free text only
    // The download link's by= ("tag:team"): the Categories page's grouping, so its PDF has that
    // "Cost by" page. Empty: the link carries no grouping.
    std::string report_by;
};

std::string page(const PageFrame& f, const std::string& body);

}  // namespace curcrunch::serve
