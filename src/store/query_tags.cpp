#include "curcrunch/store/query_tags.hpp"

#include <map>
#include <set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/store/dim_names.hpp"
#include "query_parts.hpp"

namespace curcrunch::store {
namespace {

bool all_zero(const ResultRow& r) {
    return r.unblended == 0 && r.net_unblended == 0 && r.amortized == 0 && r.net_amortized == 0 &&
           r.blended == 0 && r.public_on_demand == 0 && r.usage == 0 && r.rows == 0;
}

}  // namespace

std::string stored_tag_key(Dimension kind, const std::string& key) {
    return kind == Dimension::category ? kCategoryKeyPrefix + key : key;
}

std::vector<ResultRow> run_tag_query(Database& db, const Query& q) {
    const std::string what = q.by == Dimension::category ? "cost category" : "tag";
    if (q.tag_key.empty())
        throw_usage("grouping by " + what + " needs a key (" + dimension_name(q.by) + ":KEY)");
    // An untagged row computed with a filter one side cannot apply would be a wrong number.
    if (!q.regions.empty())
        throw_usage("a region filter cannot be combined with grouping by " + what + " '" +
                    q.tag_key + "': the tag rollup keeps no region");
    const std::string key = stored_tag_key(q.by, q.tag_key);
    const std::string bucket = bucket_sql(q.grain);

    auto tagged =
        db.prepare("SELECT " + bucket + " AS b, tag_value AS k, 0, " + query_parts::kMeasureSums +
                   " FROM tag_daily WHERE tag_key IN (SELECT id FROM dim WHERE value = ?)" +
                   query_parts::filter_sql(q, true) + " GROUP BY b, k");
    tagged.bind(1, key);
    query_parts::bind_filter(tagged, q, 2, true);
    // Weeks span several SQL day groups: fold by bucket text.
    std::map<std::pair<std::string, int64_t>, ResultRow> values;
    std::map<std::string, ResultRow> tagged_sum, totals;
    while (tagged.step()) {
        const std::string b = bucket_text(q.grain, tagged.column_int(0));
        query_parts::add_measures(values[{b, tagged.column_int(1)}], tagged, 3);
        query_parts::add_measures(tagged_sum[b], tagged, 3);
    }
    // The cost rollup holds every row the tag rollup does: its currencies are the query's.
    auto all = db.prepare("SELECT " + bucket + " AS b, 0, 0, " + query_parts::kMeasureSums + ", " +
                          query_parts::kCurrencyIds + " FROM cost_daily WHERE 1=1" +
                          query_parts::filter_sql(q, false) + " GROUP BY b");
    query_parts::bind_filter(all, q, 1, false);
    query_parts::CurrencyIds currencies;
    while (all.step()) {
        query_parts::add_measures(totals[bucket_text(q.grain, all.column_int(0))], all, 3);
        currencies.add(all, 11);
    }
    const std::string currency = query_parts::currency_of(db, q, currencies);

    std::vector<ResultRow> rows;
    DimNames names(db);
    for (auto& [k, r] : values) {
        r.bucket = k.first;
        r.key = r.label = names(k.second);
        r.currency = currency;
        rows.push_back(std::move(r));
    }
    std::set<std::string> buckets;
    for (const auto& [b, r] : totals)
        buckets.insert(b);
    for (const auto& [b, r] : tagged_sum)
        buckets.insert(b);
    for (const std::string& b : buckets) {
        ResultRow u = totals[b];
        query_parts::subtract(u, tagged_sum[b]);
        if (all_zero(u)) continue;
        u.bucket = b;
        u.key.clear();
        u.label = kUntaggedLabel;
        u.currency = currency;
        rows.push_back(std::move(u));
    }
    return query_parts::finish(std::move(rows), q);
}

std::vector<TagKey> tag_keys(Database& db) {
    auto st = db.prepare(
        "SELECT value FROM dim WHERE id IN (SELECT DISTINCT tag_key FROM tag_daily) ORDER BY "
        "value");
    std::vector<TagKey> tags, categories;
    const std::string prefix = kCategoryKeyPrefix;
    while (st.step()) {
        std::string v = st.column_text(0);
        if (v.rfind(prefix, 0) == 0)
            categories.push_back({Dimension::category, v.substr(prefix.size())});
        else
            tags.push_back({Dimension::tag, std::move(v)});
    }
    tags.insert(tags.end(), categories.begin(), categories.end());
    return tags;
}

std::vector<std::string> tag_values(Database& db, Dimension kind, const std::string& key) {
    auto st = db.prepare(
        "SELECT value FROM dim WHERE id IN (SELECT DISTINCT tag_value FROM tag_daily WHERE "
        "tag_key IN (SELECT id FROM dim WHERE value = ?)) ORDER BY value");
    st.bind(1, stored_tag_key(kind, key));
    std::vector<std::string> out;
    while (st.step())
        out.push_back(st.column_text(0));
    return out;
}

}  // namespace curcrunch::store
