// gather_report: everything a report or a dashboard view shows, from one scan of the daily
// cost rollup (report_scan.cpp) plus the line items, invoices, recommendations and sources.
#include "curcrunch/report/report_data.hpp"

#include <algorithm>
#include <cstdio>
#include <future>
#include <set>
#include <unordered_map>

#include "anomaly_drivers.hpp"
#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/report_query.hpp"
#include "curcrunch/store/account_directory.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "recommendations.hpp"
#include "reconciliation.hpp"
#include "report_groupings.hpp"
#include "report_scan.hpp"
#include "report_sources.hpp"

namespace curcrunch::report {
namespace {

using store::Database;

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

// A daily series over the covered days from `from` on (zero on a covered day without rows).
DailySeries series_of(const std::vector<Day>& covered, const std::map<Day, Amount>& amounts) {
    DailySeries s;
    for (Day d : covered) {
        auto it = amounts.find(d);
        s.days.push_back(d);
        s.values.push_back(it == amounts.end() ? 0 : it->second);
    }
    return s;
}

// The anomalous usage days and the fee days of the period, each judged against the days with
// data before it (anomaly.hpp), with their drivers.
void judge_days(ReportData& d, const Aggregates& a, const std::vector<Day>& covered,
                DimText& dims) {
    const ReportParams& p = d.params;
    const DailySeries usage = series_of(covered, a.daily_usage);
    d.anomalies = detect_anomalies(usage, p.from, p.to);
    attach_drivers(d.anomalies, usage, a.driver_cells, false, dims, a.service_name);
    const DailySeries fees = series_of(covered, a.daily_fees);
    d.fee_days = detect_anomalies(fees, p.from, p.to);
    attach_drivers(d.fee_days, fees, a.driver_cells, true, dims, a.service_name);
}

// How many days the trend bucket starting at or holding `day` has, whole.
int trend_bucket_length(Day day, store::Grain g) {
    const CivilDate c = civil_from_days(day);
    switch (g) {
        case store::Grain::month:
            return static_cast<int>(days_in_month(c.year, c.month));
        case store::Grain::year:
            return days_from_civil(c.year + 1, 1, 1) - days_from_civil(c.year, 1, 1);
        case store::Grain::week:
            return 7;
        case store::Grain::day:
        case store::Grain::total:
            break;
    }
    return 1;
}

// The months of the view without a day of data, which its tables say "no data" for.
void mark_months_without_data(ReportData& d, const store::ViewCoverage& cov) {
    const ReportParams& p = d.params;
    for (Period m = period_of(p.from); m <= period_of(p.to); m = add_months(m, 1))
        if (cov.window(std::max(first_day(m), p.from), std::min(last_day(m), p.to)).none())
            d.months_without_data.insert(format_period(m));
}

Amount sum_days(const Aggregates& a, Day from, Day to) {
    Amount t = 0;
    for (Day x = from; x <= to; ++x)
        if (auto it = a.daily.find(x); it != a.daily.end()) t += it->second;
    return t;
}

// The trend at the view's granularity: every bucket of [from, to] in time order, with how
// many of its days have data.
void trend(ReportData& d, const Aggregates& a, const store::ViewCoverage& cov) {
    const ReportParams& p = d.params;
    for (Day x = p.from; x <= p.to; ++x) {
        const std::string key = trend_bucket(x, p.granularity);
        if (d.trend.empty() || d.trend.back().key != key) {
            TrendPoint t;
            t.key = t.label = key;
            d.trend.push_back(std::move(t));
        }
        TrendPoint& t = d.trend.back();
        if (auto it = a.daily.find(x); it != a.daily.end()) t.amount += it->second;
        if (t.days++ == 0) t.first = x;
        t.last = x;
        t.days_with_data += cov.has_data(x) ? 1 : 0;
    }
    for (TrendPoint& t : d.trend)
        t.bucket_days = trend_bucket_length(t.first, p.granularity);
}

// The 12 months ending with the period's last, and how much of each has data.
void months(ReportData& d, const Aggregates& a, const store::ViewCoverage& cov) {
    const Period last = period_of(d.params.to);
    for (Period x = add_months(last, -11); x <= last; x = add_months(x, 1)) {
        TrendPoint t;
        t.key = t.label = format_period(x);
        auto it = a.months.find(x);
        t.amount = it == a.months.end() ? 0 : it->second;
        // The scan ends at `to`: the last month is summed (and so counted) up to it only.
        t.first = first_day(x);
        t.last = std::min(last_day(x), d.params.to);
        t.bucket_days = last_day(x) - first_day(x) + 1;
        const store::WindowCoverage w = cov.window(t.first, t.last);
        t.days = w.days;
        t.days_with_data = w.days_with_data;
        t.payers_short = !w.payers_short.empty();
        d.months.push_back(std::move(t));
    }
}

// The comparisons' amounts, from the scanned days.
void compare(ReportData& d, const Aggregates& a) {
    for (store::Comparison* c : {&d.vs_previous, &d.vs_year_ago, &d.month_over_month}) {
        c->now = sum_days(a, c->current.from, c->current.to);
        c->before = sum_days(a, c->previous.from, c->previous.to);
    }
    d.prev_total = d.vs_previous.before;
    if (!d.vs_year_ago.previous.none()) d.year_ago_total = d.vs_year_ago.before;
}

void breakdowns(ReportData& d, const Aggregates& a, DimText& dims) {
    std::unordered_map<int64_t, Amount> services;
    for (const auto& [m, by] : a.service_months)
        for (const auto& [id, v] : by) {
            services[id] += v;
            d.service_months[format_period(m)][dims(id)] += v;
        }
    d.services = sorted(services, dims, &a.service_name);
    for (const auto& [k, v] : d.totals.by_account)
        d.accounts.push_back({k, k, v});
    std::sort(d.accounts.begin(), d.accounts.end(), [](const KeyAmount& x, const KeyAmount& y) {
        return x.amount != y.amount ? x.amount > y.amount : x.key < y.key;
    });
    for (const auto& [id, v] : a.prev_services)
        d.prev_services[dims(id)] += v;
    for (const auto& [id, v] : a.prev_accounts)
        d.prev_accounts[dims(id)] += v;
    for (ChargeClass c : kChargeClasses)
        d.charge_types.push_back(
            {charge_class_key(c), charge_class_label(c), a.charge[static_cast<size_t>(c)]});
}

void store_facts(ReportData& d, Database& db, Day scan_from) {
    const ReportParams& p = d.params;
    const store::AccountDirectory directory = store::AccountDirectory::load(db, false);
    for (const store::AccountInfo* a : directory.listed()) {
        if (!a->name.empty()) d.account_names[a->id] = a->name;
        if (!a->ou_path.empty()) d.account_ou_paths[a->id] = a->ou_path;
    }
    // The periods behind every figure (audit's "no data" needs them), of the payers in scope.
    std::string payers;
    for (size_t i = 0; i < p.payers.size(); ++i)
        payers += i ? ",?" : "?";
    const std::string of_payers = p.payers.empty() ? "" : " AND payer IN (" + payers + ")";
    auto st = db.prepare("SELECT DISTINCT period FROM billing_period WHERE period BETWEEN ? AND ?" +
                         of_payers + " ORDER BY period");
    st.bind(1, static_cast<int64_t>(period_of(scan_from)));
    st.bind(2, static_cast<int64_t>(period_of(p.to)));
    int i = 3;
    for (const std::string& y : p.payers)
        st.bind(i++, y);
    while (st.step())
        d.data_periods.push_back(static_cast<Period>(st.column_int(0)));
    auto through = db.prepare("SELECT max(max_day) FROM billing_period WHERE 1=1" + of_payers);
    i = 1;
    for (const std::string& y : p.payers)
        through.bind(i++, y);
    if (through.step() && !through.column_is_null(0))
        d.data_through = from_yyyymmdd(static_cast<int32_t>(through.column_int(0)));
    auto li = db.prepare("SELECT max(finished_at) FROM ingest");
    if (li.step() && !li.column_is_null(0)) d.last_ingest = li.column_text(0);
}

// Linear from month to date, when the current month is in the period.
void forecast(ReportData& d, const Aggregates& a, const store::ViewCoverage& cov) {
    const ReportParams& p = d.params;
    const Period current = period_of(p.as_of);
    if (period_of(p.from) > current || current > period_of(p.to) || d.data_through == 0) return;
    const Day start = std::max(first_day(current), p.from);
    const Day seen_to = std::min({p.as_of, d.data_through, p.to});
    if (seen_to < start || start != first_day(current)) return;
    // One payer's month to date extended is no forecast of all of theirs.
    if (const store::WindowCoverage w = cov.window(start, seen_to); !w.payers_short.empty()) {
        d.forecast_withheld = w.payers_short_text();
        return;
    }
    Amount mtd = 0;
    for (Day x = start; x <= seen_to; ++x)
        if (auto it = a.daily.find(x); it != a.daily.end()) mtd += it->second;
    d.month_to_date = mtd;
    d.forecast_days_seen = seen_to - start + 1;
    d.forecast_days_in_month = static_cast<int>(days_in_month(current / 100, current % 100));
    Amount forecast = 0;
    if (mul_div(mtd, d.forecast_days_in_month, d.forecast_days_seen, forecast))
        d.forecast = forecast;
}

// The month-over-month tables, from the amounts the scan kept by month and by day.
void month_over_month(ReportData& d, const Aggregates& a, const store::ViewCoverage& cov,
                      DimText& dims, Day end) {
    std::map<std::string, std::string> service_labels;
    for (const KeyAmount& k : d.services)
        service_labels[k.key] = k.label;
    const char* names[kMomDimensions] = {"services", "accounts", "payers"};
    const store::Dimension by[kMomDimensions] = {
        store::Dimension::service, store::Dimension::account, store::Dimension::payer};
    for (int k = 0; k < kMomDimensions; ++k) {
        const MomSums& s = a.mom[k];
        store::MomSource src;
        src.amounts = [&](Day from, Day to) {
            // A whole month (or the last one, up to the scan's end) from the month sums; a cut
            // window (the same days of the month before the last) from the day sums.
            std::unordered_map<int64_t, Amount> sum;
            const Period pm = period_of(from);
            if (from == first_day(pm) && (to == last_day(pm) || to >= end)) {
                if (auto it = s.months.find(pm); it != s.months.end()) sum = it->second;
            } else {
                for (auto it = s.days.lower_bound(from); it != s.days.end() && it->first <= to;
                     ++it)
                    for (const auto& [id, v] : it->second)
                        sum[id] += v;
            }
            std::map<std::string, Amount> out;
            for (const auto& [id, v] : sum)
                out[dims(id)] += v;
            return out;
        };
        src.label = [&](const std::string& key) {
            if (by[k] != store::Dimension::service) return d.account_label(key);
            auto it = service_labels.find(key);
            return it == service_labels.end() ? key : it->second;
        };
        store::MomQuery q;
        q.scope.by = by[k];
        q.scope.measure = d.params.measure;
        q.months = kReportMomMonths;
        q.end = end;
        d.mom[names[k]] = store::month_over_month(cov, q, src);
    }
}

// The line items come from their own table, which the cost scan never reads: a second
// connection reads them on another core while this one scans, when the store is a file (a
// second connection to an in-memory database would be another database) and this connection
// holds no open transaction whose changes the second could not see. Each statement already
// reads its own snapshot, so the figures are as consistent as one connection's.
std::future<LineItems> line_items_alongside(Database& db, const ReportParams& p) {
    const char* file = sqlite3_db_filename(db.handle(), "main");
    if (!file || !*file || !sqlite3_get_autocommit(db.handle())) return {};
    return std::async(std::launch::async, [path = std::string(file), p] {
        Database other(path, Database::Mode::read_only);
        other.advise_random_reads();
        return line_items(other, p, nullptr);
    });
}

}  // namespace

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
    for (auto& [key, c] : all)
        out.push_back(std::move(c));
    auto magnitude = [](Amount a) { return a < 0 ? -a : a; };
    std::stable_sort(out.begin(), out.end(), [&](const Change& a, const Change& b) {
        return magnitude(a.delta()) > magnitude(b.delta());
    });
    return out;
}

std::string TrendPoint::cut_mark() const {
    if (!cut() || days == 0) return "";
    const CivilDate f = civil_from_days(first), l = civil_from_days(last);
    if (bucket_days >= 28 && bucket_days <= 31)  // days of one month
        return "(" + std::to_string(f.day) + "-" + std::to_string(l.day) + ")";
    return "(" + format_day(first).substr(5) + " to " + format_day(last).substr(5) + ")";
}

std::string share_base_note(const ReportData& d) {
    if (d.totals.total > 0 || d.coverage.none()) return "";
    return "Shares are n/a: the period's total, " + money_text(d.totals.total, d.currency) +
           ", is not positive (credits and refunds exceed the charges), so no part of it is a "
           "share of it.";
}

std::string ReportData::account_label(const std::string& id) const {
    auto it = account_names.find(id);
    return store::account_label(it == account_names.end() ? "" : it->second, id);
}

std::string trend_bucket(Day day, store::Grain g) {
    switch (g) {
        case store::Grain::month:
            return format_period(period_of(day));
        case store::Grain::year:
            return std::to_string(civil_from_days(day).year);
        case store::Grain::week:
            return format_day(day - ((day % 7) + 10) % 7);  // its Monday
        case store::Grain::day:
        case store::Grain::total:
            break;
    }
    return format_day(day);
}

namespace {

// What a view reads beyond its period, decided by which days have data.
struct ViewPlan {
    ScanRange range;
    Day mom_end = 0;  // month over month ends where the view's data ends (within the period)
};

ViewPlan plan_view(ReportData& d, const store::ViewCoverage& cov, const Sections& sections) {
    const ReportParams& p = d.params;
    d.coverage = cov.window(p.from, p.to);
    std::optional<store::DateRange> asked;
    if (p.compare_from) asked = store::DateRange{p.compare_from, p.compare_to};
    d.vs_previous =
        store::plan_comparison(cov, p.from, p.to, asked, "this period", "previous period");
    d.prev_from = d.vs_previous.previous.from;
    d.prev_to = d.vs_previous.previous.to;
    d.vs_year_ago = store::plan_comparison(cov, p.from, p.to, store::year_earlier(p.from, p.to),
                                           "this period", "a year earlier");
    {
        // The last month of the view with data, against the month before it.
        const std::optional<Day> through = cov.data_through();
        const Day end = through && *through >= p.from && *through < p.to ? *through : p.to;
        // The view's last month up to the view's last day: month to date against the same days
        // of the month before.
        const Period m = period_of(end);
        d.month_over_month =
            store::plan_comparison(cov, first_day(m), std::min(end, last_day(m)), std::nullopt,
                                   format_period(m), format_period(add_months(m, -1)));
    }
    ScanRange range;
    range.year_from = d.vs_year_ago.previous.from;
    range.year_to = d.vs_year_ago.previous.to;
    // Anomaly scores need the days with data before the period, wherever they are.
    const AnomalyRule rule;
    range.history_from = history_start(cov.days(), p.from, rule);
    range.scan_from =
        std::min({d.prev_from, range.year_from, range.history_from,
                  d.month_over_month.previous.from, first_day(add_months(period_of(p.to), -11))});
    const std::optional<Day> through = cov.data_through();
    const Day mom_end = through && *through >= p.from && *through < p.to ? *through : p.to;
    range.mom = sections.month_over_month;
    range.mom_first = add_months(period_of(mom_end), -kReportMomMonths);
    range.mom_days_from = first_day(add_months(period_of(mom_end), -1));
    if (range.mom) range.scan_from = std::min(range.scan_from, first_day(range.mom_first));
    return {range, mom_end};
}

// The currencies of every row the view reads, with their payers: from the cube when there is
// one (the dashboard, no second pass over the store).
std::vector<store::CurrencyHolding> view_currencies(Database& db, const CostCube* cube,
                                                    const ReportParams& p, Day from) {
    store::Query q = scope_query(p);
    q.from = from;
    if (!cube) return store::currencies_in(db, q);
    DimText dims(db);
    std::map<std::string, std::set<std::string>> by_code;
    for (const auto& [currency, payer] :
         cube->currencies(from, p.to, cube->resolve(db, scan_filter(p))))
        by_code[store::canonical_currency(dims(currency))].insert(dims(payer));
    std::vector<store::CurrencyHolding> out;
    for (auto& [code, payers] : by_code)
        out.push_back({code, std::vector<std::string>(payers.begin(), payers.end())});
    return out;
}

// The currency of the view's figures (chosen, or the one its rows hold: MixedCurrencies
// otherwise), and the payers whose days count when the view names none: those with amounts in
// that currency, when other payers hold only others (their days would be a coverage the figures
// never read). Empty: the view's own payers.
std::vector<std::string> settle_currency(ReportData& d, Database& db, const CostCube* cube,
                                         Day from) {
    ReportParams& p = d.params;
    if (p.every_currency) return {};
    const std::vector<store::CurrencyHolding> held = view_currencies(db, cube, p, from);
    if (p.currency.empty()) p.currency = store::choose_from(db, held, "--currency ");
    d.currency = p.currency;
    if (!p.payers.empty() || held.size() < 2) return {};
    for (const store::CurrencyHolding& h : held)
        if (h.currency == p.currency) return h.payers;
    return {};
}

}  // namespace

std::vector<store::CurrencyHolding> report_currencies(Database& db, const ReportParams& p,
                                                      const CostCube* cube) {
    ReportData d;
    d.params = p;
    const ViewPlan plan = plan_view(d, store::ViewCoverage::load(db, p.payers), Sections{});
    return view_currencies(db, cube, p, plan.range.scan_from);
}

ReportData gather_report(Database& db, const ReportParams& p, const CostCube* cube,
                         const Sections& sections) {
    ReportData d;
    d.params = p;
    // Which days have data decides every comparison (store/view_coverage.hpp).
    store::ViewCoverage cov = store::ViewCoverage::load(db, p.payers);
    ViewPlan plan = plan_view(d, cov, sections);
    if (const auto payers = settle_currency(d, db, cube, plan.range.scan_from); !payers.empty()) {
        cov = store::ViewCoverage::load(db, payers);
        plan = plan_view(d, cov, sections);
    }
    const ScanRange& range = plan.range;
    const Day mom_end = plan.mom_end;

    // Under a region filter there are no line items (kLineItemsNoRegion): the pages say so.
    const bool with_line_items = sections.line_items && p.regions.empty();
    std::future<LineItems> items;
    if (with_line_items && !cube) items = line_items_alongside(db, d.params);
    DimText dims(db);
    const RowSource src(db, cube, d.params);
    Aggregates a = scan_aggregates(src, dims, d, range, sections.fingerprint);
    d.totals = a.current.totals(dims);
    if (sections.fingerprint) d.fingerprint = a.current.fingerprint(dims);
    compare(d, a);
    months(d, a, cov);
    trend(d, a, cov);
    mark_months_without_data(d, cov);
    judge_days(d, a, cov.days_in(range.history_from, p.to), dims);
    breakdowns(d, a, dims);
    store_facts(d, db, range.scan_from);
    if (d.data_through) d.data_through_status = cov.status(period_of(d.data_through));
    forecast(d, a, cov);
    if (sections.month_over_month) month_over_month(d, a, cov, dims, mom_end);
    gather_groupings(d, db, mom_end);
    if (items.valid())
        d.line_items = items.get();
    else if (with_line_items)
        d.line_items = line_items(db, d.params, cube);
    if (sections.reconciliation) reconcile(d, db, src);
    if (sections.recommendations) recommend(d, a, dims);
    if (sections.sources) gather_sources(d, db);
    return d;
}

}  // namespace curcrunch::report
