#include "meter_rollup.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <memory>
#include <thread>
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

// A worker's distinct string values, each numbered once: a day's unique_count keeps numbers,
// and looking a value up compares it with one copy that stays in cache, not with an earlier
// row's text somewhere in the batches.
class Interner {
  public:
    uint32_t id(std::string_view t) {
        auto [it, added] = ids_.try_emplace(t, static_cast<uint32_t>(texts_.size()));
        if (added) texts_.push_back(t);
        return it->second;
    }
    std::string_view text(uint32_t id) const { return texts_[id]; }

  private:
    std::unordered_map<std::string_view, uint32_t> ids_;  // views into the batches
    std::vector<std::string_view> texts_;
};

// A set of Interner ids: open addressing in a power-of-two table (id + 1 stored, 0 empty),
// kept at most half full; a day usually holds few ids, and this costs one multiply and a probe
// or two per row where a node-based set chases pointers.
class IdSet {
  public:
    void insert(uint32_t id) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        if (put(slots_, id)) ++size_;
    }
    template <class F>
    void each(F&& f) const {
        for (uint32_t v : slots_)
            if (v) f(v - 1);
    }

  private:
    static bool put(std::vector<uint32_t>& t, uint32_t id) {
        const size_t mask = t.size() - 1;
        for (size_t i = (id * 0x9E3779B1u) & mask;; i = (i + 1) & mask) {
            if (t[i] == id + 1) return false;
            if (t[i] == 0) {
                t[i] = id + 1;
                return true;
            }
        }
    }
    void grow() {
        std::vector<uint32_t> bigger(slots_.empty() ? 16 : slots_.size() * 2, 0);
        for (uint32_t v : slots_)
            if (v) put(bigger, v - 1);
        slots_.swap(bigger);
    }
    std::vector<uint32_t> slots_;
    size_t size_ = 0;
};

struct Distinct {
    IdSet texts;                                     // Interner ids
    std::unordered_set<Amount, AmountHash> numbers;  // number fields
};

// One aggregation's state for one (account, meter, day), with views into the batches. Small,
// so that the states of a batch's days stay in cache; only unique_count has a set.
struct AggState {
    Amount value = 0;
    Micros at = 0;
    std::string_view uid;
    bool has = false;
    std::unique_ptr<Distinct> distinct;
};
struct DayState {
    int64_t events = 0;
    std::vector<AggState> aggs;
};
using DayMap = std::unordered_map<uint64_t, DayState>;

struct Worker {
    DayMap days;
    Interner strings;
};

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
          const Measurement& m, const MeasurementBatch& b, Interner& strings) {
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
            if (!s.has || is_later(m.at, b.uid(m), s.at, s.uid)) {
                s.value = v.number;
                s.at = m.at;
                s.uid = b.uid(m);
            }
            break;
        case Aggregation::unique_count:
            if (!s.distinct) s.distinct = std::make_unique<Distinct>();
            if (ft == FieldType::string) {
                s.distinct->texts.insert(strings.id(b.text_of(v)));
            } else {
                s.distinct->numbers.insert(v.number);
            }
            break;
    }
    s.has = true;
}

// `from` of another worker (its own string ids) into `into`.
void merge(AggState& into, AggState& from, const Interner& from_strings, Aggregation type,
           Interner& strings) {
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
            if (!into.has || is_later(from.at, from.uid, into.at, into.uid)) {
                into.value = from.value;
                into.at = from.at;
                into.uid = from.uid;
            }
            break;
        case Aggregation::unique_count:
            if (!into.distinct) into.distinct = std::make_unique<Distinct>();
            from.distinct->texts.each([&](uint32_t id) {
                into.distinct->texts.insert(strings.id(from_strings.text(id)));
            });
            into.distinct->numbers.merge(from.distinct->numbers);
            break;
    }
    into.has = true;
}

void fold_batch(const MeterCatalog& catalog, const MeasurementBatch& b,
                const std::vector<uint8_t>& fresh, Worker& w) {
    DayMap& days = w.days;
    static const FieldValue none{};
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
                fold(s.aggs[a], ag, FieldType::decimal, none, m, b, w.strings);
                continue;
            }
            const auto f = static_cast<size_t>(ag.field_index);
            fold(s.aggs[a], ag, mt.fields[f].type, b.values[m.first_value + f], m, b, w.strings);
        }
    }
}

}  // namespace

DailyRollup roll_up_measurements(const MeterCatalog& catalog,
                                 const std::vector<MeasurementBatch>& batches,
                                 const std::vector<std::vector<uint8_t>>& fresh) {
    key_limits(catalog);
    // One map per worker, each folding a run of batches: merging costs about as much as
    // folding (a day's distinct values are united again), so there are as few maps as threads.
    const size_t workers = std::max<size_t>(
        1, std::min<size_t>(batches.size(), std::max(1u, std::thread::hardware_concurrency())));
    const size_t per = (batches.size() + workers - 1) / workers;
    std::vector<Worker> maps(workers);
    tbb::parallel_for(size_t(0), workers, [&](size_t w) {
        for (size_t i = w * per; i < std::min(batches.size(), (w + 1) * per); ++i)
            fold_batch(catalog, batches[i], fresh[i], maps[w]);
    });
    DayMap& days = maps[0].days;
    Interner& strings = maps[0].strings;
    for (size_t w = 1; w < workers; ++w) {
        for (auto& [key, s] : maps[w].days) {
            auto [it, added] = days.try_emplace(key);
            if (added) it->second.aggs.resize(s.aggs.size());
            const Meter& mt = catalog.meter(static_cast<int>((key >> 24) & 0xFFFF));
            it->second.events += s.events;
            for (size_t a = 0; a < mt.aggregations.size(); ++a)
                merge(it->second.aggs[a], s.aggs[a], maps[w].strings, mt.aggregations[a].type,
                      strings);
        }
        maps[w].days.clear();
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
            if (st.distinct) {
                st.distinct->texts.each([&](uint32_t id) { d.distinct.emplace(strings.text(id)); });
                for (Amount v : st.distinct->numbers)
                    d.distinct.emplace(to_plain_string(v));
            }
            if (mt.aggregations[a].type == Aggregation::unique_count)
                d.value = static_cast<Amount>(d.distinct.size()) * kUnit;
            out.aggregates[{account, mt.id, mt.aggregations[a].id, day}] = std::move(d);
        }
        out.events[{account, mt.id, day}] = s.events;
    }
    return out;
}

}  // namespace curcrunch::billing
