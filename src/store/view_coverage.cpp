#include "curcrunch/store/view_coverage.hpp"

#include <algorithm>

namespace curcrunch::store {
namespace {

// The days the units cover (coverage.hpp: from the first of their period through the
// data-through day of their latest delivery), ascending.
std::vector<Day> covered_days(const std::vector<UnitCoverage>& units) {
    std::vector<Day> out;
    for (const UnitCoverage& u : units)
        for (Day d = u.covers_from(); d <= u.data_through; ++d)
            out.push_back(d);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string dates(Day from, Day to) {
    return from == to ? format_day(from) : format_day(from) + " to " + format_day(to);
}

// A window [from, to] that starts on the first of a month: how many months it spans, and
// whether it ends on the last day of its month.
int months_spanned(Day from, Day to) {
    const Period a = period_of(from), b = period_of(to);
    return (b / 100 - a / 100) * 12 + (b % 100 - a % 100) + 1;
}

// The day `d` moved `n` months back, on the same day of the month (or the month's last day).
Day months_back(Day d, int n) {
    const Period p = add_months(period_of(d), -n);
    const CivilDate c = civil_from_days(d);
    const unsigned last = days_in_month(p / 100, static_cast<unsigned>(p % 100));
    return days_from_civil(p / 100, static_cast<unsigned>(p % 100), std::min(c.day, last));
}

}  // namespace

ViewCoverage ViewCoverage::load(Database& db, const std::vector<std::string>& payers) {
    return of_units(unit_coverage(db, payers));
}

ViewCoverage ViewCoverage::of_payers(const std::set<std::string>& payers) const {
    std::vector<UnitCoverage> units;
    for (const UnitCoverage& u : units_)
        if (payers.count(u.payer)) units.push_back(u);
    return of_units(std::move(units));
}

ViewCoverage ViewCoverage::of_units(std::vector<UnitCoverage> units) {
    ViewCoverage c(covered_days(units));
    // unit_coverage orders by payer: each payer's units are consecutive.
    for (size_t a = 0, b; a < units.size(); a = b) {
        for (b = a; b < units.size() && units[b].payer == units[a].payer; ++b) {
        }
        Period latest = 0;
        for (size_t i = a; i < b; ++i)
            latest = std::max(latest, units[i].period);
        c.payers_.push_back(PayerDays{
            units[a].payer, covered_days({units.begin() + a, units.begin() + b}), latest});
    }
    c.units_ = std::move(units);
    return c;
}

std::optional<PeriodStatus> ViewCoverage::status(Period p) const {
    std::optional<PeriodStatus> s;
    for (const UnitCoverage& u : units_) {
        if (u.period != p) continue;
        // Accruing if any payer's month is, final if all are, unknown otherwise.
        if (!s || u.status == PeriodStatus::accruing ||
            (u.status == PeriodStatus::unknown && *s == PeriodStatus::final))
            s = u.status;
    }
    // A payer expected in the month without a unit of it: the month is not final over the
    // scope, whatever the others' status.
    if (s && *s == PeriodStatus::final)
        for (const PayerDays& pd : payers_)
            if (pd.expected_on(last_day(p)) &&
                std::none_of(units_.begin(), units_.end(), [&](const UnitCoverage& u) {
                    return u.payer == pd.payer && u.period == p;
                }))
                s = PeriodStatus::unknown;
    return s;
}

bool ViewCoverage::has_data(Day d) const {
    return std::binary_search(days_.begin(), days_.end(), d);
}

std::vector<Day> ViewCoverage::days_in(Day from, Day to) const {
    auto lo = std::lower_bound(days_.begin(), days_.end(), from);
    auto hi = std::upper_bound(days_.begin(), days_.end(), to);
    return {lo, hi};
}

WindowCoverage ViewCoverage::window(Day from, Day to) const {
    WindowCoverage w;
    w.from = from;
    w.to = to;
    w.days = to >= from ? to - from + 1 : 0;
    auto lo = std::lower_bound(days_.begin(), days_.end(), from);
    auto hi = std::upper_bound(days_.begin(), days_.end(), to);
    w.days_with_data = static_cast<int>(hi - lo);
    // A payer short of the others: days it lacks from its first day in the store on, up to the
    // last day of the window that any payer has data for (days past all data are the window's
    // own shortfall, counted above).
    if (payers_.size() > 1 && hi != lo) {
        const Day last = *(hi - 1);
        for (const PayerDays& pd : payers_) {
            if (pd.days.empty()) continue;
            const Day start = std::max(from, pd.days.front());
            const Day end = std::min(last, last_day(add_months(pd.latest, 1)));
            if (start > end) continue;
            const auto a = std::lower_bound(pd.days.begin(), pd.days.end(), start);
            const auto b = std::upper_bound(pd.days.begin(), pd.days.end(), end);
            const int lacks = (end - start + 1) - static_cast<int>(b - a);
            if (lacks > 0) w.payers_short.emplace_back(pd.payer, lacks);
        }
    }
    return w;
}

std::string WindowCoverage::payers_short_text() const {
    if (payers_short.empty()) return "";
    const auto& [payer, lacks] = payers_short.front();
    std::string s = "payer " + (payer.empty() ? std::string("(none)") : payer) + " lacks " +
                    std::to_string(lacks) + " of " + std::to_string(days) + " days";
    if (payers_short.size() > 1)
        s += " (and " + std::to_string(payers_short.size() - 1) + " more payer" +
             (payers_short.size() > 2 ? "s" : "") + ")";
    return s;
}

std::optional<Day> ViewCoverage::data_through() const {
    if (days_.empty()) return std::nullopt;
    return days_.back();
}

Day default_as_of(Database& db, Day today, const std::vector<std::string>& payers) {
    const DataThrough t = data_through(db, payers);
    return t.latest ? *t.latest : today;
}

DateRange previous_window(Day from, Day to) {
    if (civil_from_days(from).day == 1 && to >= from) {
        const int n = months_spanned(from, to);
        const bool whole = to == last_day(period_of(to));
        const Day pfrom = first_day(add_months(period_of(from), -n));
        const Day pto = whole ? last_day(add_months(period_of(to), -n)) : months_back(to, n);
        return {pfrom, pto};
    }
    const int len = to - from + 1;
    return {from - len, from - 1};
}

DateRange year_earlier(Day from, Day to) {
    return {months_back(from, 12), months_back(to, 12)};
}

Comparison plan_comparison(const ViewCoverage& cov, Day from, Day to,
                           std::optional<DateRange> previous, std::string current_label,
                           std::string previous_label) {
    Comparison c;
    c.current_label = std::move(current_label);
    c.previous_label = std::move(previous_label);
    DateRange prev = previous ? *previous : previous_window(from, to);
    // Like for like: a window running past the data ends where the data ends, and so does the
    // window it is compared with, as many days into its span.
    const std::optional<Day> through = cov.data_through();
    if (through && *through >= from && *through < to) {
        const Day cut = *through;
        if (!previous)
            prev = previous_window(from, cut);
        else
            prev.to = std::min(prev.to, prev.from + (cut - from));
        to = cut;
        c.like_for_like_cut = true;
    }
    c.current = cov.window(from, to);
    c.previous = cov.window(prev.from, prev.to);
    return c;
}

std::string Comparison::verdict() const {
    if (current.none()) return "n/a: no data for " + dates(current.from, current.to);
    if (previous.none()) return "n/a: no data for " + dates(previous.from, previous.to);
    // Days without any data first; then payers short of the others on days that have data.
    for (const auto* w : {&previous, &current}) {
        const std::string& label = w == &previous ? previous_label : current_label;
        if (w->days_with_data < w->days)
            return "partial: " + std::to_string(w->days_with_data) + " of " +
                   std::to_string(w->days) + " days (" + label + ")";
    }
    for (const auto* w : {&previous, &current})
        if (!w->payers_short.empty())
            return "partial: " + w->payers_short_text() + " (" +
                   (w == &previous ? previous_label : current_label) + ")";
    return percent_change(now, before);
}

}  // namespace curcrunch::store
