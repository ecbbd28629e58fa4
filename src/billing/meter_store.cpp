#include "curcrunch/billing/meter_store.hpp"

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::billing {
namespace {

bool later(Micros a_at, std::string_view a_uid, Micros b_at, std::string_view b_uid) {
    return a_at > b_at || (a_at == b_at && a_uid > b_uid);
}

}  // namespace

void DailyAggregate::add(Aggregation type, Amount v, Micros at, std::string_view uid,
                         std::string_view text) {
    switch (type) {
        case Aggregation::sum:
            value = checked_add(value, v);
            break;
        case Aggregation::count:
            value = checked_add(value, kUnit);
            break;
        case Aggregation::max:
            if (!has_value || v > value) value = v;
            break;
        case Aggregation::latest:
            if (!has_value || later(at, uid, latest_at, latest_uid)) {
                value = v;
                latest_at = at;
                latest_uid = std::string(uid);
            }
            break;
        case Aggregation::unique_count:
            distinct.emplace(text);
            value = static_cast<Amount>(distinct.size()) * kUnit;
            break;
    }
    has_value = true;
}

void DailyAggregate::merge(Aggregation type, const DailyAggregate& o) {
    if (!o.has_value) return;
    switch (type) {
        case Aggregation::sum:
        case Aggregation::count:
            value = checked_add(value, o.value);
            break;
        case Aggregation::max:
            if (!has_value || o.value > value) value = o.value;
            break;
        case Aggregation::latest:
            if (!has_value || later(o.latest_at, o.latest_uid, latest_at, latest_uid)) {
                value = o.value;
                latest_at = o.latest_at;
                latest_uid = o.latest_uid;
            }
            break;
        case Aggregation::unique_count:
            distinct.insert(o.distinct.begin(), o.distinct.end());
            value = static_cast<Amount>(distinct.size()) * kUnit;
            break;
    }
    has_value = true;
}

void merge_daily_rollup(store::Database& db, const DailyRollup& rollup,
                        const std::map<std::pair<std::string, std::string>, Aggregation>& types) {
    auto get = db.prepare(
        "SELECT value, latest_at, latest_uid FROM meter_daily "
        "WHERE account = ? AND meter = ? AND aggregation = ? AND day = ?");
    auto put = db.prepare(
        "INSERT OR REPLACE INTO meter_daily(account, meter, aggregation, day, value, latest_at, "
        "latest_uid) VALUES (?,?,?,?,?,?,?)");
    auto put_distinct = db.prepare(
        "INSERT OR IGNORE INTO meter_distinct(account, meter, aggregation, day, value) "
        "VALUES (?,?,?,?,?)");
    auto count_distinct = db.prepare(
        "SELECT count(*) FROM meter_distinct WHERE account = ? AND meter = ? AND aggregation = ? "
        "AND day = ?");
    for (const auto& [k, fresh] : rollup.aggregates) {
        const Aggregation type = types.at({k.meter, k.aggregation});
        DailyAggregate merged = fresh;
        if (type == Aggregation::unique_count) {
            for (const std::string& v : fresh.distinct) {
                put_distinct.bind(1, k.account).bind(2, k.meter).bind(3, k.aggregation);
                put_distinct.bind(4, static_cast<int64_t>(k.day)).bind(5, v);
                put_distinct.run();
                put_distinct.reset();
            }
            count_distinct.bind(1, k.account).bind(2, k.meter).bind(3, k.aggregation);
            count_distinct.bind(4, static_cast<int64_t>(k.day));
            count_distinct.step();
            merged.value = static_cast<Amount>(count_distinct.column_int(0)) * kUnit;
            count_distinct.reset();
        } else {
            get.bind(1, k.account).bind(2, k.meter).bind(3, k.aggregation);
            get.bind(4, static_cast<int64_t>(k.day));
            if (get.step()) {
                DailyAggregate stored;
                stored.value = get.column_amount(0);
                stored.has_value = true;
                stored.latest_at = get.column_int(1);
                stored.latest_uid = get.column_text(2);
                merged = stored;
                merged.merge(type, fresh);
            }
            get.reset();
        }
        put.bind(1, k.account).bind(2, k.meter).bind(3, k.aggregation);
        put.bind(4, static_cast<int64_t>(k.day)).bind_amount(5, merged.value);
        put.bind(6, static_cast<int64_t>(merged.latest_at)).bind(7, merged.latest_uid);
        put.run();
        put.reset();
    }
    auto ev = db.prepare(
        "INSERT INTO meter_events(account, meter, day, events) VALUES (?,?,?,?) "
        "ON CONFLICT(account, meter, day) DO UPDATE SET events = events + excluded.events");
    for (const auto& [k, n] : rollup.events) {
        ev.bind(1, std::get<0>(k)).bind(2, std::get<1>(k));
        ev.bind(3, static_cast<int64_t>(std::get<2>(k))).bind(4, n);
        ev.run();
        ev.reset();
    }
}

PeriodUsage read_period_usage(store::Database& db, const std::string& account, const Meter& meter,
                              const MeterAggregation& agg, Day from, Day to) {
    PeriodUsage u;
    const int64_t d0 = to_yyyymmdd(from), d1 = to_yyyymmdd(to);
    if (agg.type == Aggregation::unique_count) {
        auto st = db.prepare(
            "SELECT count(DISTINCT value) FROM meter_distinct WHERE account = ? AND meter = ? AND "
            "aggregation = ? AND day BETWEEN ? AND ?");
        st.bind(1, account).bind(2, meter.id).bind(3, agg.id).bind(4, d0).bind(5, d1);
        st.step();
        u.value = static_cast<Amount>(st.column_int(0)) * kUnit;
    } else {
        auto st = db.prepare(
            "SELECT value, latest_at, latest_uid FROM meter_daily WHERE account = ? AND meter = ? "
            "AND aggregation = ? AND day BETWEEN ? AND ?");
        st.bind(1, account).bind(2, meter.id).bind(3, agg.id).bind(4, d0).bind(5, d1);
        DailyAggregate total;
        while (st.step()) {
            DailyAggregate day;
            day.value = st.column_amount(0);
            day.has_value = true;
            day.latest_at = st.column_int(1);
            day.latest_uid = st.column_text(2);
            total.merge(agg.type, day);
        }
        u.value = total.value;
    }
    auto ev = db.prepare(
        "SELECT events FROM meter_events WHERE account = ? AND meter = ? AND day BETWEEN ? AND ?");
    ev.bind(1, account).bind(2, meter.id).bind(3, d0).bind(4, d1);
    while (ev.step()) {
        int64_t n;
        if (__builtin_add_overflow(u.events, ev.column_int(0), &n))
            throw_input("meter " + meter.id + ": too many measurements to count");
        u.events = n;
    }
    return u;
}

}  // namespace curcrunch::billing
