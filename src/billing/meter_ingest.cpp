#include "curcrunch/billing/meter_ingest.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <unordered_map>

#include "curcrunch/billing/meter_store.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::billing {
namespace {

struct Source {
    std::string path, sha256;
    size_t bytes = 0;
};

std::string read_whole(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw_input(path + ": cannot read the meter file");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

[[noreturn]] void refuse(const std::vector<MeterProblem>& problems, uint64_t total) {
    std::string msg;
    for (const auto& p : problems)
        msg += (msg.empty() ? "" : "\n") + p.text();
    if (total > problems.size())
        msg += "\n... and " + std::to_string(total - problems.size()) + " more";
    msg += "\nnothing was stored (--on-error=skip stores the good records and lists the rest)";
    throw_input(msg);
}

// A reference to one parsed measurement, sortable by uid hash.
struct Ref {
    uint64_t hash;
    uint32_t batch, row;
};

std::string canonical_text(const FieldValue& v, FieldType t, const MeasurementBatch& b) {
    return t == FieldType::string ? std::string(b.text_of(v)) : to_plain_string(v.number);
}

class Ingest {
  public:
    Ingest(store::Database& db, const BillingConfig& c, const MeterIngestOptions& o)
        : db_(db), config_(c), catalog_(c), o_(o) {}

    MeterIngestResult run(const std::vector<std::string>& paths) {
        const std::string started = store::now_utc_iso();
        parse(paths);
        if (!result_.problems.empty() && !o_.skip_bad_rows) refuse(result_.problems, bad_rows_);
        result_.skipped = bad_rows_;
        std::vector<Ref> unique = dedupe_input();
        store::Transaction tx(db_);
        const int64_t ingest_id = record_ingest(started);
        std::vector<Ref> fresh = record_uids(unique, ingest_id);
        if (!conflicts_.empty() && !o_.skip_bad_rows) refuse(conflicts_, conflicts_.size());
        for (auto& p : conflicts_)
            if (result_.problems.size() < o_.max_problems) result_.problems.push_back(p);
        result_.skipped += conflicts_.size();
        result_.stored = fresh.size();
        if (fresh.empty()) return result_;  // the transaction rolls back: nothing written
        rollup(fresh);
        finish_record(ingest_id);
        tx.commit();
        result_.ingest_id = ingest_id;
        return result_;
    }

  private:
    void parse(const std::vector<std::string>& paths) {
        if (paths.empty()) throw_usage("meters ingest: give at least one meter file");
        const Micros now = o_.now ? o_.now
                                  : std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
        MeterParseLimits lim;
        lim.earliest = static_cast<Micros>(days_from_civil(2000, 1, 1)) * 86400000000;
        lim.latest = now + 86400000000;
        lim.max_problems = o_.max_problems;
        batches_.resize(paths.size());
        for (size_t i = 0; i < paths.size(); ++i) {
            const std::string bytes = read_whole(paths[i]);
            // The file's sha256 is taken while it is parsed.
            auto digest = std::async(std::launch::async, [&bytes] { return Sha256::of(bytes); });
            batches_[i].source = paths[i];
            parse_meter_file(bytes, catalog_, lim, batches_[i], result_.problems, bad_rows_);
            sources_.push_back({paths[i], digest.get(), bytes.size()});
            result_.lines += static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
        }
    }

    const Measurement& at(const Ref& r) const { return batches_[r.batch].rows[r.row]; }
    std::string_view uid(const Ref& r) const { return batches_[r.batch].uid(at(r)); }
    std::string where(const Ref& r) const {
        return batches_[r.batch].source + ":" + std::to_string(at(r).line);
    }

    void conflict(const Ref& r, const std::string& message) {
        conflicts_.push_back({batches_[r.batch].source, at(r).line, "uid", message});
    }

    // Within the input: the first occurrence of a uid counts; a later one with the same content
    // is a duplicate, with other content a conflict.
    std::vector<Ref> dedupe_input() {
        std::vector<Ref> refs;
        size_t total = 0;
        for (const auto& b : batches_)
            total += b.rows.size();
        refs.reserve(total);
        for (uint32_t b = 0; b < batches_.size(); ++b)
            for (uint32_t r = 0; r < batches_[b].rows.size(); ++r)
                refs.push_back({batches_[b].rows[r].uid_hash, b, r});
        std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
            return a.hash != b.hash ? a.hash < b.hash
                                    : (a.batch != b.batch ? a.batch < b.batch : a.row < b.row);
        });
        std::vector<Ref> out;
        out.reserve(refs.size());
        for (size_t i = 0; i < refs.size();) {
            size_t j = i;
            while (j < refs.size() && refs[j].hash == refs[i].hash)
                ++j;
            const size_t group_start = out.size();
            for (size_t k = i; k < j; ++k) {
                const Ref* first = nullptr;
                for (size_t q = group_start; q < out.size(); ++q)
                    if (uid(out[q]) == uid(refs[k])) first = &out[q];
                if (!first) {
                    out.push_back(refs[k]);
                } else if (at(*first).content == at(refs[k]).content) {
                    ++result_.duplicates;
                } else {
                    conflict(refs[k], "'" + std::string(uid(refs[k])).substr(0, 64) +
                                          "' is also at " + where(*first) + " with other values");
                }
            }
            i = j;
        }
        return out;
    }

    int64_t record_ingest(const std::string& started) {
        std::string sources = "[";
        for (const auto& s : sources_)
            sources += std::string(sources.size() > 1 ? "," : "") +
                       "{\"path\":" + json_quote(s.path) + ",\"sha256\":\"" + s.sha256 +
                       "\",\"bytes\":" + std::to_string(s.bytes) + "}";
        sources += "]";
        auto st = db_.prepare(
            "INSERT INTO meter_ingest(started_at, finished_at, tool_version, config_sha256, "
            "on_error, sources, measurements, duplicates, skipped) VALUES (?,?,?,?,?,?,0,0,0)");
        st.bind(1, started).bind(2, started).bind(3, std::string_view(CURCRUNCH_VERSION));
        st.bind(4, config_.sha256).bind(5, std::string_view(o_.skip_bad_rows ? "skip" : "fail"));
        st.bind(6, sources);
        st.run();
        return db_.last_insert_rowid();
    }

    // Records each new uid; returns the measurements not seen before.
    std::vector<Ref> record_uids(const std::vector<Ref>& unique, int64_t ingest_id) {
        auto ins = db_.prepare(
            "INSERT INTO meter_uid(id, uid, content, ingest_id) VALUES (?,?,?,?) "
            "ON CONFLICT(id) DO NOTHING");
        auto get = db_.prepare("SELECT uid, content, ingest_id FROM meter_uid WHERE id = ?");
        auto ins_more = db_.prepare(
            "INSERT INTO meter_uid_more(uid, content, ingest_id) VALUES (?,?,?) "
            "ON CONFLICT(uid) DO NOTHING");
        auto get_more = db_.prepare("SELECT content, ingest_id FROM meter_uid_more WHERE uid = ?");
        std::vector<Ref> fresh;
        fresh.reserve(unique.size());
        sqlite3* h = db_.handle();
        for (const Ref& r : unique) {
            const Measurement& m = at(r);
            const std::string_view u = uid(r);
            ins.bind(1, static_cast<int64_t>(m.uid_hash)).bind_static(2, u);
            ins.bind(3, static_cast<int64_t>(m.content)).bind(4, ingest_id);
            ins.run();
            ins.reset();
            if (sqlite3_changes(h) == 1) {
                fresh.push_back(r);
                continue;
            }
            get.bind(1, static_cast<int64_t>(m.uid_hash));
            get.step();
            const bool same_uid = get.column_text(0) == u;
            int64_t content = get.column_int(1), before = get.column_int(2);
            get.reset();
            if (!same_uid) {  // another uid holds this hash: the uid text is the key
                ins_more.bind_static(1, u).bind(2, static_cast<int64_t>(m.content));
                ins_more.bind(3, ingest_id);
                ins_more.run();
                ins_more.reset();
                if (sqlite3_changes(h) == 1) {
                    fresh.push_back(r);
                    continue;
                }
                get_more.bind_static(1, u);
                get_more.step();
                content = get_more.column_int(0);
                before = get_more.column_int(1);
                get_more.reset();
            }
            if (content == static_cast<int64_t>(m.content)) {
                ++result_.duplicates;
            } else {
                conflict(r, "'" + std::string(u).substr(0, 64) +
                                "' was ingested before with other values (meter ingest #" +
                                std::to_string(before) + ")");
            }
        }
        return fresh;
    }

    void rollup(const std::vector<Ref>& fresh) {
        // Aggregated by integer key first (account, meter, day), then written by name.
        struct DayState {
            std::vector<DailyAggregate> aggs;
            int64_t events = 0;
        };
        std::unordered_map<uint64_t, DayState> days;
        for (const Ref& r : fresh) {
            const Measurement& m = at(r);
            const MeasurementBatch& b = batches_[r.batch];
            const Meter& mt = catalog_.meter(m.meter);
            const uint64_t key = (static_cast<uint64_t>(m.account) << 40) ^
                                 (static_cast<uint64_t>(m.meter) << 24) ^
                                 static_cast<uint32_t>(to_yyyymmdd(day_of(m.at)) - 19000000);
            DayState& s = days[key];
            if (s.aggs.empty()) s.aggs.resize(mt.aggregations.size());
            ++s.events;
            for (size_t a = 0; a < mt.aggregations.size(); ++a) {
                const MeterAggregation& ag = mt.aggregations[a];
                if (ag.type == Aggregation::count) {
                    s.aggs[a].add(ag.type, 0, m.at, {}, {});
                    continue;
                }
                const FieldValue& v =
                    b.values[m.first_value + static_cast<uint32_t>(ag.field_index)];
                const FieldType ft = mt.fields[static_cast<size_t>(ag.field_index)].type;
                s.aggs[a].add(ag.type, v.number, m.at, b.uid(m),
                              ag.type == Aggregation::unique_count ? canonical_text(v, ft, b)
                                                                   : std::string());
            }
        }
        DailyRollup out;
        std::map<std::pair<std::string, std::string>, Aggregation> types;
        for (auto& [key, s] : days) {
            const int account = static_cast<int>(key >> 40);
            const Meter& mt = catalog_.meter(static_cast<int>((key >> 24) & 0xFFFF));
            const int32_t day = static_cast<int32_t>(key & 0xFFFFFF) + 19000000;
            for (size_t a = 0; a < mt.aggregations.size(); ++a) {
                types[{mt.id, mt.aggregations[a].id}] = mt.aggregations[a].type;
                out.aggregates[{catalog_.account(account), mt.id, mt.aggregations[a].id, day}] =
                    std::move(s.aggs[a]);
            }
            out.events[{catalog_.account(account), mt.id, day}] = s.events;
        }
        merge_daily_rollup(db_, out, types);
    }

    void finish_record(int64_t id) {
        auto st = db_.prepare(
            "UPDATE meter_ingest SET finished_at = ?, measurements = ?, duplicates = ?, "
            "skipped = ? WHERE id = ?");
        st.bind(1, store::now_utc_iso()).bind(2, static_cast<int64_t>(result_.stored));
        st.bind(3, static_cast<int64_t>(result_.duplicates));
        st.bind(4, static_cast<int64_t>(result_.skipped)).bind(5, id);
        st.run();
    }

    store::Database& db_;
    const BillingConfig& config_;
    MeterCatalog catalog_;
    const MeterIngestOptions& o_;
    std::vector<MeasurementBatch> batches_;
    std::vector<Source> sources_;
    std::vector<MeterProblem> conflicts_;
    uint64_t bad_rows_ = 0;
    MeterIngestResult result_;
};

}  // namespace

MeterIngestResult ingest_meter_files(store::Database& db, const BillingConfig& config,
                                     const std::vector<std::string>& paths,
                                     const MeterIngestOptions& options) {
    return Ingest(db, config, options).run(paths);
}

}  // namespace curcrunch::billing
