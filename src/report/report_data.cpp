#include "curcrunch/report/report_data.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/cost_scan.hpp"
#include "curcrunch/store/account_directory.hpp"

namespace curcrunch::report {
namespace {

// part * n > whole, exactly, for any two sums of stored amounts (part * n may pass 2^127).
bool more_than_share(Amount part, Amount whole, int n) {
    Amount p;
    if (__builtin_mul_overflow(part, static_cast<Amount>(n), &p)) return part > 0;
    return p > whole;
}

// "+12.3%": diff / base in tenths of a percent, rounded half away from zero, in integers.
// diff and base are sums of stored amounts or differences of two, so diff * 2000 may need
// more than 128 bits: mul_div keeps it exact.
std::string tenths_of_percent(Amount diff, Amount base) {
    Amount twice = 0;
    if (!mul_div(diff, 2000, base, twice)) return diff > 0 ? "+>9999999%" : "->9999999%";
    Amount tenths = (twice + (diff >= 0 ? 1 : -1)) / 2;
    if (tenths > 99999999 || tenths < -99999999) return diff > 0 ? "+>9999999%" : "->9999999%";
    char b[48];
    const long long t = static_cast<long long>(tenths);
    std::snprintf(b, sizeof b, "%s%lld.%lld%%", t >= 0 ? "+" : "-", (t < 0 ? -t : t) / 10,
                  (t < 0 ? -t : t) % 10);
    return b;
}

using store::Database;

bool table_exists(Database& db, const char* name) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
    st.bind(1, std::string_view(name));
    return st.step() && st.column_int(0) > 0;
}

std::string money(Amount a, const std::string& currency) {
    return (currency == "USD" ? "$" : "") + format_money(a) +
           (currency == "USD" ? "" : " " + currency);
}

RecommendationFigure figure(std::string name, Amount v) {
    return {std::move(name), CellKind::money, to_plain_string(v)};
}

std::string in_list(size_t n) {
    std::string s = "(";
    for (size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s + ")";
}

// Where rows come from: the store (SQL) or a dashboard's in-memory cube.
struct Source {
    Database& db;
    const CostCube* cube;
    ScanFilter filter;
    CostCube::IdFilter ids;
    Source(Database& d, const CostCube* c, const ReportParams& p)
        : db(d), cube(c), filter{p.accounts, p.services, p.regions} {
        if (cube) ids = cube->resolve(db, p.accounts, p.services, p.regions);
    }
    void scan(Day from, Day to, bool filtered,
              const std::function<void(const CostRow&)>& fn) const {
        if (cube)
            cube->scan(from, to, filtered ? ids : CostCube::IdFilter{}, fn);
        else
            scan_costs(db, from, to, filtered ? filter : ScanFilter{}, fn);
    }
};

// Everything the report needs from cost_daily, accumulated in one scan of
// [scan_from, to] (which covers the period, the previous period, the same dates a year earlier
// and the 12-month trend).
struct Aggregates {
    explicit Aggregates(bool fingerprint) : current(fingerprint) {}
    TotalsBuilder current;
    // Hash maps: these are touched once per scanned row.
    std::unordered_map<Day, Amount> daily, daily_usage;
    std::map<Period, Amount> months;
    Amount prev_total = 0, year_ago_total = 0;
    int64_t year_ago_rows = 0;
    std::unordered_map<int64_t, Amount> prev_services, prev_accounts;
    std::unordered_map<int64_t, int64_t> service_name;  // product code id -> product name id
    std::map<Period, std::unordered_map<int64_t, Amount>> service_months;
    std::map<Period, Amount> ondemand_compute;  // EC2 BoxUsage at on-demand rates
    Amount data_transfer = 0, tagged = 0, untagged_base = 0;
};

Aggregates scan(const Source& src, DimText& dims, const ReportData& d, Day year_from, Day year_to,
                Day scan_from, bool fingerprint) {
    const ReportParams& p = d.params;
    const std::set<int64_t> usage_types =
        dims.ids_where("value IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')");
    const std::set<int64_t> ec2 = dims.ids_where("value = 'AmazonEC2'");
    const std::set<int64_t> ondemand = dims.ids_where("value = 'OnDemand'");
    const std::set<int64_t> box = dims.ids_where("value LIKE '%BoxUsage%'");
    const std::set<int64_t> transfer =
        dims.ids_where("value LIKE '%DataTransfer%' OR value LIKE '%-Bytes%'");
    const Period first_month = add_months(period_of(p.to), -11);
    Aggregates a(fingerprint);
    src.scan(scan_from, p.to, true, [&](const CostRow& r) {
        const Period m = period_of(r.day);
        if (m >= first_month) a.months[m] += r.unblended;
        if (r.day >= year_from && r.day <= year_to) {
            a.year_ago_total += r.unblended;
            a.year_ago_rows += r.rows;
        }
        if (r.day >= d.prev_from && r.day <= d.prev_to) {
            a.prev_total += r.unblended;
            a.prev_services[r.product_code] += r.unblended;
            a.prev_accounts[r.account] += r.unblended;
        }
        if (r.day < p.from) return;
        a.current.add(r);
        a.daily[r.day] += r.unblended;
        if (usage_types.count(r.line_item_type)) a.daily_usage[r.day] += r.unblended;
        int64_t& name = a.service_name[r.product_code];
        name = std::max(name, r.product_name);
        a.service_months[m][r.product_code] += r.unblended;
        if (ec2.count(r.product_code) && ondemand.count(r.pricing_term) && box.count(r.usage_type))
            a.ondemand_compute[m] += r.unblended;
        if (transfer.count(r.usage_type)) a.data_transfer += r.unblended;
        a.tagged += r.tagged;
        a.untagged_base += r.unblended;
    });
    return a;
}

std::vector<KeyAmount> sorted(const std::unordered_map<int64_t, Amount>& m, DimText& dims,
                              const std::unordered_map<int64_t, int64_t>* names) {
    std::vector<KeyAmount> out;
    for (const auto& [id, v] : m) {
        std::string label;
        if (names)
            if (auto it = names->find(id); it != names->end()) label = dims(it->second);
        const std::string& key = dims(id);
        out.push_back({key, label.empty() ? key : label, v});
    }
    std::sort(out.begin(), out.end(), [](const KeyAmount& a, const KeyAmount& b) {
        return a.amount != b.amount ? a.amount > b.amount : a.key < b.key;
    });
    return out;
}

std::vector<LineItem> top_line_items_sql(Database& db, DimText& dims, const ReportParams& p,
                                         size_t limit) {
    // Aggregated here by dimension ids (a hash map beats SQLite's sorter for GROUP BY on four
    // columns); names are looked up only for the rows that make the cut.
    std::string sql =
        "SELECT product_code, usage_type, description, unit, unblended, usage_amount FROM "
        "line_item_daily " +
        std::string(range_holds_most_rows(db, p.from, p.to) ? "NOT INDEXED " : "") +
        "WHERE day BETWEEN ? AND ?";
    if (!p.accounts.empty())
        sql += " AND usage_account IN (SELECT id FROM dim WHERE value IN " +
               in_list(p.accounts.size()) + ")";
    if (!p.services.empty())
        sql += " AND product_code IN (SELECT id FROM dim WHERE value IN " +
               in_list(p.services.size()) + ")";
    auto st = db.prepare(sql);
    int i = 1;
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.from)));
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.to)));
    for (const auto& a : p.accounts)
        st.bind(i++, a);
    for (const auto& s : p.services)
        st.bind(i++, s);
    struct Key {
        int64_t ids[4];
        bool operator==(const Key& o) const {
            return std::equal(std::begin(ids), std::end(ids), std::begin(o.ids));
        }
    };
    struct KeyHash {
        size_t operator()(const Key& k) const {
            uint64_t h = 1469598103934665603ull;
            for (int64_t v : k.ids)
                h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ull;
            return static_cast<size_t>(h);
        }
    };
    std::unordered_map<Key, std::pair<Amount, Amount>, KeyHash> groups;
    while (st.step()) {
        auto& g =
            groups[Key{{st.column_int(0), st.column_int(1), st.column_int(2), st.column_int(3)}}];
        g.first += st.column_amount(4);
        g.second += st.column_amount(5);
    }
    std::vector<std::pair<Key, std::pair<Amount, Amount>>> raw(groups.begin(), groups.end());
    const size_t n = std::min(limit, raw.size());
    std::partial_sort(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(n), raw.end(),
                      [](const auto& a, const auto& b) {
                          return a.second.first != b.second.first
                                     ? a.second.first > b.second.first
                                     : std::lexicographical_compare(
                                           std::begin(a.first.ids), std::end(a.first.ids),
                                           std::begin(b.first.ids), std::end(b.first.ids));
                      });
    std::vector<LineItem> out;
    for (size_t k = 0; k < n; ++k) {
        const auto& [key, sums] = raw[k];
        LineItem li{dims(key.ids[0]), dims(key.ids[1]), dims(key.ids[2]), dims(key.ids[3]),
                    sums.second,      sums.first,       std::nullopt};
        if (Amount rate; li.quantity != 0 && mul_div(li.cost, kUnit, li.quantity, rate))
            li.rate = rate;
        out.push_back(std::move(li));
    }
    return out;
}

void recommend(ReportData& d, const Aggregates& a, DimText& dims) {
    const std::string& cur = d.currency;
    // Steady on-demand compute: the lowest month is a floor a Savings Plan would be used for.
    if (a.ondemand_compute.size() >= 3) {
        Amount lo = a.ondemand_compute.begin()->second, hi = lo;
        for (const auto& [m, v] : a.ondemand_compute) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        Amount hourly = 0;
        if (lo > 100 * kUnit && mul_div(lo, 12, 8760, hourly))
            d.recommendations.push_back(
                {"savings_plan",
                 "Cover steady on-demand EC2 compute with a Compute Savings Plan",
                 "On-demand EC2 instance usage cost between " + money(lo, cur) + " and " +
                     money(hi, cur) + " a month over " + std::to_string(a.ondemand_compute.size()) +
                     " months. A commitment sized to the lowest month (" + money(lo, cur) +
                     "/month, about " + money(hourly, cur) +
                     "/hour) would be fully used; at a typical 1-year discount of 20% it saves "
                     "about " +
                     money(lo / 5, cur) + " a month (estimate).",
                 {figure("lowest_month", lo),
                  figure("highest_month", hi),
                  {"months", CellKind::text, std::to_string(a.ondemand_compute.size())},
                  figure("hourly_commitment", hourly),
                  figure("monthly_saving", lo / 5)}});
    }
    // Fastest-growing services, the period's last month against the one before.
    const Period last = period_of(d.params.to), before = add_months(last, -1);
    auto now_it = a.service_months.find(last), prev_it = a.service_months.find(before);
    if (now_it != a.service_months.end() && prev_it != a.service_months.end()) {
        std::vector<std::pair<Amount, int64_t>> growth;
        for (const auto& [id, v] : now_it->second) {
            auto b = prev_it->second.find(id);
            const Amount base = b == prev_it->second.end() ? 0 : b->second;
            if (v - base > 10 * kUnit) growth.push_back({v - base, id});
        }
        std::sort(growth.begin(), growth.end(), [](const auto& x, const auto& y) {
            return x.first != y.first ? x.first > y.first : x.second < y.second;
        });
        std::string detail;
        std::vector<RecommendationFigure> figures;
        for (size_t i = 0; i < growth.size() && i < 3; ++i) {
            const int64_t id = growth[i].second;
            auto b = prev_it->second.find(id);
            const Amount base = b == prev_it->second.end() ? 0 : b->second;
            const Amount v = now_it->second.at(id);
            auto name = a.service_name.find(id);
            detail += (i ? "; " : "") +
                      (name == a.service_name.end() ? dims(id) : dims(name->second)) + " " +
                      money(base, cur) + " \u2192 " + money(v, cur) + " (" +
                      percent_change(v, base) + ")";
            figures.push_back(figure(dims(id) + ".before", base));
            figures.push_back(figure(dims(id) + ".after", v));
            figures.push_back({dims(id) + ".change", CellKind::percent, percent_change(v, base)});
        }
        if (!detail.empty())
            d.recommendations.push_back({"growth", "Review the fastest-growing services",
                                         "From " + format_period(before) + " to " +
                                             format_period(last) + ": " + detail + ".",
                                         std::move(figures)});
    }
    // Untagged share.
    const Amount untagged = a.untagged_base - a.tagged;
    if (a.untagged_base > 0 && more_than_share(untagged, a.untagged_base, 10))
        d.recommendations.push_back(
            {"untagged",
             "Tag the untagged spend",
             money(untagged, cur) + " of " + money(a.untagged_base, cur) + " (" +
                 share_text(untagged, a.untagged_base) +
                 ") carries no cost-allocation tag, so it cannot be charged back.",
             {figure("untagged", untagged),
              figure("base", a.untagged_base),
              {"share", CellKind::percent, share_text(untagged, a.untagged_base)}}});
    // Data transfer share.
    if (d.totals.total > 0 && more_than_share(a.data_transfer, d.totals.total, 20))
        d.recommendations.push_back(
            {"data_transfer",
             "Look at data transfer",
             "Data transfer cost " + money(a.data_transfer, cur) + ", " +
                 share_text(a.data_transfer, d.totals.total) +
                 " of the period's total: check cross-AZ traffic, NAT gateways and egress that "
                 "a CDN or VPC endpoints would avoid.",
             {figure("data_transfer", a.data_transfer),
              {"share", CellKind::percent, share_text(a.data_transfer, d.totals.total)}}});
    // Anomalies.
    if (!d.anomalies.empty()) {
        const Anomaly* worst = &d.anomalies[0];
        for (const auto& x : d.anomalies)
            if (x.value - x.median > worst->value - worst->median) worst = &x;
        d.recommendations.push_back(
            {"anomalies",
             "Explain the anomalous days",
             std::to_string(d.anomalies.size()) +
                 " day(s) of usage cost deviate from their trailing 28-day median by more than "
                 "3.5 robust z-scores and $25; the largest, " +
                 d.trend[worst->index].key + ", had " + money(worst->value, cur) +
                 " of usage against a median of " + money(worst->median, cur) + ".",
             {{"days", CellKind::text, std::to_string(d.anomalies.size())},
              {"largest_day", CellKind::text, d.trend[worst->index].key},
              figure("largest_usage", worst->value),
              figure("largest_median", worst->median)}});
    }
}

Amount unfiltered_month(const Source& src, Period m) {
    Amount t = 0;
    src.scan(first_day(m), last_day(m), false, [&](const CostRow& r) { t += r.unblended; });
    return t;
}

void reconcile(ReportData& d, Database& db, const Source& src) {
    if (!table_exists(db, "invoice")) return;
    const Period first = period_of(d.params.from), last = period_of(d.params.to);
    auto st = db.prepare(
        "SELECT period, count(*), max(base_currency), max(payment_currency), "
        "money_sum(CASE WHEN invoice_type = 'CREDIT_MEMO' THEN 0 ELSE base_total END), "
        "money_sum(base_taxes), "
        "money_sum(CASE WHEN invoice_type = 'CREDIT_MEMO' THEN base_total ELSE 0 END), "
        "money_sum(payment_total) FROM invoice WHERE period BETWEEN ? AND ? GROUP BY period "
        "ORDER BY period");
    st.bind(1, static_cast<int64_t>(first));
    st.bind(2, static_cast<int64_t>(last));
    while (st.step()) {
        const Period m = static_cast<Period>(st.column_int(0));
        InvoiceMonth im;
        im.month = format_period(m);
        im.invoices = static_cast<int>(st.column_int(1));
        im.currency = st.column_text(2);
        im.payment_currency = st.column_text(3);
        im.invoice_total = st.column_amount(4);
        im.invoice_tax = st.column_amount(5);
        im.credits = st.column_amount(6);
        im.payment_total = st.column_amount(7);
        im.cur_total = unfiltered_month(src, m);  // invoices cover the whole bill
        im.difference = im.invoice_total + im.credits - im.cur_total;
        im.flagged = im.difference > kUnit / 100 || im.difference < -kUnit / 100;
        d.invoice_months.push_back(std::move(im));
    }
    if (d.invoice_months.empty() || !table_exists(db, "ce_cost")) return;
    for (auto& im : d.invoice_months) {
        auto ce = db.prepare(
            "SELECT count(*), money_sum(amount) FROM ce_cost WHERE granularity = 'MONTHLY' AND "
            "start_day = ?");
        ce.bind(1, static_cast<int64_t>(to_yyyymmdd(first_day(*parse_period(im.month)))));
        if (ce.step() && ce.column_int(0) > 0) {
            im.ce_total = ce.column_amount(1);
            d.has_ce = true;
        }
    }
}

}  // namespace

std::vector<LineItem> line_items(store::Database& db, const ReportParams& p, const CostCube* cube,
                                 size_t limit) {
    DimText dims(db);
    if (!cube) return top_line_items_sql(db, dims, p, limit);
    const CostCube::IdFilter ids = cube->resolve(db, p.accounts, p.services, {});
    std::map<std::array<int64_t, 4>, std::pair<Amount, Amount>> groups;
    cube->scan_lines(p.from, p.to, ids, [&](const LineRow& r) {
        auto& g = groups[{r.product_code, r.usage_type, r.description, r.unit}];
        g.first += r.unblended;
        g.second += r.usage;
    });
    std::vector<LineItem> out;
    for (const auto& [k, g] : groups) {
        LineItem li{dims(k[0]), dims(k[1]), dims(k[2]),  dims(k[3]),
                    g.second,   g.first,    std::nullopt};
        if (Amount rate; li.quantity != 0 && mul_div(li.cost, kUnit, li.quantity, rate))
            li.rate = rate;
        out.push_back(std::move(li));
    }
    std::sort(out.begin(), out.end(), [](const LineItem& a, const LineItem& b) {
        return a.cost != b.cost ? a.cost > b.cost : a.description < b.description;
    });
    if (limit && out.size() > limit) out.resize(limit);
    return out;
}

std::vector<Change> period_changes(const ReportData& d, ChangeOf what) {
    const bool accounts = what == ChangeOf::accounts;
    const auto& now = accounts ? d.accounts : d.services;
    const auto& prev = accounts ? d.prev_accounts : d.prev_services;
    std::map<std::string, Change> all;
    for (const auto& k : now)
        all[k.key] = {k.key, accounts ? d.account_label(k.key) : k.label, 0, k.amount};
    for (const auto& [key, v] : prev) {
        Change& c = all[key];
        if (c.key.empty()) c = {key, accounts ? d.account_label(key) : key, 0, 0};
        c.previous = v;
    }
    std::vector<Change> out;
    for (auto& [key, c] : all) {
        if (d.params.min_cost && c.current < *d.params.min_cost && c.previous < *d.params.min_cost)
            continue;
        out.push_back(std::move(c));
    }
    auto magnitude = [](Amount a) { return a < 0 ? -a : a; };
    std::stable_sort(out.begin(), out.end(), [&](const Change& a, const Change& b) {
        return magnitude(a.delta()) > magnitude(b.delta());
    });
    return out;
}

std::string ReportData::account_label(const std::string& id) const {
    auto it = account_names.find(id);
    return store::account_label(it == account_names.end() ? "" : it->second, id);
}

std::string percent_change(Amount now, Amount before) {
    if (before == 0) return "n/a";
    return tenths_of_percent(now - before, before < 0 ? -before : before);
}

std::string share_text(Amount part, Amount whole) {
    if (whole == 0) return "";
    return tenths_of_percent(part, whole < 0 ? -whole : whole).substr(1);
}

ReportData gather_report(Database& db, const ReportParams& p, const CostCube* cube,
                         const Sections& sections) {
    ReportData d;
    d.params = p;
    const int len = p.to - p.from + 1;
    d.prev_to = p.compare_to ? p.compare_to : p.from - 1;
    d.prev_from = p.compare_from ? p.compare_from : p.from - len;
    const CivilDate f = civil_from_days(p.from), t = civil_from_days(p.to);
    const Day year_from =
        days_from_civil(f.year - 1, f.month, std::min(f.day, days_in_month(f.year - 1, f.month)));
    const Day year_to =
        days_from_civil(t.year - 1, t.month, std::min(t.day, days_in_month(t.year - 1, t.month)));
    const Day scan_from =
        std::min({d.prev_from, year_from, first_day(add_months(period_of(p.to), -11))});

    DimText dims(db);
    const Source src(db, cube, p);
    Aggregates a = scan(src, dims, d, year_from, year_to, scan_from, sections.fingerprint);
    d.totals = a.current.totals(dims);
    if (sections.fingerprint) d.fingerprint = a.current.fingerprint(dims);
    d.prev_total = a.prev_total;
    if (a.year_ago_rows > 0) d.year_ago_total = a.year_ago_total;
    for (Period x = add_months(period_of(p.to), -11); x <= period_of(p.to); x = add_months(x, 1))
        d.months.push_back({format_period(x), format_period(x), a.months[x]});
    // The second trend, every bucket present (zero when there is no cost).
    if (p.granularity == store::Grain::day) {
        std::vector<Amount> usage;
        for (Day x = p.from; x <= p.to; ++x) {
            d.trend.push_back({format_day(x), format_day(x), a.daily[x]});
            usage.push_back(a.daily_usage[x]);
        }
        d.anomalies = detect_anomalies(usage);
    } else {
        std::map<std::string, Amount> buckets;
        for (const auto& [day, v] : a.daily) {
            std::string key;
            if (p.granularity == store::Grain::month) {
                key = format_period(period_of(day));
            } else if (p.granularity == store::Grain::year) {
                key = std::to_string(civil_from_days(day).year);
            } else {
                const int weekday = ((day % 7) + 10) % 7;  // 0 = Monday
                key = format_day(day - weekday);
            }
            buckets[key] += v;
        }
        for (const auto& [k, v] : buckets)
            d.trend.push_back({k, k, v});
    }
    std::unordered_map<int64_t, Amount> services;
    for (const auto& [m, by] : a.service_months)
        for (const auto& [id, v] : by)
            services[id] += v;
    d.services = sorted(services, dims, &a.service_name);
    {
        // Accounts from the totals (already by id string).
        for (const auto& [k, v] : d.totals.by_account)
            d.accounts.push_back({k, k, v});
        std::sort(d.accounts.begin(), d.accounts.end(), [](const KeyAmount& x, const KeyAmount& y) {
            return x.amount != y.amount ? x.amount > y.amount : x.key < y.key;
        });
    }
    for (const auto& [id, v] : a.prev_services)
        d.prev_services[dims(id)] += v;
    for (const auto& [id, v] : a.prev_accounts)
        d.prev_accounts[dims(id)] += v;
    const store::AccountDirectory directory = store::AccountDirectory::load(db, false);
    for (const store::AccountInfo* a : directory.listed()) {
        if (!a->name.empty()) d.account_names[a->id] = a->name;
        if (!a->ou_path.empty()) d.account_ou_paths[a->id] = a->ou_path;
    }
    // The periods behind every figure (audit's "no data" needs them).
    {
        auto st = db.prepare(
            "SELECT DISTINCT period FROM billing_period WHERE period BETWEEN ? AND ? ORDER BY period");
        st.bind(1, static_cast<int64_t>(period_of(scan_from)));
        st.bind(2, static_cast<int64_t>(period_of(p.to)));
        while (st.step())
            d.data_periods.push_back(static_cast<Period>(st.column_int(0)));
    }
    // Freshness.
    {
        auto st = db.prepare("SELECT max(max_day) FROM billing_period");
        if (st.step() && !st.column_is_null(0)) {
            const int64_t ymd = st.column_int(0);
            d.data_through = days_from_civil(static_cast<int>(ymd / 10000),
                                             static_cast<unsigned>(ymd / 100 % 100),
                                             static_cast<unsigned>(ymd % 100));
        }
        auto li = db.prepare("SELECT max(finished_at) FROM ingest");
        if (li.step() && !li.column_is_null(0)) d.last_ingest = li.column_text(0);
    }
    // Forecast: linear from month to date, when the current month is in the period.
    const Period current = period_of(p.as_of);
    if (period_of(p.from) <= current && current <= period_of(p.to) && d.data_through > 0) {
        const Day start = std::max(first_day(current), p.from);
        const Day seen_to = std::min({p.as_of, d.data_through, p.to});
        if (seen_to >= start && start == first_day(current)) {
            Amount mtd = 0;
            for (Day x = start; x <= seen_to; ++x)
                mtd += a.daily[x];
            d.month_to_date = mtd;
            d.forecast_days_seen = seen_to - start + 1;
            d.forecast_days_in_month =
                static_cast<int>(days_in_month(current / 100, current % 100));
            Amount forecast = 0;
            if (mul_div(mtd, d.forecast_days_in_month, d.forecast_days_seen, forecast))
                d.forecast = forecast;
        }
    }
    if (sections.line_items)
        d.line_items = line_items(db, p, cube, static_cast<size_t>(std::max(p.top, 1)) * 5);
    if (sections.reconciliation) reconcile(d, db, src);
    if (sections.recommendations) recommend(d, a, dims);
    // Sources: the ingests behind the periods the report touches.
    if (sections.sources) {
        auto st = db.prepare(
            "SELECT b.period, s.path, s.sha256, s.manifest, s.assembly_id FROM billing_period b "
            "JOIN ingest_source s ON s.ingest_id = b.ingest_id WHERE b.period BETWEEN ? AND ? "
            "ORDER BY b.period, s.path");
        st.bind(1, static_cast<int64_t>(period_of(p.from)));
        st.bind(2, static_cast<int64_t>(period_of(p.to)));
        std::set<std::string> seen;
        while (st.step()) {
            SourceRef s{format_period(static_cast<Period>(st.column_int(0))), st.column_text(1),
                        st.column_text(2), st.column_text(3), st.column_text(4)};
            if (seen.insert(s.path + s.sha256).second) d.sources.push_back(std::move(s));
        }
    }
    return d;
}

}  // namespace curcrunch::report
