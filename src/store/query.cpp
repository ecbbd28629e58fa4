#include "curcrunch/store/query.hpp"

#include "curcrunch/store/account_directory.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/dim_names.hpp"
#include "query_parts.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace curcrunch::store {
// SQL for the time bucket of a yyyymmdd day. Weeks are folded in C++ from days.
const char* bucket_sql(Grain g) {
    switch (g) {
        case Grain::total:
            return "0";
        case Grain::day:
            return "day";
        case Grain::week:
            return "day";
        case Grain::month:
            return "day / 100";
        case Grain::year:
            return "day / 10000";
    }
    return "0";
}

std::string bucket_text(Grain g, int64_t v) {
    char buf[16];
    switch (g) {
        case Grain::total:
            return "";
        case Grain::day:
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(v / 10000),
                          static_cast<int>(v / 100 % 100), static_cast<int>(v % 100));
            return buf;
        case Grain::week: {
            Day d = from_yyyymmdd(static_cast<int32_t>(v));
            int weekday = ((d % 7) + 10) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
            return format_day(d - weekday);
        }
        case Grain::month:
            return format_period(static_cast<Period>(v));
        case Grain::year:
            return std::to_string(v);
    }
    return "";
}

namespace {

const char* key_sql(Dimension d) {
    switch (d) {
        case Dimension::none:
            return "0";
        case Dimension::service:
            return "product_code";
        case Dimension::account:
            return "usage_account";
        case Dimension::payer:
            return "payer_account";
        case Dimension::region:
            return "region";
        case Dimension::usage_type:
            return "usage_type";
        case Dimension::line_item_type:
            return "line_item_type";
        case Dimension::operation:
            return "operation";
        case Dimension::tag:
        case Dimension::category:
            break;  // the tag rollup (query_tags.cpp)
    }
    return "0";
}

}  // namespace

Amount ResultRow::measure(Measure m) const {
    switch (m) {
        case Measure::unblended:
            return unblended;
        case Measure::net_unblended:
            return net_unblended;
        case Measure::amortized:
            return amortized;
        case Measure::net_amortized:
            return net_amortized;
        case Measure::blended:
            return blended;
        case Measure::public_on_demand:
            return public_on_demand;
        case Measure::usage:
            return usage;
    }
    return unblended;
}

const std::vector<std::string>& preset_names() {
    static const std::vector<std::string> names = {
        "last-7-days", "last-30-days", "month-to-date", "last-12-months", "year", "last-year"};
    return names;
}

std::optional<DateRange> resolve_preset(const std::string& name, Day today) {
    if (name == "last-7-days") return DateRange{today - 6, today};
    if (name == "last-30-days") return DateRange{today - 29, today};
    if (name == "month-to-date") return DateRange{first_day(period_of(today)), today};
    if (name == "last-12-months")
        return DateRange{first_day(add_months(period_of(today), -11)), today};
    if (name == "year") return DateRange{days_from_civil(civil_from_days(today).year, 1, 1), today};
    if (name == "last-year") {
        const int y = civil_from_days(today).year - 1;
        return DateRange{days_from_civil(y, 1, 1), days_from_civil(y, 12, 31)};
    }
    return std::nullopt;
}

namespace query_parts {
namespace {

std::string placeholders(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s;
}

// "col IN (ids of these strings)"; every value is bound, never spliced into the SQL.
std::string dim_in(const char* col, size_t n) {
    return std::string(col) + " IN (SELECT id FROM dim WHERE value IN (" + placeholders(n) + "))";
}

}  // namespace

std::string filter_sql(const Query& q, bool tag_rollup) {
    std::string sql;
    if (q.from) sql += " AND day >= ?";
    if (q.to) sql += " AND day <= ?";
    if (!q.accounts.empty()) sql += " AND " + dim_in("usage_account", q.accounts.size());
    if (!q.services.empty()) {
        const size_t n = q.services.size();
        sql += " AND (" + dim_in("product_code", n) + " OR ";
        sql += tag_rollup ? "product_code IN (SELECT DISTINCT product_code FROM cost_daily WHERE " +
                                dim_in("product_name", n) + "))"
                          : dim_in("product_name", n) + ")";
    }
    if (!q.regions.empty()) sql += " AND " + dim_in("region", q.regions.size());
    if (!q.payers.empty()) sql += " AND " + dim_in("payer_account", q.payers.size());
    // Two values: the code, and "" for USD (rows of an export without a currency column).
    if (!q.currency.empty()) sql += " AND " + dim_in("currency", 2);
    return sql;
}

int bind_filter(Statement& st, const Query& q, int i, bool) {
    if (q.from) st.bind(i++, static_cast<int64_t>(to_yyyymmdd(*q.from)));
    if (q.to) st.bind(i++, static_cast<int64_t>(to_yyyymmdd(*q.to)));
    for (const auto& a : q.accounts)
        st.bind(i++, a);
    for (int twice = 0; twice < 2; ++twice)
        for (const auto& s : q.services)
            st.bind(i++, s);
    for (const auto& r : q.regions)
        st.bind(i++, r);
    for (const auto& p : q.payers)
        st.bind(i++, p);
    if (!q.currency.empty()) {
        st.bind(i++, q.currency);
        st.bind(i++, q.currency == kDefaultCurrency ? std::string() : q.currency);
    }
    return i;
}

void add_measures(ResultRow& r, const Statement& st, int first) {
    r.unblended += st.column_amount(first);
    r.net_unblended += st.column_amount(first + 1);
    r.amortized += st.column_amount(first + 2);
    r.blended += st.column_amount(first + 3);
    r.public_on_demand += st.column_amount(first + 4);
    r.usage += st.column_amount(first + 5);
    r.rows += st.column_int(first + 6);
    r.net_amortized += st.column_amount(first + 7);
}

std::string currency_of(Database& db, const Query& q, const CurrencyIds& seen) {
    if (!q.currency.empty()) return q.currency;
    if (seen.ids.empty() || q.any_currency) return "";
    DimNames names(db);
    std::set<std::string> codes;
    for (int64_t id : seen.ids)
        codes.insert(canonical_currency(names(id)));
    if (codes.size() == 1) return *codes.begin();
    // Only now the payers behind each currency, for the message.
    throw MixedCurrencies(currencies_in(db, q), "--currency ");
}

void subtract(ResultRow& r, const ResultRow& x) {
    r.unblended -= x.unblended;
    r.net_unblended -= x.net_unblended;
    r.amortized -= x.amortized;
    r.net_amortized -= x.net_amortized;
    r.blended -= x.blended;
    r.public_on_demand -= x.public_on_demand;
    r.usage -= x.usage;
    r.rows -= x.rows;
}

std::vector<ResultRow> finish(std::vector<ResultRow> all, const Query& q) {
    std::vector<ResultRow> rows;
    rows.reserve(all.size());
    for (ResultRow& r : all)
        if (!q.min_cost || r.measure(q.measure) >= *q.min_cost) rows.push_back(std::move(r));
    const Measure m = q.measure;
    auto by_cost = [m](const ResultRow& a, const ResultRow& b) {
        Amount x = a.measure(m), y = b.measure(m);
        return x != y ? x > y : a.key < b.key;
    };
    switch (q.sort) {
        case SortOrder::time_then_cost:
            std::sort(rows.begin(), rows.end(), [&](const ResultRow& a, const ResultRow& b) {
                return a.bucket != b.bucket ? a.bucket < b.bucket : by_cost(a, b);
            });
            break;
        case SortOrder::cost_desc:
            std::sort(rows.begin(), rows.end(), by_cost);
            break;
        case SortOrder::key_asc:
            std::sort(rows.begin(), rows.end(), [](const ResultRow& a, const ResultRow& b) {
                return a.key != b.key ? a.key < b.key : a.bucket < b.bucket;
            });
            break;
    }
    if (q.limit && rows.size() > q.limit) rows.resize(q.limit);
    return rows;
}

}  // namespace query_parts

std::vector<ResultRow> run_tag_query(Database& db, const Query& q);  // query_tags.cpp

std::vector<ResultRow> run_query(Database& db, const Query& q) {
    if (q.by == Dimension::tag || q.by == Dimension::category) return run_tag_query(db, q);
    // Every user value is bound as a parameter; only fixed SQL fragments are concatenated.
    std::string sql = std::string("SELECT ") + bucket_sql(q.grain) + " AS b, " + key_sql(q.by) +
                      " AS k, max(product_name), " + query_parts::kMeasureSums + ", " +
                      query_parts::kCurrencyIds + " FROM cost_daily WHERE 1=1" +
                      query_parts::filter_sql(q, false) + " GROUP BY b, k";
    auto st = db.prepare(sql);
    query_parts::bind_filter(st, q, 1, false);

    // Fold SQL groups into result rows (weeks span several SQL day groups).
    DimNames names(db);
    std::map<std::pair<std::string, int64_t>, ResultRow> folded;
    std::map<std::pair<std::string, int64_t>, int64_t> label_id;
    query_parts::CurrencyIds currencies;
    while (st.step()) {
        currencies.add(st, 11);
        const std::string bucket = bucket_text(q.grain, st.column_int(0));
        const int64_t key = q.by == Dimension::none ? 0 : st.column_int(1);
        ResultRow& r = folded[{bucket, key}];
        r.bucket = bucket;
        query_parts::add_measures(r, st, 3);
        int64_t& lid = label_id[{bucket, key}];
        lid = std::max(lid, st.column_int(2));
    }
    const std::string currency = query_parts::currency_of(db, q, currencies);
    std::vector<ResultRow> rows;
    rows.reserve(folded.size());
    const bool accounts = q.by == Dimension::account || q.by == Dimension::payer;
    const AccountDirectory directory =
        accounts ? AccountDirectory::load(db, false) : AccountDirectory();
    for (auto& [k, r] : folded) {
        if (q.by != Dimension::none) {
            r.key = names(k.second);
            r.label = q.by == Dimension::service ? names(label_id[k]) : r.key;
            // "Prod web (123456789012)": an account is named with its id everywhere.
            if (accounts) r.label = directory.label(r.key);
            if (r.label.empty()) r.label = r.key;
        }
        r.currency = currency;
        rows.push_back(std::move(r));
    }
    return query_parts::finish(std::move(rows), q);
}

const char* grain_name(Grain g) {
    switch (g) {
        case Grain::total:
            return "total";
        case Grain::day:
            return "day";
        case Grain::week:
            return "week";
        case Grain::month:
            return "month";
        case Grain::year:
            return "year";
    }
    return "?";
}

const char* dimension_name(Dimension d) {
    switch (d) {
        case Dimension::none:
            return "none";
        case Dimension::service:
            return "service";
        case Dimension::account:
            return "account";
        case Dimension::payer:
            return "payer";
        case Dimension::region:
            return "region";
        case Dimension::usage_type:
            return "usage-type";
        case Dimension::line_item_type:
            return "line-item-type";
        case Dimension::operation:
            return "operation";
        case Dimension::tag:
            return "tag";
        case Dimension::category:
            return "category";
    }
    return "?";
}

const char* measure_name(Measure m) {
    switch (m) {
        case Measure::unblended:
            return "unblended";
        case Measure::net_unblended:
            return "net";
        case Measure::amortized:
            return "amortized";
        case Measure::net_amortized:
            return "net-amortized";
        case Measure::blended:
            return "blended";
        case Measure::public_on_demand:
            return "on-demand";
        case Measure::usage:
            return "usage";
    }
    return "?";
}

const char* measure_column(Measure m) {
    switch (m) {
        case Measure::unblended:
            return "unblended";
        case Measure::net_unblended:
            return "net_unblended";
        case Measure::amortized:
            return "amortized";
        case Measure::net_amortized:
            return "net_amortized";
        case Measure::blended:
            return "blended";
        case Measure::public_on_demand:
            return "public_on_demand";
        case Measure::usage:
            return "usage_amount";
    }
    return "unblended";
}

std::optional<Grain> parse_grain(const std::string& s) {
    for (Grain g : {Grain::total, Grain::day, Grain::week, Grain::month, Grain::year})
        if (s == grain_name(g)) return g;
    return std::nullopt;
}

std::optional<Dimension> parse_dimension(const std::string& s) {
    for (Dimension d : {Dimension::none, Dimension::service, Dimension::account, Dimension::payer,
                        Dimension::region, Dimension::usage_type, Dimension::line_item_type,
                        Dimension::operation})
        if (s == dimension_name(d)) return d;
    return std::nullopt;
}

std::optional<Grouping> parse_grouping(const std::string& s) {
    for (Dimension d : {Dimension::tag, Dimension::category}) {
        const std::string prefix = std::string(dimension_name(d)) + ":";
        if (s.rfind(prefix, 0) == 0) return Grouping{d, s.substr(prefix.size())};
    }
    if (const auto d = parse_dimension(s)) return Grouping{*d, ""};
    return std::nullopt;
}

std::string grouping_name(Dimension by, const std::string& key) {
    if (by == Dimension::tag || by == Dimension::category)
        return std::string(dimension_name(by)) + ":" + key;
    return dimension_name(by);
}

std::optional<Measure> parse_measure(const std::string& s) {
    for (Measure m :
         {Measure::unblended, Measure::net_unblended, Measure::amortized, Measure::net_amortized,
          Measure::blended, Measure::public_on_demand, Measure::usage})
        if (s == measure_name(m)) return m;
    return std::nullopt;
}

}  // namespace curcrunch::store
