#pragma once
// `curcrunch merge`: shard stores (written by `ingest|fetch --shard`) into one store.
//
// Every shard is checked before anything is written (store/shard_check.hpp says what a shard
// must be); then each (payer, billing period) unit a shard holds replaces the same unit of the
// target in one transaction of its own, with the shard's ingest record (sources and the units
// each fed, problems, fetched files) copied alongside, the unit's coverage (billing_period)
// carried over, and every string remapped by value into the target's reference-counted
// dictionary. Units the shards do not hold are not touched. The result equals a single ingest of
// the same inputs, rollup for rollup. Cost: the rows read and copied are the shards' rollup rows
// (groups), never input rows.
//
// Idempotent: a unit the target already holds from the same shard run (shard_run.shard_id) is
// left as it is, so merging the same shards again changes nothing.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/ingest/shard_plan.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::store {

struct MergeOptions {
    // --shards-file: every shard must belong to this plan and every unit of it must have a
    // shard (a complete run). Without it the shards must at least share one plan.
    std::optional<ingest::ShardPlan> plan;
};

struct MergedUnit {
    std::string payer;  // '' when the unit's rows name no payer
    Period period = 0;
    int64_t rows = 0;  // cost rollup rows (groups) copied
    std::string shard;
    bool unchanged = false;  // already held from this shard run
};

struct MergeReport {
    size_t shards = 0;
    std::vector<MergedUnit> units;
    double seconds = 0;
};

// Throws Error(usage) when the store file `target` is one of the shard files `paths` name: the
// same file by device and inode, so a link or another spelling of the path is caught too. Called
// before the target is opened, since opening it for writing would write into the shard.
void refuse_target_among_shards(const std::string& target, const std::vector<std::string>& paths);

// Shard stores named by `paths` (files, or folders whose *.db files directly inside are taken).
// Throws Error(input) naming the shard and the reason when one is refused (nothing is merged
// then), Error(usage) when no shard is named.
MergeReport merge_shards(Store& target, const std::vector<std::string>& paths,
                         const MergeOptions& options);

}  // namespace curcrunch::store
