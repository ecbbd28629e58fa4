#include "curcrunch/store/currency_scope.hpp"

#include <map>
#include <set>

#include "curcrunch/core/shown_text.hpp"
#include "query_parts.hpp"

namespace curcrunch::store {
namespace {

// At most this many payers are named per currency in a message; the rest are counted.
constexpr size_t kCurrencyPayersNamed = 5;

std::string payers_text(const std::vector<std::string>& payers) {
    std::string o = payers.size() == 1 ? "payer " : "payers ";
    for (size_t i = 0; i < payers.size() && i < kCurrencyPayersNamed; ++i)
        o += (i ? ", " : "") + shown_text(payers[i].empty() ? "(none)" : payers[i], 80);
    if (payers.size() > kCurrencyPayersNamed)
        o += " and " + std::to_string(payers.size() - kCurrencyPayersNamed) + " more";
    return o;
}

}  // namespace

std::string canonical_currency(std::string_view stored) {
    return stored.empty() ? std::string(kDefaultCurrency) : std::string(stored);
}

std::string parse_currency_code(const std::string& option, const std::string& text) {
    std::string code;
    for (char c : text) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c < 'A' || c > 'Z') {
            code.clear();
            break;
        }
        code += c;
    }
    if (code.size() != 3)
        throw_usage(option + ": expected a three-letter currency code such as USD or EUR; got '" +
                    shown_text(text, 40) + "'");
    return code;
}

std::vector<CurrencyHolding> currencies_in(Database& db, const Query& q) {
    Query all = q;
    all.currency.clear();
    auto st = db.prepare(
        "SELECT c.value, p.value FROM (SELECT DISTINCT currency, payer_account FROM cost_daily "
        "WHERE 1=1" +
        query_parts::filter_sql(all, false) +
        ") AS s JOIN dim c ON c.id = s.currency JOIN dim p ON p.id = s.payer_account");
    query_parts::bind_filter(st, all, 1, false);
    std::map<std::string, std::set<std::string>> by_code;
    while (st.step())
        by_code[canonical_currency(st.column_text(0))].insert(st.column_text(1));
    std::vector<CurrencyHolding> out;
    for (auto& [code, payers] : by_code)
        out.push_back({code, std::vector<std::string>(payers.begin(), payers.end())});
    return out;
}

std::vector<std::pair<std::string, Amount>> unit_currencies(Database& db, const std::string& payer,
                                                            Period period, Day from, Day to) {
    auto st = db.prepare(
        "SELECT d.value, money_sum(c.unblended) FROM cost_daily c JOIN dim d ON d.id = "
        "c.currency WHERE c.day BETWEEN ? AND ? AND c.payer_account IN (SELECT id FROM dim WHERE "
        "value = ?) AND c.period = ? GROUP BY c.currency");
    st.bind(1, static_cast<int64_t>(to_yyyymmdd(from)));
    st.bind(2, static_cast<int64_t>(to_yyyymmdd(to)));
    st.bind(3, payer);
    st.bind(4, static_cast<int64_t>(period));
    std::map<std::string, Amount> by_code;
    while (st.step())
        by_code[canonical_currency(st.column_text(0))] += st.column_amount(1);
    return {by_code.begin(), by_code.end()};
}

std::vector<std::string> store_currencies(Database& db) {
    std::set<std::string> codes;
    auto st =
        db.prepare("SELECT value FROM dim WHERE id IN (SELECT DISTINCT currency FROM cost_daily)");
    while (st.step())
        codes.insert(canonical_currency(st.column_text(0)));
    return std::vector<std::string>(codes.begin(), codes.end());
}

std::string mixed_currencies_message(const std::vector<CurrencyHolding>& holdings,
                                     const std::string& choose) {
    std::string held, options;
    for (size_t i = 0; i < holdings.size(); ++i) {
        const CurrencyHolding& h = holdings[i];
        held += (i ? ", " : "") + h.currency + " (" + payers_text(h.payers) + ")";
        options += std::string(i == 0                     ? ""
                               : i + 1 == holdings.size() ? " or "
                                                          : ", ") +
                   choose + h.currency;
    }
    return "the selection holds amounts in " + std::to_string(holdings.size()) +
           " currencies, which are never added together: " + held + "; choose one with " + options;
}

MixedCurrencies::MixedCurrencies(std::vector<CurrencyHolding> holdings, const std::string& choose)
    : Error(ErrorKind::usage, mixed_currencies_message(holdings, choose)),
      holdings_(std::move(holdings)) {}

void require_currency_in_store(Database& db, const std::string& currency,
                               const std::string& option) {
    // Stops at the first row in it; only a refusal reads every row, to list what there is.
    auto st = db.prepare(
        "SELECT 1 FROM cost_daily WHERE currency IN (SELECT id FROM dim WHERE value IN (?, ?)) "
        "LIMIT 1");
    st.bind(1, currency);
    st.bind(2, currency == kDefaultCurrency ? std::string() : currency);
    if (st.step()) return;
    const std::vector<std::string> held = store_currencies(db);
    for (const std::string& c : held)
        if (c == currency) return;
    std::string list;
    for (const std::string& c : held)
        list += (list.empty() ? "" : ", ") + c;
    throw_usage(option + ": no amounts in " + currency + " in the store" +
                (held.empty() ? std::string(" (it holds no cost data)")
                              : " (its currencies: " + list + ")"));
}

std::string choose_from(Database& db, const std::vector<CurrencyHolding>& holdings,
                        const std::string& choose) {
    if (holdings.size() > 1) throw MixedCurrencies(holdings, choose);
    if (holdings.size() == 1) return holdings.front().currency;
    // Nothing selected: the figures are zeros, in the store's currency when it has one.
    const std::vector<std::string> held = store_currencies(db);
    return held.size() == 1 ? held.front() : std::string(kDefaultCurrency);
}

std::string choose_currency(Database& db, const Query& q, const std::string& option,
                            const std::string& choose) {
    if (!q.currency.empty()) {
        require_currency_in_store(db, q.currency, option);
        return q.currency;
    }
    return choose_from(db, currencies_in(db, q), choose);
}

}  // namespace curcrunch::store
