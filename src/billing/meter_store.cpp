#include "curcrunch/billing/meter_store.hpp"

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::billing {
namespace {

// meter_distinct.vals: sorted texts, each after its length as 4 little-endian bytes.
std::string encode_values(const std::set<std::string>& v) {
    std::string o;
    for (const std::string& s : v) {
        const uint32_t n = static_cast<uint32_t>(s.size());  // at most 1024 (measurement.hpp)
        for (int i = 0; i < 4; ++i)
            o.push_back(static_cast<char>(n >> (8 * i)));
        o += s;
    }
    return o;
}

template <class F>
void decode_values(const std::string& blob, const std::string& what, F&& each) {
    size_t p = 0;
    while (p < blob.size()) {
        if (p + 4 > blob.size()) throw_store(what + ": damaged distinct values");
        uint32_t n = 0;
        for (int i = 3; i >= 0; --i)
            n = (n << 8) | static_cast<unsigned char>(blob[p + static_cast<size_t>(i)]);
        p += 4;
        if (n > blob.size() - p) throw_store(what + ": damaged distinct values");
        each(std::string_view(blob).substr(p, n));
        p += n;
    }
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
            if (!has_value || is_later(at, uid, latest_at, latest_uid)) {
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
            if (!has_value || is_later(o.latest_at, o.latest_uid, latest_at, latest_uid)) {
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
    auto get_distinct = db.prepare(
        "SELECT vals FROM meter_distinct WHERE account = ? AND meter = ? AND aggregation = ? "
        "AND day = ?");
    auto put_distinct = db.prepare(
        "INSERT OR REPLACE INTO meter_distinct(account, meter, aggregation, day, vals) "
        "VALUES (?,?,?,?,?)");
    for (const auto& [k, fresh] : rollup.aggregates) {
        const Aggregation type = types.at({k.meter, k.aggregation});
        DailyAggregate merged = fresh;
        if (type == Aggregation::unique_count) {
            get_distinct.bind(1, k.account).bind(2, k.meter).bind(3, k.aggregation);
            get_distinct.bind(4, static_cast<int64_t>(k.day));
            if (get_distinct.step())
                decode_values(get_distinct.column_blob(0), db.path(),
                              [&](std::string_view v) { merged.distinct.emplace(v); });
            get_distinct.reset();
            put_distinct.bind(1, k.account).bind(2, k.meter).bind(3, k.aggregation);
            put_distinct.bind(4, static_cast<int64_t>(k.day));
            put_distinct.bind_blob(5, encode_values(merged.distinct));
            put_distinct.run();
            put_distinct.reset();
            merged.value = static_cast<Amount>(merged.distinct.size()) * kUnit;
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
        // Every stored amount is within 10^14 (core/money.hpp), so sums over any days of the
        // table stay far from 128 bits; a day beyond it is bad input and the ingest rolls back.
        if (!within_amount_bound(merged.value))
            throw_input("meter " + k.meter + ", aggregation " + k.aggregation + ", account " +
                        shown_text(k.account) + ", day " + std::to_string(k.day) +
                        ": the day's value would be beyond " + kMaxAmountText +
                        "; nothing was stored");
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
            "SELECT vals FROM meter_distinct WHERE account = ? AND meter = ? AND "
            "aggregation = ? AND day BETWEEN ? AND ?");
        st.bind(1, account).bind(2, meter.id).bind(3, agg.id).bind(4, d0).bind(5, d1);
        std::set<std::string> all;
        while (st.step())
            decode_values(st.column_blob(0), db.path(),
                          [&](std::string_view v) { all.emplace(v); });
        u.value = static_cast<Amount>(all.size()) * kUnit;
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
