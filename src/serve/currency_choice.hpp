#pragma once
// The currency of a dashboard view (store/currency_scope.hpp): the one currency= chose, else the
// one the view's rows hold. A view whose rows hold several is answered with the choice, a link
// per currency, never with their sum (internal to src/serve).
#include <string>

#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/serve/view_params.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::serve {

// Sets v.report.currency. Error(usage) for a currency= the store has no amounts in;
// store::MixedCurrencies when currency= is absent and the rows hold more than one.
void settle_view_currency(store::Database& db, const report::CostCube& cube, ViewParams& v);

// A link per currency to `path` with the view's filters and currency=CODE, as markup for a
// page (PageFrame::error_links) and as the JSON members "error" and "currencies".
std::string currency_links_html(const store::MixedCurrencies& e, const ViewParams& v,
                                const std::string& path);
std::string currency_choice_json(const store::MixedCurrencies& e, const ViewParams& v,
                                 const std::string& path);

}  // namespace curcrunch::serve
