// The root cause a reader of an anomalous day needs: which service, account and usage type
// moved. Each (service, account, usage type) is set against its own median over the same
// history days the day was judged against (a key absent on a day with data counts as zero
// there), and the three that moved most in the anomaly's direction are its drivers.
#include "anomaly_drivers.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace curcrunch::report {
namespace {

using Key = std::tuple<int64_t, int64_t, int64_t>;  // service, account, usage type

Amount median_of(std::vector<Amount> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    if (n == 0) return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

void attach_drivers(std::vector<Anomaly>& anomalies, const DailySeries& series,
                    const std::vector<DriverCell>& all_cells, bool fees, DimText& dims,
                    const std::unordered_map<int64_t, int64_t>& service_names) {
    if (anomalies.empty()) return;
    // Only the cells of the days asked about: the anomalies' and their history days.
    std::set<Day> needed;
    for (const Anomaly& an : anomalies) {
        needed.insert(an.day);
        for (Day d : series.days)
            if (d >= an.history_from && d < an.day) needed.insert(d);
    }
    std::vector<DriverCell> cells;
    for (const DriverCell& c : all_cells)
        if (c.fee == fees && needed.count(c.day)) cells.push_back(c);
    std::sort(cells.begin(), cells.end(),
              [](const DriverCell& a, const DriverCell& b) { return a.day < b.day; });
    auto cells_of = [&](Day d) {
        auto lo = std::lower_bound(cells.begin(), cells.end(), d,
                                   [](const DriverCell& c, Day x) { return c.day < x; });
        auto hi = std::upper_bound(cells.begin(), cells.end(), d,
                                   [](Day x, const DriverCell& c) { return x < c.day; });
        return std::make_pair(lo, hi);
    };
    for (Anomaly& an : anomalies) {
        // The history days: those of the series in [history_from, day).
        std::vector<Day> history;
        for (Day d : series.days)
            if (d >= an.history_from && d < an.day) history.push_back(d);
        std::map<Key, std::vector<Amount>> past;  // one amount per history day
        std::map<Key, Amount> today;
        for (size_t h = 0; h < history.size(); ++h) {
            auto [lo, hi] = cells_of(history[h]);
            for (auto it = lo; it != hi; ++it) {
                auto& v = past[{it->service, it->account, it->usage_type}];
                v.resize(history.size(), 0);
                v[h] += it->amount;
            }
        }
        auto [lo, hi] = cells_of(an.day);
        for (auto it = lo; it != hi; ++it)
            today[{it->service, it->account, it->usage_type}] += it->amount;
        std::vector<AnomalyDriver> all;
        auto add = [&](const Key& k, Amount amount, Amount median) {
            const auto& [service, account, usage_type] = k;
            AnomalyDriver dr;
            dr.service = dims(service);
            auto name = service_names.find(service);
            dr.service_label = name == service_names.end() ? dr.service : dims(name->second);
            dr.account = dims(account);
            dr.usage_type = dims(usage_type);
            dr.amount = amount;
            dr.median = median;
            all.push_back(std::move(dr));
        };
        for (const auto& [k, amount] : today) {
            auto p = past.find(k);
            add(k, amount, p == past.end() ? 0 : median_of(p->second));
        }
        for (const auto& [k, v] : past)
            if (!today.count(k)) add(k, 0, median_of(v));
        const bool up = an.value >= an.median;
        all.erase(std::remove_if(all.begin(), all.end(),
                                 [&](const AnomalyDriver& x) {
                                     return up ? x.change() <= 0 : x.change() >= 0;
                                 }),
                  all.end());
        std::sort(all.begin(), all.end(), [&](const AnomalyDriver& a, const AnomalyDriver& b) {
            if (a.change() != b.change())
                return up ? a.change() > b.change() : a.change() < b.change();
            return std::tie(a.service, a.account, a.usage_type) <
                   std::tie(b.service, b.account, b.usage_type);
        });
        if (all.size() > 3) all.resize(3);
        an.drivers = std::move(all);
    }
}

}  // namespace curcrunch::report
