#include "report_scan.hpp"

#include <algorithm>
#include <set>

#include "row_pipe.hpp"

namespace curcrunch::report {

RowSource::RowSource(store::Database& d, const CostCube* c, const ReportParams& p)
    : db(d), cube(c), filter(scan_filter(p)) {
    if (cube) ids = cube->resolve(db, filter);
}

void RowSource::scan(Day from, Day to, bool filtered,
                     const std::function<void(const CostRow&)>& fn) const {
    // Unfiltered still means one currency: a bill is never a sum of two.
    if (cube) {
        CostCube::IdFilter whole;
        whole.currencies = ids.currencies;
        cube->scan(from, to, filtered ? ids : whole, fn);
    } else {
        ScanFilter whole;
        whole.currency = filter.currency;
        scan_costs(db, from, to, filtered ? filter : whole, fn);
    }
}

namespace {

// Charge class and fee/usage role of each line item type id, and of the support products:
// resolved once from the dictionary, so a row costs two hash lookups.
struct ChargeIds {
    std::unordered_map<int64_t, ChargeClass> type_class;
    std::set<int64_t> usage_types, fee_types, support_products;
    explicit ChargeIds(DimText& dims) {
        for (const char* t : {"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "RIFee",
                              "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee",
                              "SavingsPlanNegation", "Tax", "Credit", "Refund", "Fee"}) {
            const std::string cond = "value = '" + std::string(t) + "'";
            for (int64_t id : dims.ids_where(cond.c_str())) {
                const ChargeClass c = classify_charge(t, "");
                type_class[id] = c;
                if (is_usage_type(t)) usage_types.insert(id);
                if (is_fee(c, t)) fee_types.insert(id);
            }
        }
        support_products = dims.ids_where(
            "value LIKE 'AWSSupport%' OR value IN ('AWSDeveloperSupport', 'OCBPremiumSupport')");
    }
    ChargeClass of(const CostRow& r) const {
        auto it = type_class.find(r.line_item_type);
        const ChargeClass c = it == type_class.end() ? ChargeClass::other : it->second;
        if (support_products.count(r.product_code) && c != ChargeClass::tax &&
            c != ChargeClass::credit && c != ChargeClass::refund)
            return ChargeClass::support;
        return c;
    }
};

}  // namespace

Aggregates scan_aggregates(const RowSource& src, DimText& dims, const ReportData& d,
                           const ScanRange& range, bool fingerprint) {
    const ReportParams& p = d.params;
    const ChargeIds charges(dims);
    const std::set<int64_t> usage_line = dims.ids_where("value = 'Usage'");
    const std::set<int64_t> covered_lines =
        dims.ids_where("value IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')");
    const std::set<int64_t> ec2 = dims.ids_where("value = 'AmazonEC2'");
    const std::set<int64_t> ondemand = dims.ids_where("value = 'OnDemand'");
    const std::set<int64_t> box = dims.ids_where("value LIKE '%BoxUsage%'");
    const std::set<int64_t> ri_products =
        dims.ids_where("value IN ('AmazonRDS', 'AmazonElastiCache', 'AmazonES', 'AmazonRedshift')");
    const std::set<int64_t> ri_usage = dims.ids_where(
        "value LIKE '%InstanceUsage:%' OR value LIKE '%NodeUsage:%' OR value LIKE "
        "'%ESInstance:%' OR value LIKE '%Node:%'");
    const std::set<int64_t> transfer =
        dims.ids_where("value LIKE '%DataTransfer%' OR value LIKE '%-Bytes%'");
    const Period first_month = add_months(period_of(p.to), -11);
    Aggregates a(fingerprint);
    Day last_day = -1;
    Period m = 0;  // the month of last_day: rows arrive grouped by day
    // The month-over-month cells of last_day, looked up once per day (std::map nodes stay put).
    std::unordered_map<int64_t, Amount>*mom_month[kMomDimensions] = {},
                                *mom_day[kMomDimensions] = {};
    // Nothing below touches the store: the rows are read on another core (row_pipe.hpp).
    scan_alongside(src, range.scan_from, p.to, true, [&](const CostRow& r) {
        if (r.day != last_day) {
            last_day = r.day;
            m = period_of(r.day);
            for (int k = 0; k < kMomDimensions; ++k) {
                const bool month = range.mom && m >= range.mom_first;
                mom_month[k] = month ? &a.mom[k].months[m] : nullptr;
                // The payers' days are kept for every month: each payer's row is cut like for
                // like at its own data-through day (store/query_mom.hpp), in any month.
                mom_day[k] = month && (r.day >= range.mom_days_from || k == kMomDimensions - 1)
                                 ? &a.mom[k].days[r.day]
                                 : nullptr;
            }
        }
        if (mom_month[0]) {
            const int64_t ids[kMomDimensions] = {r.product_code, r.account, r.payer};
            for (int k = 0; k < kMomDimensions; ++k) {
                (*mom_month[k])[ids[k]] += r.cost;
                if (mom_day[k]) (*mom_day[k])[ids[k]] += r.cost;
            }
        }
        a.daily[r.day] += r.cost;
        if (m >= first_month) a.months[m] += r.cost;
        if (r.day >= range.year_from && r.day <= range.year_to) {
            a.year_ago_total += r.cost;
            a.year_ago_rows += r.rows;
        }
        if (r.day >= d.prev_from && r.day <= d.prev_to) {
            a.prev_total += r.cost;
            a.prev_services[r.product_code] += r.cost;
            a.prev_accounts[r.account] += r.cost;
        }
        if (r.day < range.history_from) return;
        const ChargeClass cls = charges.of(r);
        const bool usage =
            cls == ChargeClass::usage && charges.usage_types.count(r.line_item_type) > 0;
        const bool fee = !usage && (cls == ChargeClass::support ||
                                    charges.fee_types.count(r.line_item_type) > 0);
        if (usage) a.daily_usage[r.day] += r.cost;
        if (fee) a.daily_fees[r.day] += r.cost;
        if (usage || fee)
            a.driver_cells.push_back({r.day, r.product_code, r.account, r.usage_type, r.cost, fee});
        if (r.day < p.from) return;
        a.current.add(r);
        a.charge[static_cast<size_t>(cls)] += r.cost;
        int64_t& name = a.service_name[r.product_code];
        name = std::max(name, r.product_name);
        a.service_months[m][r.product_code] += r.cost;
        const bool on_demand = usage_line.count(r.line_item_type) && ondemand.count(r.pricing_term);
        if (ec2.count(r.product_code) && box.count(r.usage_type)) {
            if (on_demand) {
                a.ondemand_compute[m].cost += r.unblended;
                a.ondemand_compute[m].hours += r.usage;
            } else if (covered_lines.count(r.line_item_type)) {
                a.covered_compute.cost += r.unblended;
                a.covered_compute.hours += r.usage;
            }
        }
        if (on_demand && ri_products.count(r.product_code) && ri_usage.count(r.usage_type)) {
            OnDemandUsage& u = a.ondemand_instances[{r.product_code, r.usage_type}][m];
            u.cost += r.unblended;
            u.hours += r.usage;
        }
        if (transfer.count(r.usage_type)) a.data_transfer += r.cost;
        a.tagged += r.tagged;
        a.untagged_base += r.unblended;
    });
    return a;
}

}  // namespace curcrunch::report
