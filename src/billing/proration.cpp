#include "curcrunch/billing/proration.hpp"

#include <algorithm>

namespace curcrunch::billing {

ActiveDays active_days(Period period, Day start, std::optional<Day> end) {
    ActiveDays a;
    const Day m0 = first_day(period), m1 = last_day(period);
    a.month_days = m1 - m0 + 1;
    a.first = std::max(m0, start);
    a.last = end ? std::min(m1, *end) : m1;
    a.days = a.last >= a.first ? a.last - a.first + 1 : 0;
    return a;
}

}  // namespace curcrunch::billing
