#include "curcrunch/store/ce_query.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "curcrunch/core/error.hpp"

namespace curcrunch::store {
namespace {

const char* key_sql(CeDimension d) {
    switch (d) {
        case CeDimension::none:
            return "''";
        case CeDimension::service:
            return "c.service";
        case CeDimension::account:
            return "c.account";
        case CeDimension::profile:
            return "c.payer_profile";
    }
    return "''";
}

// "col IN (?,?,...)"; every value is bound, never spliced into the SQL.
std::string in_list(const char* col, size_t n) {
    std::string s = std::string(col) + " IN (";
    for (size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s + ")";
}

// Sums of amounts AWS sent: checked, as nothing bounds how many cells a store holds.
void add_to(Amount& sum, Amount v) {
    if (__builtin_add_overflow(sum, v, &sum))
        throw_store("Cost Explorer amounts sum beyond what an exact amount holds (1.7e28)");
}

bool has_ce_table(Database& db) {
    auto st =
        db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='ce_cost'");
    return st.step() && st.column_int(0) > 0;
}

const char* series_of(Grain g) {
    return g == Grain::day || g == Grain::week ? "DAILY" : "MONTHLY";
}

void sort_rows(std::vector<CeResultRow>& rows, SortOrder order) {
    auto by_cost = [](const CeResultRow& a, const CeResultRow& b) {
        return a.amount != b.amount ? a.amount > b.amount
                                    : std::tie(a.key, a.unit) < std::tie(b.key, b.unit);
    };
    switch (order) {
        case SortOrder::time_then_cost:
            std::sort(rows.begin(), rows.end(), [&](const CeResultRow& a, const CeResultRow& b) {
                return a.bucket != b.bucket ? a.bucket < b.bucket : by_cost(a, b);
            });
            break;
        case SortOrder::cost_desc:
            std::sort(rows.begin(), rows.end(), by_cost);
            break;
        case SortOrder::key_asc:
            std::sort(rows.begin(), rows.end(), [](const CeResultRow& a, const CeResultRow& b) {
                return std::tie(a.key, a.bucket, a.unit) < std::tie(b.key, b.bucket, b.unit);
            });
            break;
    }
}

}  // namespace

CeResult run_ce_query(Database& db, const CeQuery& q) {
    CeResult result;
    if (!has_ce_table(db)) return result;  // a store from before fetch existed (schema v1)
    const char* series = series_of(q.grain);
    {
        auto any = db.prepare("SELECT count(*) FROM ce_cost WHERE granularity = ?");
        any.bind(1, std::string_view(series));
        result.fetched = any.step() && any.column_int(0) > 0;
    }
    // Account names come from Organizations (the account table, also schema v2).
    std::string sql = std::string("SELECT ") + bucket_sql(q.grain) + " AS b, " + key_sql(q.by) +
                      " AS k, c.unit, money_sum(c.amount), max(c.estimated), count(*), "
                      "max(coalesce(a.name, '')) FROM (SELECT *, start_day AS day FROM ce_cost) c "
                      "LEFT JOIN account a ON a.id = c.account WHERE c.granularity = ?";
    if (q.from) sql += " AND c.start_day >= ?";
    if (q.to) sql += " AND c.start_day <= ?";
    if (!q.accounts.empty()) sql += " AND " + in_list("c.account", q.accounts.size());
    if (!q.services.empty()) sql += " AND " + in_list("c.service", q.services.size());
    if (!q.profiles.empty()) sql += " AND " + in_list("c.payer_profile", q.profiles.size());
    sql += " GROUP BY b, k, c.unit";

    auto st = db.prepare(sql);
    int i = 1;
    st.bind(i++, std::string_view(series));
    if (q.from) st.bind(i++, static_cast<int64_t>(to_yyyymmdd(*q.from)));
    if (q.to) st.bind(i++, static_cast<int64_t>(to_yyyymmdd(*q.to)));
    for (const auto* list : {&q.accounts, &q.services, &q.profiles})
        for (const auto& v : *list)
            st.bind(i++, v);

    // Weeks span several SQL day groups: fold by bucket label.
    std::map<std::tuple<std::string, std::string, std::string>, CeResultRow> folded;
    while (st.step()) {
        const std::string bucket = bucket_text(q.grain, st.column_int(0));
        CeResultRow& r = folded[{bucket, st.column_text(1), st.column_text(2)}];
        r.bucket = bucket;
        r.key = st.column_text(1);
        r.unit = st.column_text(2);
        add_to(r.amount, st.column_amount(3));
        r.estimated = r.estimated || st.column_int(4) != 0;
        r.rows += st.column_int(5);
        if (q.by == CeDimension::account) r.label = st.column_text(6);
    }
    // The threshold and the limit hide rows, never money: the totals cover every matching row,
    // and the hidden ones are summed per bucket and unit, and as one "other" per unit.
    std::map<std::string, Amount> totals;
    std::map<std::pair<std::string, std::string>, CeResultRow> below;
    std::map<std::pair<std::string, std::string>, size_t> below_n;
    for (auto& [_, r] : folded) {
        if (r.label.empty()) r.label = r.key;
        add_to(totals[r.unit], r.amount);
        ++result.matching;
        if (q.min_cost && r.amount < *q.min_cost && -r.amount < *q.min_cost) {
            CeResultRow& b = below[{r.bucket, r.unit}];
            b.bucket = r.bucket;
            b.unit = r.unit;
            b.key = "(below threshold)";
            add_to(b.amount, r.amount);
            b.estimated = b.estimated || r.estimated;
            b.rows += r.rows;
            ++below_n[{r.bucket, r.unit}];
            continue;
        }
        result.rows.push_back(std::move(r));
    }
    for (auto& [k, b] : below) {
        b.label = "Below threshold (" + std::to_string(below_n[k]) + ")";
        result.below.push_back(std::move(b));
    }
    result.totals.assign(totals.begin(), totals.end());
    sort_rows(result.rows, q.sort);
    if (q.limit && result.rows.size() > q.limit) {
        std::map<std::string, CeResultRow> other;
        for (size_t k = q.limit; k < result.rows.size(); ++k) {
            const CeResultRow& r = result.rows[k];
            CeResultRow& o = other[r.unit];
            o.unit = r.unit;
            o.key = "(other)";
            add_to(o.amount, r.amount);
            o.estimated = o.estimated || r.estimated;
            o.rows += r.rows;
        }
        const size_t n = result.rows.size() - q.limit;
        for (auto& [_, o] : other) {
            o.label = "Other (" + std::to_string(n) + ")";
            result.other.push_back(std::move(o));
        }
        result.rows.resize(q.limit);
    }
    return result;
}

const char* ce_dimension_name(CeDimension d) {
    switch (d) {
        case CeDimension::none:
            return "none";
        case CeDimension::service:
            return "service";
        case CeDimension::account:
            return "account";
        case CeDimension::profile:
            return "profile";
    }
    return "?";
}

std::optional<CeDimension> parse_ce_dimension(const std::string& s) {
    for (CeDimension d :
         {CeDimension::none, CeDimension::service, CeDimension::account, CeDimension::profile})
        if (s == ce_dimension_name(d)) return d;
    return std::nullopt;
}

}  // namespace curcrunch::store
