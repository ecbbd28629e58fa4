#include "currency_choice.hpp"

#include "curcrunch/core/json_text.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/serve/html.hpp"

namespace curcrunch::serve {
namespace {

std::string currency_link_of(const ViewParams& v, const std::string& path,
                             const std::string& code) {
    return path + query_string(v, {{"currency", code}}, {"page"});
}

std::string currency_payers_text(const store::CurrencyHolding& h) {
    std::string o;
    for (const std::string& p : h.payers)
        o += (o.empty() ? "" : ", ") + p;
    return o;
}

}  // namespace

void settle_view_currency(store::Database& db, const report::CostCube& cube, ViewParams& v) {
    if (v.explicit_currency) {
        store::require_currency_in_store(db, v.report.currency, "currency");
        return;
    }
    v.report.currency =
        store::choose_from(db, report::report_currencies(db, v.report, &cube), "currency=");
}

std::string currency_links_html(const store::MixedCurrencies& e, const ViewParams& v,
                                const std::string& path) {
    std::string o = "<ul class=\"currency-choice\">\n";
    for (const store::CurrencyHolding& h : e.holdings())
        o += "<li><a href=\"" + esc(currency_link_of(v, path, h.currency)) + "\">" +
             esc(h.currency) + " only</a> (" + esc(currency_payers_text(h)) + ")</li>\n";
    return o + "</ul>\n";
}

std::string currency_choice_json(const store::MixedCurrencies& e, const ViewParams& v,
                                 const std::string& path) {
    std::string o = "{\"error\":" + json_quote(e.what()) + ",\"currencies\":[";
    for (size_t i = 0; i < e.holdings().size(); ++i) {
        const store::CurrencyHolding& h = e.holdings()[i];
        std::string payers;
        for (size_t k = 0; k < h.payers.size(); ++k)
            payers += (k ? "," : "") + json_quote(h.payers[k]);
        o += std::string(i ? "," : "") + "{\"currency\":" + json_quote(h.currency) +
             ",\"payers\":[" + payers +
             "],\"url\":" + json_quote(currency_link_of(v, path, h.currency)) + "}";
    }
    return o + "]}";
}

}  // namespace curcrunch::serve
