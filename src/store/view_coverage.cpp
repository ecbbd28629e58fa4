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
    std::vector<UnitCoverage> units = unit_coverage(db, payers);
    ViewCoverage c(covered_days(units));
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
    return w;
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
    if (previous.partial())
        return "partial: " + std::to_string(previous.days_with_data) + " of " +
               std::to_string(previous.days) + " days (" + previous_label + ")";
    if (current.partial())
        return "partial: " + std::to_string(current.days_with_data) + " of " +
               std::to_string(current.days) + " days (" + current_label + ")";
    return percent_change(now, before);
}

}  // namespace curcrunch::store
