#pragma once
// Day-based proration of monthly amounts (standing charges, minimums): a subscription active
// on d of the month's n days pays d/n of the monthly amount, exactly (a Fraction, rounded only
// as an invoice line). Days are whole UTC days; the start day and the end day both count.
#include <optional>

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/core/calendar.hpp"

namespace curcrunch::billing {

struct ActiveDays {
    Day first = 0, last = 0;  // the active days of the month, when days > 0
    int days = 0;             // active days in the month
    int month_days = 0;       // days in the month
    bool whole() const { return days == month_days; }
    Fraction share() const { return Fraction::of_ratio(days, month_days); }
};

// The days of `period` within [start, end] (end absent: open).
ActiveDays active_days(Period period, Day start, std::optional<Day> end);

}  // namespace curcrunch::billing
