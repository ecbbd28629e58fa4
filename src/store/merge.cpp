#include "curcrunch/store/merge.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/store/shard_check.hpp"
#include "unit_copy.hpp"

namespace curcrunch::store {
namespace fs = std::filesystem;
namespace {

// Files as given; for a folder, the *.db files directly inside it (a shards/ folder).
std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const std::string& p : paths) {
        std::error_code ec;
        if (!fs::is_directory(p, ec)) {
            out.push_back(p);
            continue;
        }
        std::vector<std::string> inside;
        for (const auto& e : fs::directory_iterator(p, ec))
            if (e.is_regular_file() && e.path().extension() == ".db")
                inside.push_back(e.path().string());
        if (ec) throw_input(p + ": cannot list the folder: " + ec.message());
        std::sort(inside.begin(), inside.end());
        out.insert(out.end(), inside.begin(), inside.end());
    }
    if (out.empty()) throw_usage("merge: no shard stores given (files, or folders holding *.db)");
    return out;
}

// The shard attached to the main connection as schema "shard" for one scope.
class AttachedShard {
  public:
    AttachedShard(Database& db, const std::string& path) : db_(db) {
        auto st = db_.prepare("ATTACH DATABASE ? AS shard");
        st.bind(1, path);
        st.run();
    }
    ~AttachedShard() {
        sqlite3_exec(db_.handle(), "DETACH DATABASE shard", nullptr, nullptr, nullptr);
    }
    AttachedShard(const AttachedShard&) = delete;
    AttachedShard& operator=(const AttachedShard&) = delete;

  private:
    Database& db_;
};

// SIGINT / SIGTERM (core/interrupt.hpp) stop a merge between units or before a unit commits:
// the units merged so far stay (each is whole), the rest are as they were, and merging the same
// shards again finishes the work.
size_t merge_units_written(const MergeReport& report) {
    size_t merged = 0;
    for (const MergedUnit& u : report.units)
        merged += !u.unchanged;
    return merged;
}

void stop_if_interrupted(const MergeReport& report) {
    const int sig = interrupt_signal();
    if (sig == 0) return;
    const size_t merged = merge_units_written(report);
    throw Error(ErrorKind::interrupted,
                std::string("interrupted (") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ") after " +
                    std::to_string(merged) +
                    " unit(s) were merged; each unit is whole, the others are as they were: "
                    "merge the same shards again to finish",
                128 + sig);
}

// One shard: its ingest record (once), then each unit in a transaction of its own.
void merge_one(Database& db, merge_detail::UnitCopier& copier, const CheckedShard& s,
               MergeReport& report) {
    AttachedShard attached(db, s.path);
    copier.begin_shard();
    std::optional<ShardRecord> run = merged_run(db, s.record);
    // The first write copies the ingest record and records the run; it is part of the first
    // unit's transaction (or a transaction of its own for a shard without units).
    auto record_run = [&] {
        if (run) return;
        ShardRecord r = s.record;
        r.ingest_id = r.shard_ingest_id ? copier.copy_ingest_record(r.shard_ingest_id) : 0;
        r.merged_at = now_utc_iso();
        r.merged_from = fs::absolute(s.path).lexically_normal().string();
        put_shard_record(db, r);
        run = r;
    };
    if (s.units.empty()) {
        Transaction tx(db);
        record_run();
        tx.commit();
    }
    for (const ShardUnitRows& u : s.units) {
        MergedUnit m{u.unit.payer, u.unit.period, 0, s.path, false};
        if (run && run->ingest_id != 0 && copier.unit_ingest(u.unit) == run->ingest_id) {
            m.unchanged = true;
            report.units.push_back(m);
            continue;
        }
        stop_if_interrupted(report);
        Transaction tx(db);
        record_run();
        try {
            m.rows = copier.replace_unit(u, run->ingest_id, now_utc_iso());
        } catch (const Error& e) {
            // The check passed (the file was whole then), so the file changed or its damage
            // only shows through the index the copy reads: this unit rolls back, those merged
            // before it stay, each whole (as when interrupted).
            if (e.kind() != ErrorKind::input) throw;
            throw_input("shard " + s.path + " refused: " + e.what() + "; this unit was not " +
                        "merged, the " + std::to_string(merge_units_written(report)) +
                        " unit(s) merged before it stay, each whole");
        }
        stop_if_interrupted(report);  // the last moment at which this unit is not written
        tx.commit();
        report.units.push_back(m);
    }
}

}  // namespace

void refuse_target_among_shards(const std::string& target, const std::vector<std::string>& paths) {
    std::error_code ec;
    if (!fs::exists(target, ec)) return;  // a new store is no shard
    for (const std::string& shard : expand_paths(paths))
        if (fs::equivalent(target, shard, ec))
            throw_usage("merge: --db " + target + " is the shard " + shard +
                        " (the same file): merge into a store of its own; nothing was written");
}

MergeReport merge_shards(Store& target, const std::vector<std::string>& paths,
                         const MergeOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<std::string> files = expand_paths(paths);
    // Every shard is checked before the first write: a refused one stops the merge untouched.
    const std::vector<CheckedShard> shards =
        check_shards(files, options.plan ? &*options.plan : nullptr);
    throw_if_interrupted();
    MergeReport report;
    report.shards = shards.size();
    merge_detail::UnitCopier copier(target.db());
    for (const CheckedShard& s : shards) {
        stop_if_interrupted(report);
        merge_one(target.db(), copier, s, report);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
}

}  // namespace curcrunch::store
