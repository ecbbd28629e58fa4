#include "meter_rollup.hpp"

#include <tbb/parallel_for.h>

#include <unordered_map>
#include <unordered_set>

#include "curcrunch/core/error.hpp"

namespace curcrunch::billing {
namespace {

struct AmountHash {
    size_t operator()(Amount v) const noexcept {
        const auto u = static_cast<unsigned __int128>(v);
        return std::hash<uint64_t>{}(static_cast<uint64_t>(u) ^
                                     (static_cast<uint64_t>(u >> 64) * 0x9E3779B97F4A7C15ull));
    }
};

// One aggregation's state for one (account, meter, day), with views into the batches.
struct AggState {
    Amount value = 0;
    bool has = false;
    Micros at = 0;
    std::string_view uid;
    std::unordered_set<std::string_view> texts;      // unique_count of a string field
    std::unordered_set<Amount, AmountHash> numbers;  // unique_count of a number field
};
struct DayState {
    int64_t events = 0;
    std::vector<AggState> aggs;
};
using DayMap = std::unordered_map<uint64_t, DayState>;

bool later(Micros a, std::string_view au, Micros b, std::string_view bu) {
    return a > b || (a == b && au > bu);
}

// account (24 bits), meter (16 bits), day number since 1970 (24 bits): the limits are checked
// once per ingest (key_limits) and timestamps lie between 2000 and tomorrow (measurement.hpp).
uint64_t day_key(int32_t account, int32_t meter, Day day) {
    return (static_cast<uint64_t>(account) << 40) | (static_cast<uint64_t>(meter) << 24) |
           static_cast<uint64_t>(static_cast<uint32_t>(day) & 0xFFFFFF);
}

void key_limits(const MeterCatalog& c) {
    if (c.account_count() >= (1u << 24) || c.meter_count() >= (1u << 16))
        throw_usage("meters ingest: at most 16777215 usage accounts and 65535 meters");
}

void fold(AggState& s, const MeterAggregation& ag, FieldType ft, const FieldValue& v,
          const Measurement& m, const MeasurementBatch& b) {
    switch (ag.type) {
        case Aggregation::sum:
            s.value = checked_add(s.value, v.number);
            break;
        case Aggregation::count:
            s.value = checked_add(s.value, kUnit);
            break;
        case Aggregation::max:
            if (!s.has || v.number > s.value) s.value = v.number;
            break;
        case Aggregation::latest:
            if (!s.has || later(m.at, b.uid(m), s.at, s.uid)) {
                s.value = v.number;
                s.at = m.at;
                s.uid = b.uid(m);
            }
            break;
        case Aggregation::unique_count:
            if (ft == FieldType::string) {
                s.texts.insert(b.text_of(v));
            } else {
                s.numbers.insert(v.number);
            }
            break;
    }
    s.has = true;
}

void merge(AggState& into, AggState& from, Aggregation type) {
    if (!from.has) return;
    switch (type) {
        case Aggregation::sum:
        case Aggregation::count:
            into.value = checked_add(into.value, from.value);
            break;
        case Aggregation::max:
            if (!into.has || from.value > into.value) into.value = from.value;
            break;
        case Aggregation::latest:
            if (!into.has || later(from.at, from.uid, into.at, into.uid)) {
                into.value = from.value;
                into.at = from.at;
                into.uid = from.uid;
            }
            break;
        case Aggregation::unique_count:
            into.texts.merge(from.texts);
            into.numbers.merge(from.numbers);
            break;
    }
    into.has = true;
}

DayMap fold_batch(const MeterCatalog& catalog, const MeasurementBatch& b,
                  const std::vector<uint8_t>& fresh) {
    static const FieldValue none{};
    DayMap days;
    for (size_t r = 0; r < b.rows.size(); ++r) {
        if (!fresh[r]) continue;
        const Measurement& m = b.rows[r];
        const Meter& mt = catalog.meter(m.meter);
        DayState& s = days[day_key(m.account, m.meter, day_of(m.at))];
        if (s.aggs.empty()) s.aggs.resize(mt.aggregations.size());
        ++s.events;
        for (size_t a = 0; a < mt.aggregations.size(); ++a) {
            const MeterAggregation& ag = mt.aggregations[a];
            if (ag.field_index < 0) {
                fold(s.aggs[a], ag, FieldType::decimal, none, m, b);
                continue;
            }
            const auto f = static_cast<size_t>(ag.field_index);
            fold(s.aggs[a], ag, mt.fields[f].type, b.values[m.first_value + f], m, b);
        }
    }
    return days;
}

}  // namespace

DailyRollup roll_up_measurements(const MeterCatalog& catalog,
                                 const std::vector<MeasurementBatch>& batches,
                                 const std::vector<std::vector<uint8_t>>& fresh) {
    key_limits(catalog);
    std::vector<DayMap> maps(batches.size());
    tbb::parallel_for(size_t(0), batches.size(),
                      [&](size_t i) { maps[i] = fold_batch(catalog, batches[i], fresh[i]); });
    DayMap days;
    for (DayMap& m : maps) {
        for (auto& [key, s] : m) {
            auto [it, added] = days.try_emplace(key);
            if (added) {
                it->second = std::move(s);
                continue;
            }
            const Meter& mt = catalog.meter(static_cast<int>((key >> 24) & 0xFFFF));
            it->second.events += s.events;
            for (size_t a = 0; a < mt.aggregations.size(); ++a)
                merge(it->second.aggs[a], s.aggs[a], mt.aggregations[a].type);
        }
        m.clear();
    }
    DailyRollup out;
    for (auto& [key, s] : days) {
        const std::string& account = catalog.account(static_cast<int>(key >> 40));
        const Meter& mt = catalog.meter(static_cast<int>((key >> 24) & 0xFFFF));
        const int32_t day = to_yyyymmdd(static_cast<Day>(key & 0xFFFFFF));
        for (size_t a = 0; a < mt.aggregations.size(); ++a) {
            const AggState& st = s.aggs[a];
            DailyAggregate d;
            d.value = st.value;
            d.has_value = st.has;
            d.latest_at = st.at;
            d.latest_uid = std::string(st.uid);
            for (std::string_view t : st.texts)
                d.distinct.emplace(t);
            for (Amount v : st.numbers)
                d.distinct.emplace(to_plain_string(v));
            if (mt.aggregations[a].type == Aggregation::unique_count)
                d.value = static_cast<Amount>(d.distinct.size()) * kUnit;
            out.aggregates[{account, mt.id, mt.aggregations[a].id, day}] = std::move(d);
        }
        out.events[{account, mt.id, day}] = s.events;
    }
    return out;
}

}  // namespace curcrunch::billing
