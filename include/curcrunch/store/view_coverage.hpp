#pragma once
// What a view's days are worth: which of them the store has data for, where views end by
// default, and how two windows are compared like for like. One place for `summary`, reports,
// the dashboard and its JSON API, so none of them treats a day without data as a $0 day or
// compares a month against twenty days.
//
// A day "has data" when a (payer, billing period) unit the store holds covers it: from the first
// of the period through the data-through day of its latest delivery (store/coverage.hpp). Any
// other day is absent from a view: a gap in a chart, "no data" in a table, never a zero.
//
// With several payers a day can have data of some and not of others: one payer's month not
// delivered yet, or a payer behind the others. Such a day is not whole, and a window holding it
// is partial, with the payers it lacks named: the union of the payers' days alone made a
// month of one payer out of two look complete, compared -47.7% with a month of both. A payer
// is expected from its first day in the store on (a payer that joins is no gap before it) to
// the end of the month after its latest billing period (its next delivery; a payer that left
// the organisation, or a provider that stopped, is not expected for ever), and never past the
// last day any payer has data for.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::store {

// How much of [from, to] has data.
struct WindowCoverage {
    Day from = 0, to = 0;
    int days = 0, days_with_data = 0;  // with data: of any payer in scope
    // The payers in scope that lack data on days of the window on which they are expected,
    // with how many such days; by payer.
    std::vector<std::pair<std::string, int>> payers_short;
    bool none() const { return days_with_data == 0; }
    bool complete() const { return days > 0 && days_with_data == days && payers_short.empty(); }
    bool partial() const {
        return days_with_data > 0 && (days_with_data < days || !payers_short.empty());
    }
    // "payer 121111111111 lacks 14 of 14 days" (the first payer short, and how many more);
    // "" when none is.
    std::string payers_short_text() const;
};

class ViewCoverage {
  public:
    // The days with data of the whole store (the payers' units only, when given).
    static ViewCoverage load(Database& db, const std::vector<std::string>& payers = {});
    explicit ViewCoverage(std::vector<Day> days) : days_(std::move(days)) {}
    // The coverage of these payers' units of this one (a table by payer: each row its own).
    ViewCoverage of_payers(const std::set<std::string>& payers) const;
    // The status of billing period `p` over the payers in scope: accruing when any payer's is,
    // final when all are, unknown otherwise; empty when the store does not hold it.
    std::optional<PeriodStatus> status(Period p) const;

    const std::vector<Day>& days() const { return days_; }  // ascending
    bool has_data(Day d) const;
    WindowCoverage window(Day from, Day to) const;
    // The last day with data; empty for an empty store.
    std::optional<Day> data_through() const;
    // The days with data in [from, to].
    std::vector<Day> days_in(Day from, Day to) const;

  private:
    static ViewCoverage of_units(std::vector<UnitCoverage> units);
    struct PayerDays {
        std::string payer;
        std::vector<Day> days;  // ascending
        Period latest = 0;      // its latest billing period in the store
        // Whether the payer is expected on day `d` (see the top of this file).
        bool expected_on(Day d) const {
            return !days.empty() && d >= days.front() && d <= last_day(add_months(latest, 1));
        }
    };
    std::vector<Day> days_;
    std::vector<UnitCoverage> units_;
    std::vector<PayerDays> payers_;  // by payer
};

// Where views end by default: the data-through day (`today` for an empty store), so
// "last-30-days" is the last 30 days the store has, not thirty days of which the last eleven
// are still to be delivered.
Day default_as_of(Database& db, Day today, const std::vector<std::string>& payers = {});

// The window a comparison sets [from, to] against, like for like: a window of whole months
// from the first of a month (month-to-date included) against the same days of as many months
// before ("2026-11-01..2026-11-20" against "2026-10-01..2026-10-20", November against
// October); any other window against the same number of days just before it.
DateRange previous_window(Day from, Day to);
// The same dates a year earlier (29 February becomes the 28th).
DateRange year_earlier(Day from, Day to);

// Two windows and their amounts, cut like for like: when the current window runs past the
// last day with data, both windows end as many days into their span as the data reaches.
struct Comparison {
    std::string current_label, previous_label;  // "this period", "previous period", ...
    WindowCoverage current, previous;
    Amount now = 0, before = 0;
    bool like_for_like_cut = false;  // the windows were shortened to the days with data

    bool comparable() const { return !current.none() && !previous.none() && !partial(); }
    bool partial() const { return current.partial() || previous.partial(); }
    // "+12.3%", or "n/a: no data for 2024-11-01 to 2025-10-31", or "partial: 20 of 31 days
    // (previous period)".
    std::string verdict() const;
};

// Plans the comparison of [from, to] with `previous` (empty: previous_window) over `cov`; the
// amounts are the caller's to fill from the windows it returns.
Comparison plan_comparison(const ViewCoverage& cov, Day from, Day to,
                           std::optional<DateRange> previous, std::string current_label,
                           std::string previous_label);

}  // namespace curcrunch::store
