#include "curcrunch/billing/cost_reader.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/core/hash.hpp"
#include "curcrunch/store/dim_names.hpp"

namespace curcrunch::billing {
namespace {

constexpr size_t kDims = 10;
using Key = std::array<int64_t, kDims>;

struct KeyHash {
    size_t operator()(const Key& k) const noexcept {
        return static_cast<size_t>(hash_bytes(k.data(), sizeof(int64_t) * kDims));
    }
};

constexpr size_t kMeasures = 6;
using Sums = std::array<Amount, kMeasures>;

// The unit's rows: its payer's dim id over the days of its period (the cost_daily_day index is
// (day, payer_account)). A unit whose payer is '' (files without a payer column) has that
// string's id like any other.
const char* kUnitRows =
    "SELECT c.usage_account, c.product_code, c.product_name, c.usage_type, c.operation, "
    "c.line_item_type, c.currency, c.billing_entity, c.commitment_owner, c.payer_account, "
    "c.unblended, c.net_unblended, c.amortized, c.net_amortized, c.public_on_demand, "
    "c.usage_amount FROM cost_daily c JOIN dim p ON p.id = c.payer_account "
    "WHERE c.day BETWEEN ? AND ? AND p.value = ? AND c.period = ?";

// Adds one unit's rows to `sums`. Every stored amount is within 10^14 and a store has fewer
// than 2^46 rows, so these sums stay below 2^127 (core/money.hpp, 5.); checked_add guards a
// store written by something else.
void sum_unit(store::Database& db, const store::UnitCoverage& u,
              std::unordered_map<Key, Sums, KeyHash>& sums) {
    auto st = db.prepare(kUnitRows);
    st.bind(1, static_cast<int64_t>(to_yyyymmdd(first_day(u.period))))
        .bind(2, static_cast<int64_t>(to_yyyymmdd(last_day(u.period))))
        .bind(3, u.payer)
        .bind(4, static_cast<int64_t>(u.period));
    while (st.step()) {
        Key k;
        for (size_t i = 0; i < kDims; ++i)
            k[i] = st.column_int(static_cast<int>(i));
        Sums& s = sums[k];
        for (size_t m = 0; m < kMeasures; ++m)
            s[m] = checked_add(s[m], st.column_amount(static_cast<int>(kDims + m)));
    }
}

// The distinct units of each usage slice of a unit's month (line_item_daily_day is (day,
// payer_account), as for the cost rows).
const char* kUnitUsageUnits =
    "SELECT DISTINCT l.usage_account, l.product_code, l.usage_type, l.line_item_type, "
    "l.currency, l.unit FROM line_item_daily l JOIN dim p ON p.id = l.payer_account "
    "WHERE l.day BETWEEN ? AND ? AND p.value = ? AND l.period = ?";

}  // namespace

void read_usage_units(store::Database& db, const std::vector<store::UnitCoverage>& units,
                      CostRowSet& out) {
    store::DimNames names(db);
    auto name = [&](int64_t id) { return out.intern(names(id)); };
    for (const store::UnitCoverage& u : units) {
        auto st = db.prepare(kUnitUsageUnits);
        st.bind(1, static_cast<int64_t>(to_yyyymmdd(first_day(u.period))))
            .bind(2, static_cast<int64_t>(to_yyyymmdd(last_day(u.period))))
            .bind(3, u.payer)
            .bind(4, static_cast<int64_t>(u.period));
        const std::string_view payer = out.intern(u.payer);
        while (st.step()) {
            const UsageSlice s{payer,
                               name(st.column_int(0)),
                               name(st.column_int(1)),
                               name(st.column_int(2)),
                               name(st.column_int(3)),
                               name(st.column_int(4))};
            out.units[s].push_back(name(st.column_int(5)));
        }
    }
    for (auto& [slice, list] : out.units) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    out.units_read = true;
}

std::vector<store::UnitCoverage> read_cost_rows(store::Database& db, Period period,
                                                CostRowSet& out) {
    std::vector<store::UnitCoverage> units;
    for (store::UnitCoverage& u : store::unit_coverage(db))
        if (u.period == period) units.push_back(std::move(u));
    std::unordered_map<Key, Sums, KeyHash> sums;
    for (const store::UnitCoverage& u : units)
        sum_unit(db, u, sums);
    store::DimNames names(db);
    auto name = [&](int64_t id) { return out.intern(names(id)); };
    out.rows.reserve(out.rows.size() + sums.size());
    for (const auto& [k, s] : sums) {
        CostRow r;
        r.account = name(k[0]);
        r.service = name(k[1]);
        r.service_name = name(k[2]);
        r.usage_type = name(k[3]);
        r.operation = name(k[4]);
        r.line_item_type = name(k[5]);
        r.currency = name(k[6]);
        r.billing_entity = name(k[7]);
        r.commitment_owner = name(k[8]);
        r.payer = name(k[9]);
        r.unblended = s[0];
        r.net_unblended = s[1];
        r.amortized = s[2];
        r.net_amortized = s[3];
        r.public_on_demand = s[4];
        r.usage = s[5];
        out.rows.push_back(r);
    }
    out.index_accounts();
    return units;
}

}  // namespace curcrunch::billing
