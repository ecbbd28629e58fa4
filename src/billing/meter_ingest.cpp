#include "curcrunch/billing/meter_ingest.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <unordered_map>

#include "curcrunch/billing/meter_store.hpp"
#include "curcrunch/billing/uid_index.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::billing {
namespace {

struct Source {
    std::string path, sha256;
    size_t bytes = 0;
};

// A FILE* that closes itself.
struct FileCloser {
    void operator()(FILE* f) const noexcept { std::fclose(f); }
};

std::string read_whole(const std::string& path) {
    std::unique_ptr<FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw_input(path + ": cannot read the meter file");
    std::string out;
    char buf[1 << 16];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;)
        out.append(buf, n);
    if (std::ferror(f.get())) throw_input(path + ": cannot read the meter file");
    return out;
}

[[noreturn]] void refuse(std::vector<MeterProblem> problems, uint64_t total) {
    std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) {
        return a.source != b.source ? false : a.line < b.line;
    });
    std::string msg;
    for (const auto& p : problems)
        msg += (msg.empty() ? "" : "\n") + p.text();
    if (total > problems.size())
        msg += "\n... and " + std::to_string(total - problems.size()) + " more";
    msg += "\nnothing was stored (--on-error=skip stores the good records and lists the rest)";
    throw_input(msg);
}

// A reference to one parsed measurement.
struct Ref {
    uint64_t h1, h2;
    uint32_t batch, row;
};

struct AmountHash {
    size_t operator()(Amount v) const noexcept {
        return static_cast<size_t>(
            stable_hash64(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)));
    }
};

// Per (account, meter, day): the measurement count and each aggregation's state, with views
// into the batches (no allocation per measurement).
struct AggState {
    Amount value = 0;
    bool has = false;
    Micros at = 0;
    std::string_view uid;
    std::unordered_map<uint64_t, std::string_view> distinct;  // value hash -> text (strings)
    std::unordered_map<Amount, bool, AmountHash> distinct_numbers;
};
struct DayState {
    int64_t events = 0;
    std::vector<AggState> aggs;
};

bool later(Micros a, std::string_view au, Micros b, std::string_view bu) {
    return a > b || (a == b && au > bu);
}

class Ingest {
  public:
    Ingest(store::Database& db, const BillingConfig& c, const MeterIngestOptions& o)
        : db_(db), config_(c), catalog_(c), o_(o) {}

    MeterIngestResult run(const std::vector<std::string>& paths) {
        const std::string started = store::now_utc_iso();
        auto t0 = std::chrono::steady_clock::now();
        auto lap = [&](const char* what) {
            auto t = std::chrono::steady_clock::now();
            log::debug(std::string("meters ingest: ") + what + " " +
                       std::to_string(std::chrono::duration<double>(t - t0).count()) + " s");
            t0 = t;
        };
        parse(paths);
        lap("parse");
        throw_if_interrupted();
        if (!problems_.empty() && !o_.skip_bad_rows) refuse(problems_, bad_rows_);
        std::vector<Ref> unique = dedupe_input();
        lap("de-duplicate the input");
        store::Transaction tx(db_);
        const uint32_t ingest_id = record_ingest(started);
        std::vector<Ref> fresh = record(unique, ingest_id);
        lap("record uids");
        if (!conflicts_.empty() && !o_.skip_bad_rows) refuse(conflicts_, conflicts_.size());
        result_.problems = problems_;
        for (auto& p : conflicts_)
            if (result_.problems.size() < o_.max_problems) result_.problems.push_back(p);
        result_.skipped = bad_rows_ + conflicts_.size();
        result_.stored = fresh.size();
        if (fresh.empty()) return result_;  // the transaction rolls back: nothing written
        throw_if_interrupted();
        rollup(fresh);
        lap("roll up");
        finish_record(ingest_id);
        throw_if_interrupted();  // the last moment at which nothing is written yet
        tx.commit();
        lap("commit");
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
        limits_.earliest = static_cast<Micros>(days_from_civil(2000, 1, 1)) * 86400000000;
        limits_.latest = now + 86400000000;
        limits_.max_problems = o_.max_problems;
        for (const std::string& path : paths) {
            const std::string bytes = read_whole(path);
            // The file's sha256 is taken while it is parsed.
            auto digest = std::async(std::launch::async, [&bytes] { return Sha256::of(bytes); });
            result_.lines += static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
            if (is_csv_name(path) || bytes.size() < (4u << 20)) {
                batches_.emplace_back();
                batches_.back().source = path;
                parse_meter_file(bytes, catalog_, limits_, batches_.back(), problems_, bad_rows_);
            } else {
                parse_in_pieces(path, bytes);
            }
            sources_.push_back({path, digest.get(), bytes.size()});
            throw_if_interrupted();
        }
    }

    // JSON lines hold no line break inside a record, so a large file is cut at line ends and
    // the pieces are parsed in parallel, each knowing its first line number.
    void parse_in_pieces(const std::string& path, const std::string& bytes) {
        const size_t n =
            std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), 8)) * 4;
        std::vector<size_t> cut{0};
        for (size_t i = 1; i < n; ++i) {
            size_t at = std::max(cut.back(), bytes.size() * i / n);
            const size_t nl = bytes.find('\n', at);
            if (nl == std::string::npos) break;
            cut.push_back(nl + 1);
        }
        cut.push_back(bytes.size());
        const size_t pieces = cut.size() - 1;
        std::vector<uint64_t> first_line(pieces, 1);
        for (size_t i = 1; i < pieces; ++i)
            first_line[i] =
                first_line[i - 1] +
                static_cast<uint64_t>(std::count(bytes.begin() + static_cast<long>(cut[i - 1]),
                                                 bytes.begin() + static_cast<long>(cut[i]), '\n'));
        if (first_line.back() > UINT32_MAX) throw_input(path + ": more than 4294967295 lines");
        const size_t base = batches_.size();
        batches_.resize(base + pieces);
        std::vector<std::vector<MeterProblem>> problems(pieces);
        std::vector<uint64_t> bad(pieces, 0);
        tbb::parallel_for(size_t(0), pieces, [&](size_t i) {
            MeasurementBatch& b = batches_[base + i];
            b.source = path;
            parse_meter_json_lines(std::string_view(bytes).substr(cut[i], cut[i + 1] - cut[i]),
                                   static_cast<uint32_t>(first_line[i]), catalog_, limits_, b,
                                   problems[i], bad[i]);
        });
        for (size_t i = 0; i < pieces; ++i) {
            bad_rows_ += bad[i];
            for (auto& p : problems[i])
                if (problems_.size() < o_.max_problems) problems_.push_back(std::move(p));
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
    // is a duplicate, with other content a conflict. (Uids are compared as text here.)
    std::vector<Ref> dedupe_input() {
        std::vector<Ref> refs;
        size_t total = 0;
        for (const auto& b : batches_)
            total += b.rows.size();
        refs.reserve(total);
        for (uint32_t b = 0; b < batches_.size(); ++b)
            for (uint32_t r = 0; r < batches_[b].rows.size(); ++r)
                refs.push_back({batches_[b].rows[r].uid_hash, batches_[b].rows[r].uid_hash2, b, r});
        std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
            if (a.h1 != b.h1) return a.h1 < b.h1;
            if (a.h2 != b.h2) return a.h2 < b.h2;
            return a.batch != b.batch ? a.batch < b.batch : a.row < b.row;
        });
        std::vector<Ref> out;
        out.reserve(refs.size());
        for (size_t i = 0; i < refs.size();) {
            size_t j = i + 1;
            while (j < refs.size() && refs[j].h1 == refs[i].h1 && refs[j].h2 == refs[i].h2)
                ++j;
            out.push_back(refs[i]);
            for (size_t k = i + 1; k < j; ++k) {
                if (uid(refs[k]) != uid(refs[i])) {
                    // Two uids with the same 128 bits of hash: the index cannot tell them apart.
                    conflict(refs[k], "'" + shown_text(uid(refs[k]), 64) +
                                          "' has the same uid hashes as '" +
                                          shown_text(uid(refs[i]), 64) + "' at " + where(refs[i]));
                } else if (at(refs[k]).content == at(refs[i]).content) {
                    ++result_.duplicates;
                } else {
                    conflict(refs[k], "'" + shown_text(uid(refs[k]), 64) + "' is also at " +
                                          where(refs[i]) + " with other values");
                }
            }
            i = j;
        }
        return out;
    }

    uint32_t record_ingest(const std::string& started) {
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
        const int64_t id = db_.last_insert_rowid();
        if (id <= 0 || id > UINT32_MAX) throw_store(db_.path() + ": too many meter ingests");
        return static_cast<uint32_t>(id);
    }

    // Checks every unique uid against the store's index and adds the new ones; returns the
    // measurements not seen before.
    std::vector<Ref> record(const std::vector<Ref>& unique, uint32_t ingest_id) {
        std::vector<UidKey> keys;
        keys.reserve(unique.size());
        for (const Ref& r : unique)
            keys.push_back({r.h1, r.h2, at(r).content});
        const std::vector<UidVerdict> v = record_uids(db_, keys, ingest_id, true);
        std::vector<Ref> fresh;
        fresh.reserve(unique.size());
        for (size_t i = 0; i < unique.size(); ++i) {
            switch (v[i].kind) {
                case UidVerdict::Kind::fresh:
                    fresh.push_back(unique[i]);
                    break;
                case UidVerdict::Kind::duplicate:
                    ++result_.duplicates;
                    break;
                case UidVerdict::Kind::conflict:
                    conflict(unique[i], "'" + shown_text(uid(unique[i]), 64) +
                                            "' was ingested before with other values (meter "
                                            "ingest #" +
                                            std::to_string(v[i].earlier_ingest) + ")");
                    break;
            }
        }
        return fresh;
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
                    const std::string_view t = b.text_of(v);
                    s.distinct.try_emplace(stable_hash64(t), t);
                } else {
                    s.distinct_numbers.try_emplace(v.number, true);
                }
                break;
        }
        s.has = true;
    }

    void rollup(std::vector<Ref>& fresh) {
        // In file order: the batches are read front to back, not at random.
        std::sort(fresh.begin(), fresh.end(), [](const Ref& a, const Ref& b) {
            return a.batch != b.batch ? a.batch < b.batch : a.row < b.row;
        });
        auto tf = std::chrono::steady_clock::now();
        std::unordered_map<uint64_t, DayState> days;
        for (const Ref& r : fresh) {
            const Measurement& m = at(r);
            const MeasurementBatch& b = batches_[r.batch];
            const Meter& mt = catalog_.meter(m.meter);
            const uint64_t key = (static_cast<uint64_t>(m.account) << 40) |
                                 (static_cast<uint64_t>(m.meter) << 24) |
                                 static_cast<uint32_t>(to_yyyymmdd(day_of(m.at)) - 19000000);
            DayState& s = days[key];
            if (s.aggs.empty()) s.aggs.resize(mt.aggregations.size());
            ++s.events;
            for (size_t a = 0; a < mt.aggregations.size(); ++a) {
                const MeterAggregation& ag = mt.aggregations[a];
                static const FieldValue none{};
                const FieldValue& v =
                    ag.field_index < 0
                        ? none
                        : b.values[m.first_value + static_cast<uint32_t>(ag.field_index)];
                const FieldType ft = ag.field_index < 0
                                         ? FieldType::decimal
                                         : mt.fields[static_cast<size_t>(ag.field_index)].type;
                fold(s.aggs[a], ag, ft, v, m, b);
            }
        }
        log::debug(
            "meters ingest: " + std::to_string(days.size()) + " day keys, fold " +
            std::to_string(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - tf).count()));
        auto t0 = std::chrono::steady_clock::now();
        DailyRollup out;
        std::map<std::pair<std::string, std::string>, Aggregation> types;
        for (auto& [key, s] : days) {
            const int account = static_cast<int>(key >> 40);
            const Meter& mt = catalog_.meter(static_cast<int>((key >> 24) & 0xFFFF));
            const int32_t day = static_cast<int32_t>(key & 0xFFFFFF) + 19000000;
            for (size_t a = 0; a < mt.aggregations.size(); ++a) {
                const AggState& st = s.aggs[a];
                types[{mt.id, mt.aggregations[a].id}] = mt.aggregations[a].type;
                DailyAggregate d;
                d.value = st.value;
                d.has_value = st.has;
                d.latest_at = st.at;
                d.latest_uid = std::string(st.uid);
                for (const auto& [h, t] : st.distinct)
                    d.distinct.emplace(t);
                for (const auto& [v, ignored] : st.distinct_numbers)
                    d.distinct.emplace(to_plain_string(v));
                if (mt.aggregations[a].type == Aggregation::unique_count)
                    d.value = static_cast<Amount>(d.distinct.size()) * kUnit;
                out.aggregates[{catalog_.account(account), mt.id, mt.aggregations[a].id, day}] =
                    std::move(d);
            }
            out.events[{catalog_.account(account), mt.id, day}] = s.events;
        }
        log::debug(
            "meters ingest: rollup conversion " +
            std::to_string(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
        merge_daily_rollup(db_, out, types);
    }

    void finish_record(uint32_t id) {
        auto st = db_.prepare(
            "UPDATE meter_ingest SET finished_at = ?, measurements = ?, duplicates = ?, "
            "skipped = ? WHERE id = ?");
        st.bind(1, store::now_utc_iso()).bind(2, static_cast<int64_t>(result_.stored));
        st.bind(3, static_cast<int64_t>(result_.duplicates));
        st.bind(4, static_cast<int64_t>(result_.skipped)).bind(5, static_cast<int64_t>(id));
        st.run();
    }

    store::Database& db_;
    const BillingConfig& config_;
    MeterCatalog catalog_;
    const MeterIngestOptions& o_;
    MeterParseLimits limits_;
    std::vector<MeasurementBatch> batches_;
    std::vector<Source> sources_;
    std::vector<MeterProblem> problems_, conflicts_;
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
