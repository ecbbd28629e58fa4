#pragma once
// The usage side of the store (schema: BILLING block of store/schema.cpp): measurements are
// remembered by uid, and rolled up per usage account, meter, aggregation and UTC day. What a
// billing run reads back is the aggregate of an account's meter over a range of days.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/meter_values.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

// One day's aggregate of one aggregation of one meter for one usage account.
// The order of "latest": the later instant, and at the same instant the larger uid, so that
// the latest value of a day does not depend on the order measurements arrive in.
inline bool is_later(Micros a_at, std::string_view a_uid, Micros b_at, std::string_view b_uid) {
    return a_at > b_at || (a_at == b_at && a_uid > b_uid);
}

struct DailyAggregate {
    Amount value = 0;        // sum, count x 10^10, max, or the latest value
    bool has_value = false;  // max/latest: a measurement was seen
    Micros latest_at = 0;
    std::string latest_uid;
    std::set<std::string> distinct;  // unique_count: canonical values seen that day
    // Folds one measurement's value in (for latest: its instant and uid decide).
    void add(Aggregation type, Amount v, Micros at, std::string_view uid, std::string_view text);
    // Folds another day-aggregate of the same key in.
    void merge(Aggregation type, const DailyAggregate& o);
};

struct DailyKey {
    std::string account, meter, aggregation;
    int32_t day = 0;  // yyyymmdd
    bool operator<(const DailyKey& o) const {
        return std::tie(account, meter, aggregation, day) <
               std::tie(o.account, o.meter, o.aggregation, o.day);
    }
};

struct DailyRollup {
    std::map<DailyKey, DailyAggregate> aggregates;
    // (account, meter, yyyymmdd) -> measurements
    std::map<std::tuple<std::string, std::string, int32_t>, int64_t> events;
};

// Adds `rollup` to the daily tables inside the caller's transaction, merging with what is
// stored. `types` gives each (meter, aggregation)'s type.
void merge_daily_rollup(store::Database& db, const DailyRollup& rollup,
                        const std::map<std::pair<std::string, std::string>, Aggregation>& types);

// An account's aggregate over the days [from, to] (inclusive), and its measurement count.
struct PeriodUsage {
    Amount value = 0;  // for unique_count: the distinct values x 10^10
    int64_t events = 0;
};
PeriodUsage read_period_usage(store::Database& db, const std::string& account, const Meter& meter,
                              const MeterAggregation& agg, Day from, Day to);

}  // namespace curcrunch::billing
