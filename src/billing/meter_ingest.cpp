#include "curcrunch/billing/meter_ingest.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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
#include "curcrunch/core/mapped_read.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/store/store.hpp"
#include "meter_rollup.hpp"

namespace curcrunch::billing {
namespace {

struct Source {
    std::string path, sha256;
    size_t bytes = 0;
};

// A meter file's bytes: a regular file is mapped (read straight from the page cache, no copy)
// and stays open while it is in use; anything else (a pipe, /dev/stdin) is read.
class FileBytes {
  public:
    explicit FileBytes(const std::string& path) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw_input(path + ": cannot read the meter file");
        struct stat st {};
        if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
            void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                             MAP_PRIVATE | MAP_POPULATE, fd_, 0);
            if (p != MAP_FAILED) {
                map_ = p;
                size_ = static_cast<size_t>(st.st_size);
            }
        }
        if (!map_) {
            try {
                read_all(path);
            } catch (...) {
                ::close(fd_);
                throw;
            }
        }
    }
    ~FileBytes() {
        if (map_) ::munmap(map_, size_);
        ::close(fd_);
    }
    FileBytes(const FileBytes&) = delete;
    FileBytes& operator=(const FileBytes&) = delete;
    std::string_view view() const {
        return map_ ? std::string_view(static_cast<const char*>(map_), size_) : copy_;
    }

  private:
    void read_all(const std::string& path) {
        char buf[1 << 16];
        for (;;) {
            const ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n == 0) break;
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_input(path + ": cannot read the meter file");
            }
            copy_.append(buf, static_cast<size_t>(n));
        }
    }
    int fd_ = -1;
    void* map_ = nullptr;
    size_t size_ = 0;
    std::string copy_;
};

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
        const std::vector<std::vector<uint8_t>> fresh = record(unique, ingest_id);
        lap("record uids");
        if (!conflicts_.empty() && !o_.skip_bad_rows) refuse(conflicts_, conflicts_.size());
        result_.problems = problems_;
        for (auto& p : conflicts_)
            if (result_.problems.size() < o_.max_problems) result_.problems.push_back(p);
        result_.skipped = bad_rows_ + conflicts_.size();
        if (result_.stored == 0) return result_;  // the transaction rolls back: nothing written
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
            const FileBytes file(path);
            const std::string_view bytes = file.view();
            // A file truncated under its mapping ends the command with a message, not with
            // SIGBUS alone, on every thread that reads it (core/mapped_read.hpp); nothing is
            // stored before every file is parsed.
            const MappedFileScope shrunk(bytes.data(), bytes.size(), path);
            // The file's sha256 is taken while it is parsed (the future waits before the file
            // is unmapped).
            auto digest = std::async(std::launch::async, [bytes, &path] {
                const MappedFileScope hashed(bytes.data(), bytes.size(), path);
                return Sha256::of(bytes);
            });
            if (is_csv_name(path) || bytes.size() < (4u << 20)) {
                result_.lines +=
                    static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
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
    // the pieces are parsed in parallel, each knowing its first line number (the line breaks
    // of every piece are counted in parallel first).
    void parse_in_pieces(const std::string& path, std::string_view bytes) {
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
        std::vector<uint64_t> breaks(pieces);
        tbb::parallel_for(size_t(0), pieces, [&](size_t i) {
            const MappedFileScope counted(bytes.data(), bytes.size(), path);
            breaks[i] = static_cast<uint64_t>(
                std::count(bytes.begin() + cut[i], bytes.begin() + cut[i + 1], '\n'));
        });
        std::vector<uint64_t> first_line(pieces, 1);
        for (size_t i = 1; i < pieces; ++i)
            first_line[i] = first_line[i - 1] + breaks[i - 1];
        result_.lines += first_line.back() - 1 + breaks.back();
        if (first_line.back() > UINT32_MAX) throw_input(path + ": more than 4294967295 lines");
        size_t fields = 0;
        for (size_t m = 0; m < catalog_.meter_count(); ++m)
            fields = std::max(fields, catalog_.meter(static_cast<int>(m)).fields.size());
        const size_t base = batches_.size();
        batches_.resize(base + pieces);
        std::vector<std::vector<MeterProblem>> problems(pieces);
        std::vector<uint64_t> bad(pieces, 0);
        tbb::parallel_for(size_t(0), pieces, [&](size_t i) {
            const MappedFileScope parsed(bytes.data(), bytes.size(), path);
            MeasurementBatch& b = batches_[base + i];
            b.source = path;
            // Upper bounds (a record per line, the uids and strings are parts of the text), so
            // the arrays never move while they fill; pages not written are never touched.
            const size_t lines = static_cast<size_t>(breaks[i]) + 1;
            b.rows.reserve(lines);
            b.values.reserve(lines * fields);
            b.text.reserve(cut[i + 1] - cut[i]);
            parse_meter_json_lines(bytes.substr(cut[i], cut[i + 1] - cut[i]),
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

    // Every measurement, ordered by uid hashes and then file order: partitioned on the top 16
    // bits of the first hash in one counting pass (which keeps file order inside a partition),
    // then each partition sorted on its own, in parallel.
    std::vector<Ref> sorted_refs() const {
        constexpr int kBits = 16;
        std::vector<size_t> start((size_t(1) << kBits) + 1, 0);
        for (const auto& b : batches_)
            for (const Measurement& m : b.rows)
                ++start[(m.uid_hash >> (64 - kBits)) + 1];
        for (size_t i = 1; i < start.size(); ++i)
            start[i] += start[i - 1];
        std::vector<Ref> refs(start.back());
        std::vector<size_t> next(start.begin(), start.end() - 1);
        for (uint32_t b = 0; b < batches_.size(); ++b)
            for (uint32_t r = 0; r < batches_[b].rows.size(); ++r) {
                const Measurement& m = batches_[b].rows[r];
                refs[next[m.uid_hash >> (64 - kBits)]++] = {m.uid_hash, m.uid_hash2, b, r};
            }
        tbb::parallel_for(size_t(0), size_t(1) << 8, [&](size_t chunk) {
            for (size_t p = chunk << (kBits - 8); p < (chunk + 1) << (kBits - 8); ++p)
                std::sort(refs.begin() + static_cast<long>(start[p]),
                          refs.begin() + static_cast<long>(start[p + 1]),
                          [](const Ref& a, const Ref& b) {
                              if (a.h1 != b.h1) return a.h1 < b.h1;
                              if (a.h2 != b.h2) return a.h2 < b.h2;
                              return a.batch != b.batch ? a.batch < b.batch : a.row < b.row;
                          });
        });
        return refs;
    }

    // Within the input: the first occurrence of a uid counts; a later one with the same content
    // is a duplicate, with other content a conflict. (Uids are compared as text here.)
    std::vector<Ref> dedupe_input() {
        std::vector<Ref> refs = sorted_refs();
        size_t kept = 0;  // the first of each uid moves to the front, in place
        for (size_t i = 0; i < refs.size();) {
            size_t j = i + 1;
            while (j < refs.size() && refs[j].h1 == refs[i].h1 && refs[j].h2 == refs[i].h2)
                ++j;
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
            refs[kept++] = refs[i];
            i = j;
        }
        refs.resize(kept);
        return refs;
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

    // Checks every unique uid against the store's index and adds the new ones; returns per
    // batch a flag per row: not seen before (counted).
    std::vector<std::vector<uint8_t>> record(const std::vector<Ref>& unique, uint32_t ingest_id) {
        const std::vector<UidVerdict> v = record_uids(
            db_, unique.size(),
            [&](size_t i) {
                return UidKey{unique[i].h1, unique[i].h2, at(unique[i]).content};
            },
            ingest_id, true);
        std::vector<std::vector<uint8_t>> fresh(batches_.size());
        for (size_t b = 0; b < batches_.size(); ++b)
            fresh[b].assign(batches_[b].rows.size(), 0);
        for (size_t i = 0; i < unique.size(); ++i) {
            switch (v[i].kind) {
                case UidVerdict::Kind::fresh:
                    fresh[unique[i].batch][unique[i].row] = 1;
                    ++result_.stored;
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

    void rollup(const std::vector<std::vector<uint8_t>>& fresh) {
        std::map<std::pair<std::string, std::string>, Aggregation> types;
        for (size_t m = 0; m < catalog_.meter_count(); ++m) {
            const Meter& mt = catalog_.meter(static_cast<int>(m));
            for (const MeterAggregation& ag : mt.aggregations)
                types[{mt.id, ag.id}] = ag.type;
        }
        const DailyRollup out = roll_up_measurements(catalog_, batches_, fresh);
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
