#include "curcrunch/billing/cost_reader.hpp"

#include <array>
#include <unordered_map>

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/core/hash.hpp"
#include "curcrunch/store/dim_names.hpp"

namespace curcrunch::billing {
namespace {

bool has_column(store::Database& db, const char* table, const char* column) {
    auto st =
        db.prepare(std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?");
    st.bind(1, std::string_view(column));
    return st.step();
}

constexpr size_t kDims = 10;
using Key = std::array<int64_t, kDims>;

struct KeyHash {
    size_t operator()(const Key& k) const noexcept {
        return static_cast<size_t>(hash_bytes(k.data(), sizeof(int64_t) * kDims));
    }
};

struct Sums {
    Amount unblended = 0, net_unblended = 0, amortized = 0, net_amortized = 0, public_on_demand = 0,
           usage = 0;
};

}  // namespace

CostCoverage read_cost_rows(store::Database& db, Period period, CostRowSet& out) {
    CostCoverage cov;
    cov.billing_entity = has_column(db, "cost_daily", "billing_entity");
    cov.commitment_owner = has_column(db, "cost_daily", "commitment_owner");
    cov.net_amortized = has_column(db, "cost_daily", "net_amortized");
    const std::string sql =
        std::string(
            "SELECT payer_account, usage_account, product_code, product_name, usage_type, "
            "operation, line_item_type, currency, ") +
        (cov.billing_entity ? "billing_entity" : "-1") + ", " +
        (cov.commitment_owner ? "commitment_owner" : "-1") +
        ", unblended, net_unblended, amortized, " +
        (cov.net_amortized ? "net_amortized" : "amortized") +
        ", public_on_demand, usage_amount FROM cost_daily WHERE period = ?";
    auto st = db.prepare(sql);
    st.bind(1, static_cast<int64_t>(period));
    std::unordered_map<Key, Sums, KeyHash> sums;
    while (st.step()) {
        Key k;
        for (size_t i = 0; i < kDims; ++i)
            k[i] = st.column_int(static_cast<int>(i));
        Sums& s = sums[k];
        s.unblended = checked_add(s.unblended, st.column_amount(10));
        s.net_unblended = checked_add(s.net_unblended, st.column_amount(11));
        s.amortized = checked_add(s.amortized, st.column_amount(12));
        s.net_amortized = checked_add(s.net_amortized, st.column_amount(13));
        s.public_on_demand = checked_add(s.public_on_demand, st.column_amount(14));
        s.usage = checked_add(s.usage, st.column_amount(15));
    }
    store::DimNames names(db);
    auto name = [&](int64_t id) -> std::string_view {
        return id < 0 ? std::string_view() : out.intern(names(id));
    };
    out.rows.reserve(out.rows.size() + sums.size());
    for (const auto& [k, s] : sums) {
        CostRow r;
        r.payer = name(k[0]);
        r.account = name(k[1]);
        r.service = name(k[2]);
        r.service_name = name(k[3]);
        r.usage_type = name(k[4]);
        r.operation = name(k[5]);
        r.line_item_type = name(k[6]);
        r.currency = name(k[7]);
        r.billing_entity = name(k[8]);
        r.commitment_owner = name(k[9]);
        r.unblended = s.unblended;
        r.net_unblended = s.net_unblended;
        r.amortized = s.amortized;
        r.net_amortized = s.net_amortized;
        r.public_on_demand = s.public_on_demand;
        r.usage = s.usage;
        out.rows.push_back(r);
    }
    out.index_accounts();
    return cov;
}

}  // namespace curcrunch::billing
