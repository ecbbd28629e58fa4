#pragma once
// Which currencies a selection of the rollups holds, and the rule every figure keeps: amounts in
// different currencies are never added together. Every rollup row keeps the currency its export
// stated (lineItem/CurrencyCode, line_item_currency_code, BillingCurrency); a command that prints
// money either is told the currency (--currency, the dashboard's currency=) and reads only its
// rows, or finds exactly one currency in the rows it reads, or refuses with MixedCurrencies.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"

#include "curcrunch/core/error.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::store {

// AWS bills in USD unless a payer chose another currency: a row whose export had no currency
// column (or an empty cell) is read as USD, as every report before currencies were told apart
// read it.
inline constexpr const char* kDefaultCurrency = "USD";
std::string canonical_currency(std::string_view stored);

// A currency code as a filter names it ("eur" -> "EUR"); Error(usage) naming `option` unless it
// is three ASCII letters.
std::string parse_currency_code(const std::string& option, const std::string& text);

struct CurrencyHolding {
    std::string currency;             // canonical
    std::vector<std::string> payers;  // payer ids with rows in it, sorted
};

// The currencies of the cost rollup rows `q` selects (its days and filters; q.currency is
// ignored), each with its payers, by currency code.
std::vector<CurrencyHolding> currencies_in(Database& db, const Query& q);
// The unblended cost of one (payer, billing period) unit per currency (canonical, sorted), from
// its rows on days [from, to].
std::vector<std::pair<std::string, Amount>> unit_currencies(Database& db, const std::string& payer,
                                                            Period period, Day from, Day to);
// Every currency of the cost rollup, canonical and sorted.
std::vector<std::string> store_currencies(Database& db);

// The refusal of a selection in more than one currency, an Error(usage). It keeps the holdings
// for a caller that offers a choice per currency (the dashboard links one per currency).
class MixedCurrencies : public Error {
  public:
    // `choose` is how the caller's user picks one: "--currency " or "currency=".
    MixedCurrencies(std::vector<CurrencyHolding> holdings, const std::string& choose);
    const std::vector<CurrencyHolding>& holdings() const { return holdings_; }

  private:
    std::vector<CurrencyHolding> holdings_;
};

// "the selection holds amounts in 2 currencies, which are never added together: EUR (payer
// 222222222222), USD (payer 111111111111); choose one with --currency EUR or --currency USD".
std::string mixed_currencies_message(const std::vector<CurrencyHolding>& holdings,
                                     const std::string& choose);

// Error(usage) naming `option` when the store's cost rollup has no row in `currency` (a
// mistyped code would otherwise show as "no data").
void require_currency_in_store(Database& db, const std::string& currency,
                               const std::string& option);

// The currency of the figures of `q`: q.currency when it is set (checked with
// require_currency_in_store); else the one currency of the rows q selects; else (no rows) the
// store's only currency, or USD. Throws MixedCurrencies (`choose` as there) when the rows hold
// more than one.
std::string choose_currency(Database& db, const Query& q, const std::string& option,
                            const std::string& choose);

// The same choice from holdings already read (the dashboard reads them from its cube).
std::string choose_from(Database& db, const std::vector<CurrencyHolding>& holdings,
                        const std::string& choose);

}  // namespace curcrunch::store
