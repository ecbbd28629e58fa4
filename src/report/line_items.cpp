// Line items: the line-item rollup grouped by (service, usage type, description, unit) over a
// view, every group, largest cost first; the cost is the view's measure (every measure is in
// the rollup since schema 6). Tables cut it (tie_out.hpp); the groups not printed
// are summed, never dropped.
#include <algorithm>
#include <array>
#include <unordered_map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/cost_scan.hpp"
#include "curcrunch/report/report_data.hpp"

namespace curcrunch::report {
namespace {

using GroupKey = std::array<int64_t, 4>;  // product code, usage type, description, unit
struct GroupSums {
    Amount cost = 0, quantity = 0;
};
struct KeyHash {
    size_t operator()(const GroupKey& k) const {
        uint64_t h = 1469598103934665603ull;
        for (int64_t v : k)
            h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ull;
        return static_cast<size_t>(h);
    }
};
// A hash map beats SQLite's sorter for GROUP BY on four columns; names are looked up once per
// group.
using Groups = std::unordered_map<GroupKey, GroupSums, KeyHash>;

void groups_from_sql(store::Database& db, const ReportParams& p, Groups& groups) {
    std::string sql = "SELECT product_code, usage_type, description, unit, " +
                      std::string(store::measure_column(p.measure)) +
                      ", usage_amount FROM line_item_daily " +
                      std::string(range_holds_most_rows(db, p.from, p.to) ? "NOT INDEXED " : "") +
                      "WHERE day BETWEEN ? AND ?";
    if (!p.accounts.empty())
        sql += " AND usage_account IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(p.accounts.size()) + ")";
    if (!p.services.empty())
        sql += " AND product_code IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(p.services.size()) + ")";
    if (!p.payers.empty())
        sql += " AND payer_account IN (SELECT id FROM dim WHERE value IN " +
               sql_placeholders(p.payers.size()) + ")";
    const std::string currency = scan_filter(p).currency;
    sql += currency_sql(currency);
    auto st = db.prepare(sql);
    int i = 1;
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.from)));
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.to)));
    for (const auto& a : p.accounts)
        st.bind(i++, a);
    for (const auto& s : p.services)
        st.bind(i++, s);
    for (const auto& y : p.payers)
        st.bind(i++, y);
    bind_currency(st, i, currency);
    while (st.step()) {
        GroupSums& g =
            groups[{st.column_int(0), st.column_int(1), st.column_int(2), st.column_int(3)}];
        g.cost += st.column_amount(4);
        g.quantity += st.column_amount(5);
    }
}

}  // namespace

LineItems line_items(store::Database& db, const ReportParams& p, const CostCube* cube) {
    // Every region's line items under a region filter would contradict the region's total.
    if (!p.regions.empty()) throw_usage(kLineItemsRegionRefused);
    Groups groups;
    if (cube) {
        const CostCube::IdFilter ids = cube->resolve(db, scan_filter(p));
        cube->scan_lines(p.from, p.to, ids, [&](const LineRow& r) {
            GroupSums& g = groups[{r.product_code, r.usage_type, r.description, r.unit}];
            g.cost += r.cost;
            g.quantity += r.usage;
        });
    } else {
        groups_from_sql(db, p, groups);
    }
    DimText dims(db);
    LineItems out;
    out.rows.reserve(groups.size());
    for (const auto& [k, g] : groups) {
        LineItem li{dims(k[0]), dims(k[1]), dims(k[2]),  dims(k[3]),
                    g.quantity, g.cost,     std::nullopt};
        if (Amount rate; li.quantity != 0 && mul_div(li.cost, kUnit, li.quantity, rate))
            li.rate = rate;
        out.total += li.cost;
        out.rows.push_back(std::move(li));
    }
    std::sort(out.rows.begin(), out.rows.end(), [](const LineItem& a, const LineItem& b) {
        if (a.cost != b.cost) return a.cost > b.cost;
        return std::tie(a.service, a.usage_type, a.description, a.unit) <
               std::tie(b.service, b.usage_type, b.description, b.unit);
    });
    return out;
}

}  // namespace curcrunch::report
