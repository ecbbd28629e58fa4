#include "curcrunch/report/cost_cube.hpp"

#include "curcrunch/store/currency_scope.hpp"

#include <algorithm>
#include <map>

namespace curcrunch::report {
namespace {

Day day_of(int64_t ymd) {
    return days_from_civil(static_cast<int>(ymd / 10000), static_cast<unsigned>(ymd / 100 % 100),
                           static_cast<unsigned>(ymd % 100));
}

std::set<int64_t> ids_of(store::Database& db, const std::vector<std::string>& values) {
    std::set<int64_t> out;
    auto st = db.prepare("SELECT id FROM dim WHERE value = ?");
    for (const auto& v : values) {
        st.bind(1, v);
        if (st.step())
            out.insert(st.column_int(0));
        else
            out.insert(-1);  // a value the store does not know matches nothing
        st.reset();
    }
    return out;
}

}  // namespace

int64_t store_version(store::Database& db) {
    auto st = db.prepare("SELECT coalesce(max(id), 0) FROM ingest");
    return st.step() ? st.column_int(0) : 0;
}

std::unique_ptr<CostCube> CostCube::load(store::Database& db) {
    auto cube = std::make_unique<CostCube>();
    // One read transaction, so both rollups and the version are from the same moment.
    db.exec("BEGIN");
    try {
        cube->version_ = store_version(db);
        auto st = db.prepare(
            "SELECT day, usage_account, product_code, product_name, usage_type, pricing_term, "
            "line_item_type, unblended, amortized, tagged_unblended, row_count, region, "
            "payer_account, usage_amount, blended, net_unblended, net_amortized, "
            "public_on_demand, currency FROM cost_daily ORDER BY day");
        std::map<int64_t, Day> days;
        while (st.step()) {
            const int64_t ymd = st.column_int(0);
            auto it = days.find(ymd);
            if (it == days.end()) it = days.emplace(ymd, day_of(ymd)).first;
            cube->costs_.push_back(
                {CostRow{it->second, st.column_int(1), st.column_int(2), st.column_int(3),
                         st.column_int(4), st.column_int(5), st.column_int(6), st.column_amount(7),
                         st.column_amount(8), st.column_amount(9), st.column_int(10),
                         st.column_int(12), st.column_amount(13), st.column_amount(7)},
                 st.column_int(11), st.column_int(18), st.column_amount(14), st.column_amount(15),
                 st.column_amount(16), st.column_amount(17)});
        }
        auto li = db.prepare(
            "SELECT day, usage_account, product_code, usage_type, description, unit, unblended, "
            "usage_amount, payer_account, blended, net_unblended, amortized, net_amortized, "
            "public_on_demand, currency FROM line_item_daily ORDER BY day");
        while (li.step()) {
            const int64_t ymd = li.column_int(0);
            auto it = days.find(ymd);
            if (it == days.end()) it = days.emplace(ymd, day_of(ymd)).first;
            cube->lines_.push_back(
                {LineRow{it->second, li.column_int(1), li.column_int(2), li.column_int(3),
                         li.column_int(4), li.column_int(5), li.column_amount(6),
                         li.column_amount(7), li.column_int(8), li.column_amount(6)},
                 li.column_int(14), li.column_amount(9), li.column_amount(10), li.column_amount(11),
                 li.column_amount(12), li.column_amount(13)});
        }
    } catch (...) {
        db.exec("ROLLBACK");
        throw;
    }
    db.exec("COMMIT");
    return cube;
}

CostCube::IdFilter CostCube::resolve(store::Database& db, const ScanFilter& f) const {
    IdFilter ids{ids_of(db, f.accounts),
                 ids_of(db, f.services),
                 ids_of(db, f.regions),
                 ids_of(db, f.payers),
                 f.measure,
                 {}};
    if (!f.currency.empty())
        ids.currencies = ids_of(
            db, {f.currency, f.currency == store::kDefaultCurrency ? std::string() : f.currency});
    return ids;
}

bool CostCube::keeps(const Cost& c, const IdFilter& f) {
    const CostRow& r = c.row;
    if (!f.accounts.empty() && !f.accounts.count(r.account)) return false;
    if (!f.services.empty() && !f.services.count(r.product_code) &&
        !f.services.count(r.product_name))
        return false;
    if (!f.regions.empty() && !f.regions.count(c.region)) return false;
    return f.payers.empty() || f.payers.count(r.payer);
}

std::set<std::pair<int64_t, int64_t>> CostCube::currencies(Day from, Day to,
                                                           const IdFilter& f) const {
    std::set<std::pair<int64_t, int64_t>> out;
    auto first = std::lower_bound(costs_.begin(), costs_.end(), from,
                                  [](const Cost& c, Day d) { return c.row.day < d; });
    for (auto it = first; it != costs_.end() && it->row.day <= to; ++it)
        if (keeps(*it, f)) out.insert({it->currency, it->row.payer});
    return out;
}

Amount CostCube::Cost::measure(store::Measure m) const {
    switch (m) {
        case store::Measure::unblended:
            return row.unblended;
        case store::Measure::net_unblended:
            return net_unblended;
        case store::Measure::amortized:
            return row.amortized;
        case store::Measure::net_amortized:
            return net_amortized;
        case store::Measure::blended:
            return blended;
        case store::Measure::public_on_demand:
            return public_on_demand;
        case store::Measure::usage:
            return row.usage;
    }
    return row.unblended;
}

Amount CostCube::Line::measure(store::Measure m) const {
    switch (m) {
        case store::Measure::unblended:
            return row.unblended;
        case store::Measure::net_unblended:
            return net_unblended;
        case store::Measure::amortized:
            return amortized;
        case store::Measure::net_amortized:
            return net_amortized;
        case store::Measure::blended:
            return blended;
        case store::Measure::public_on_demand:
            return public_on_demand;
        case store::Measure::usage:
            return row.usage;
    }
    return row.unblended;
}

void CostCube::scan(Day from, Day to, const IdFilter& f,
                    const std::function<void(const CostRow&)>& on_row) const {
    auto first = std::lower_bound(costs_.begin(), costs_.end(), from,
                                  [](const Cost& c, Day d) { return c.row.day < d; });
    for (auto it = first; it != costs_.end() && it->row.day <= to; ++it) {
        const CostRow& r = it->row;
        if (!keeps(*it, f)) continue;
        if (!f.currencies.empty() && !f.currencies.count(it->currency)) continue;
        if (f.measure == store::Measure::unblended) {
            on_row(r);
        } else {
            CostRow c = r;
            c.cost = it->measure(f.measure);
            on_row(c);
        }
    }
}

void CostCube::scan_lines(Day from, Day to, const IdFilter& f,
                          const std::function<void(const LineRow&)>& on_row) const {
    auto first = std::lower_bound(lines_.begin(), lines_.end(), from,
                                  [](const Line& c, Day d) { return c.row.day < d; });
    for (auto it = first; it != lines_.end() && it->row.day <= to; ++it) {
        const LineRow& r = it->row;
        if (!f.accounts.empty() && !f.accounts.count(r.account)) continue;
        if (!f.services.empty() && !f.services.count(r.product_code)) continue;
        if (!f.payers.empty() && !f.payers.count(r.payer)) continue;
        if (!f.currencies.empty() && !f.currencies.count(it->currency)) continue;
        if (f.measure == store::Measure::unblended) {
            on_row(r);
        } else {
            LineRow c = r;
            c.cost = it->measure(f.measure);
            on_row(c);
        }
    }
}

}  // namespace curcrunch::report
