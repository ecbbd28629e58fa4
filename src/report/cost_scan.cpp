#include "curcrunch/report/cost_scan.hpp"

#include "curcrunch/store/currency_scope.hpp"

namespace curcrunch::report {
std::string sql_placeholders(size_t n) {
    std::string s = "(";
    for (size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s + ")";
}

std::string currency_sql(const std::string& currency) {
    return currency.empty() ? "" : " AND currency IN (SELECT id FROM dim WHERE value IN (?,?))";
}

int bind_currency(store::Statement& st, int i, const std::string& currency) {
    if (currency.empty()) return i;
    st.bind(i++, currency);
    st.bind(i++, currency == store::kDefaultCurrency ? std::string() : currency);
    return i;
}

bool range_holds_most_rows(store::Database& db, Day from, Day to) {
    // billing_period counts each period's rows; a period overlapping the range counts whole,
    // which errs towards the table scan only for ranges that cut periods, where both plans
    // read about the same pages.
    auto st = db.prepare(
        "SELECT coalesce(sum(CASE WHEN max_day >= ? AND min_day <= ? THEN rows ELSE 0 END), 0), "
        "coalesce(sum(rows), 0) FROM billing_period");
    st.bind(1, static_cast<int64_t>(to_yyyymmdd(from)));
    st.bind(2, static_cast<int64_t>(to_yyyymmdd(to)));
    if (!st.step()) return false;
    const int64_t inside = st.column_int(0), all = st.column_int(1);
    return all > 0 && inside * 2 >= all;
}

void scan_costs(store::Database& db, Day from, Day to, const ScanFilter& filter,
                const std::function<void(const CostRow&)>& on_row) {
    const auto& accounts = filter.accounts;
    const auto& services = filter.services;
    const auto& regions = filter.regions;
    const auto& payers = filter.payers;
    std::string sql =
        "SELECT day, usage_account, product_code, product_name, usage_type, pricing_term, "
        "line_item_type, unblended, amortized, tagged_unblended, row_count, payer_account, "
        "usage_amount, " +
        std::string(store::measure_column(filter.measure)) + " FROM cost_daily " +
        std::string(range_holds_most_rows(db, from, to) ? "NOT INDEXED " : "") +
        "WHERE day BETWEEN ? AND ?";
    if (!accounts.empty())
        sql += " AND usage_account IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(accounts.size()) + ")";
    if (!services.empty())
        sql += " AND (product_code IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(services.size()) +
               ") OR product_name IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(services.size()) + "))";
    if (!regions.empty())
        sql += " AND region IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(regions.size()) + ")";
    if (!payers.empty())
        sql += " AND payer_account IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(payers.size()) + ")";
    sql += currency_sql(filter.currency);
    auto st = db.prepare(sql);
    int i = 1;
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(from)));
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(to)));
    for (const auto& a : accounts)
        st.bind(i++, a);
    for (int k = 0; k < 2; ++k)
        for (const auto& s : services)
            st.bind(i++, s);
    for (const auto& r : regions)
        st.bind(i++, r);
    for (const auto& p : payers)
        st.bind(i++, p);
    bind_currency(st, i, filter.currency);
    // Days arrive as yyyymmdd; converted once per distinct value.
    std::map<int64_t, Day> days;
    CostRow r{};
    while (st.step()) {
        const int64_t ymd = st.column_int(0);
        auto it = days.find(ymd);
        if (it == days.end())
            it = days.emplace(ymd, days_from_civil(static_cast<int>(ymd / 10000),
                                                   static_cast<unsigned>(ymd / 100 % 100),
                                                   static_cast<unsigned>(ymd % 100)))
                     .first;
        r.day = it->second;
        r.account = st.column_int(1);
        r.product_code = st.column_int(2);
        r.product_name = st.column_int(3);
        r.usage_type = st.column_int(4);
        r.pricing_term = st.column_int(5);
        r.line_item_type = st.column_int(6);
        r.unblended = st.column_amount(7);
        r.amortized = st.column_amount(8);
        r.tagged = st.column_amount(9);
        r.rows = st.column_int(10);
        r.payer = st.column_int(11);
        r.usage = st.column_amount(12);
        r.cost = st.column_amount(13);
        on_row(r);
    }
}

}  // namespace curcrunch::report
