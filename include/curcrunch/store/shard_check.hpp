#pragma once
// What merge accepts as a shard, checked for every shard before anything is written. A shard is
// refused (Error(input): "shard PATH refused: why") unless:
//   1. it is a curcrunch store of exactly this build's schema version (older and newer are
//      refused: a schema change can change what a rollup holds), and whole: SQLite's
//      integrity_check finds no damage (a damaged index would copy other rows than are checked);
//   2. it holds exactly one shard record of its own (it was finished by `ingest|fetch --shard`
//      and renamed into place), written by this tool version, for this schema version;
//   3. its data is what its record says: at most one ingest, the record's; every (payer,
//      billing period) unit it holds belongs to that ingest, and its rows keep the store's
//      invariants (store/shard_units.hpp); for a unit of work listed with a period, no other
//      period; the unit line parses and is the one at its index;
//   4. provenance: the version of the source it read is the version its unit lists (the
//      manifest's sha256 or ETag when listed — the shard run refuses any other, and this is
//      checked again here); all shards come from one plan — the --shards-file's when given,
//      whose line at the shard's index must be the shard's unit;
//   5. no two shards hold the same index or the same (payer, billing period) unit; with
//      --shards-file, every index of the plan has a shard.
// A unit of work (a delivery: one line of the plan) covers the (payer, billing period) units its
// rows name — a consolidated report's month holds one per payer — and merge replaces exactly
// those. Units of work are never finer than files, so two deliveries with rows of the same
// (payer, period) cannot both be merged: a single ingest would sum them, and merge cannot know
// that is meant.
#include <string>
#include <vector>

#include "curcrunch/ingest/shard_plan.hpp"
#include "curcrunch/store/shard_record.hpp"
#include "curcrunch/store/shard_units.hpp"

namespace curcrunch::store {

struct CheckedShard {
    std::string path;
    ShardRecord record;
    ingest::ShardUnit unit;
    std::vector<ShardUnitRows> units;  // what it replaces, payer then period
};

// Opens and checks each shard (1-3), then the set (4-5). Returns them in index order.
std::vector<CheckedShard> check_shards(const std::vector<std::string>& paths,
                                       const ingest::ShardPlan* plan);

}  // namespace curcrunch::store
