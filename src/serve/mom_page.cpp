// Month over month: the last N months of the view by service, account, payer, tag key or cost
// category, each month's amount and its change against the month before in money and percent,
// like for like (store/query_mom.hpp); partial months are flagged in their heading and not
// compared.
#include "curcrunch/report/cell_text.hpp"
#include "grouping.hpp"
#include "mom_table.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {

std::string mom_page(const ViewContext& c, PageFrame& f) {
    const ViewParams& v = c.view;
    f.crumbs = crumbs("/month-over-month", c);
    const ViewGrouping g = grouping_of(v, "service");
    std::string months = "<label>Months <select name=\"months\">";
    for (int n : {2, 3, 4, 5, 6, 9, 12, 18, 24})
        months += "<option value=\"" + std::to_string(n) + "\"" +
                  (n == mom_months(v) ? " selected" : "") + ">" + std::to_string(n) + "</option>";
    months += "</select></label>";
    std::string o = grouping_form(c, "/month-over-month", g, true, months);
    const auto mom = month_over_month(c, g);
    return o + mom_table(c, *mom, g, "/month-over-month", "Month over month by " + g.title);
}

}  // namespace curcrunch::serve
