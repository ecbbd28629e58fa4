#include "curcrunch/store/shard_check.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/store/schema.hpp"

namespace curcrunch::store {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw_input("shard " + path + " refused: " + why);
}

// SQLite's own check of the whole file: every page, every table against its indexes. The rows
// are checked by scanning the tables (shard_units.cpp) but copied through the day indexes
// (unit_copy.cpp), so a damaged index would copy fewer rows than were checked, found only after
// other shards' units were written. Its cost is one more read of the shard: measured in the
// README ("Scale-out", the merge's cost).
void refuse_damaged_shard(Database& db, const std::string& path) {
    std::string said;
    try {
        auto st = db.prepare("PRAGMA integrity_check(3)");
        while (st.step())
            said.append(said.empty() ? "" : "; ").append(st.column_text(0));
    } catch (const Error& e) {
        said = e.what();
    }
    if (said != "ok")
        refuse(path, "the file is damaged (SQLite's integrity_check: " + shown_text(said, 300) +
                         "): compute the shard again");
}

// The shard opened read-only as it is: unlike Store::open, never upgraded in place (a shard of
// another schema is refused, and merge never writes to a shard).
std::unique_ptr<Database> open_shard(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) refuse(path, "no such file");
    std::unique_ptr<Database> db;
    int version = 0;
    try {
        db = std::make_unique<Database>(path, Database::Mode::read_only);
        version = schema_version(*db);
    } catch (const Error& e) {
        refuse(path, e.what());
    }
    if (version == 0) refuse(path, "not a curcrunch store");
    if (version != kSchemaVersion)
        refuse(path, "written with store schema " + std::to_string(version) +
                         "; this curcrunch merges schema " + std::to_string(kSchemaVersion) +
                         " only: run the shard again with this curcrunch");
    refuse_damaged_shard(*db, path);
    return db;
}

// 1-3: one shard on its own.
CheckedShard check_one(const std::string& path) {
    const std::unique_ptr<Database> store = open_shard(path);
    Database& db = *store;
    CheckedShard s;
    s.path = path;
    try {
        s.record = own_shard_record(db);
    } catch (const Error&) {
        refuse(path,
               "not a finished shard store (no shard record of its own: was it written "
               "by `ingest|fetch --shard` and did that finish?)");
    }
    const ShardRecord& r = s.record;
    if (r.tool_version != CURCRUNCH_VERSION)
        refuse(path, "computed by curcrunch " + r.tool_version + ", this is curcrunch " +
                         CURCRUNCH_VERSION + ": run the shard again with this curcrunch");
    if (r.schema_version != kSchemaVersion)
        refuse(path, "its record says schema " + std::to_string(r.schema_version));
    if (r.unit_index < 0 || r.unit_index >= r.plan_units)
        refuse(path, "its record's index " + std::to_string(r.unit_index) +
                         " is outside its plan of " + std::to_string(r.plan_units) + " units");
    s.unit = ingest::ShardPlan::parse_line(r.unit, static_cast<size_t>(r.unit_index),
                                           "shard " + path + ": its unit");
    if (r.version_seen != s.unit.version)
        refuse(path, "it read " + s.unit.source + " at version " + r.version_seen +
                         ", its unit lists " + s.unit.version);

    auto ingests = db.prepare("SELECT count(*), coalesce(max(id), 0) FROM ingest");
    ingests.step();
    if (ingests.column_int(0) > 1 || ingests.column_int(1) != r.shard_ingest_id)
        refuse(path,
               "holds other ingests than the one its record names (written to after the "
               "shard run?)");
    try {
        s.units = read_shard_units(db, r.shard_ingest_id);
    } catch (const Error& e) {
        refuse(path, e.what());
    }
    for (const ShardUnitRows& u : s.units)
        if (s.unit.period != 0 && u.unit.period != s.unit.period)
            refuse(path, "holds " + unit_name(u.unit) +
                             ", but its unit of work is the delivery of " +
                             format_period(s.unit.period));
    return s;
}

}  // namespace

std::vector<CheckedShard> check_shards(const std::vector<std::string>& paths,
                                       const ingest::ShardPlan* plan) {
    std::vector<CheckedShard> shards;
    for (const std::string& p : paths)
        shards.push_back(check_one(p));
    std::sort(shards.begin(), shards.end(), [](const CheckedShard& a, const CheckedShard& b) {
        return a.record.unit_index < b.record.unit_index;
    });

    // 4: one plan, the given one if any.
    for (const CheckedShard& s : shards) {
        const ShardRecord& r = s.record;
        if (plan) {
            if (r.plan_id != plan->id())
                refuse(s.path, "belongs to plan " + r.plan_id.substr(0, 16) +
                                   ", not to the shards file's plan " + plan->id().substr(0, 16) +
                                   " (listed again since?)");
            if (static_cast<size_t>(r.unit_index) >= plan->size() ||
                plan->line(static_cast<size_t>(r.unit_index)) != r.unit)
                refuse(s.path, "its unit is not line " + std::to_string(r.unit_index + 1) +
                                   " of the shards file");
        } else if (r.plan_id != shards.front().record.plan_id) {
            refuse(s.path, "belongs to plan " + r.plan_id.substr(0, 16) + ", " +
                               shards.front().path + " to plan " +
                               shards.front().record.plan_id.substr(0, 16) +
                               ": merge the shards of one plan at a time");
        }
    }
    // 5: no index or unit twice; with a plan, every index.
    std::map<StoreUnit, const CheckedShard*> holder;
    for (size_t i = 0; i < shards.size(); ++i) {
        const CheckedShard& s = shards[i];
        if (i > 0 && shards[i - 1].record.unit_index == s.record.unit_index)
            refuse(s.path, "computes index " + std::to_string(s.record.unit_index) + ", as " +
                               shards[i - 1].path + " does: give one of them");
        for (const ShardUnitRows& u : s.units) {
            auto [it, fresh] = holder.emplace(u.unit, &s);
            if (!fresh)
                refuse(s.path, "holds " + unit_name(u.unit) + ", as " + it->second->path +
                                   " does: two deliveries with rows of one (payer, billing "
                                   "period) cannot be merged (a single ingest would sum them); "
                                   "list their files as one unit of work");
        }
    }
    if (plan && shards.size() != plan->size()) {
        std::string missing;
        size_t count = 0;
        for (size_t i = 0, j = 0; i < plan->size(); ++i) {
            if (j < shards.size() && static_cast<size_t>(shards[j].record.unit_index) == i) {
                ++j;
                continue;
            }
            if (++count <= 10)
                missing.append(missing.empty() ? "" : ", ").append(std::to_string(i));
        }
        throw_input("the shards file lists " + std::to_string(plan->size()) + " units and " +
                    std::to_string(count) + " have no shard here (index " + missing +
                    (count > 10 ? ", ..." : "") + "): nothing was merged");
    }
    return shards;
}

}  // namespace curcrunch::store
