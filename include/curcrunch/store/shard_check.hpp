#pragma once
// What merge accepts as a shard, checked for every shard before anything is written. A shard is
// refused (Error(input), naming it) unless:
//   1. it is a curcrunch store of exactly this build's schema version (older and newer are
//      refused: a schema change can change what a rollup holds);
//   2. it holds exactly one shard record of its own (it was finished by `ingest|fetch --shard`
//      and renamed into place), written by this tool version, for this schema version;
//   3. its data is what its record says: at most one ingest, the record's; every unit of
//      replacement it holds belongs to that ingest; for a unit listed with a period, no other
//      period; the unit line parses and is the one at its index;
//   4. provenance: the version of the source it read is the version its unit lists (the
//      manifest's sha256 or ETag when listed — the shard run refuses any other, and this is
//      checked again here); all shards come from one plan — the --shards-file's when given,
//      whose line at the shard's index must be the shard's unit;
//   5. no two shards hold the same index or the same unit of replacement; with --shards-file,
//      every index of the plan has a shard.
#include <string>
#include <vector>

#include "curcrunch/ingest/shard_plan.hpp"
#include "curcrunch/store/shard_record.hpp"

namespace curcrunch::store {

// A unit of replacement of a store (what an ingest replaces whole).
struct StoreUnit {
    std::string payer;  // "" while the store keeps units per period only (schema before v4)
    Period period = 0;
    auto operator<=>(const StoreUnit&) const = default;
};

struct CheckedShard {
    std::string path;
    ShardRecord record;
    ingest::ShardUnit unit;
    std::vector<StoreUnit> units;  // what it replaces
};

// Opens and checks each shard (1-3), then the set (4-5). Returns them in index order.
std::vector<CheckedShard> check_shards(const std::vector<std::string>& paths,
                                       const ingest::ShardPlan* plan);

// The units of replacement a store holds (billing_period).
std::vector<StoreUnit> store_units(Database& db, const std::string& schema = "main");

}  // namespace curcrunch::store
