#pragma once
// Shard units of local files (`curcrunch shards PATH...`, `curcrunch ingest --shard N`): the
// deliveries plan_inputs finds under the paths, one unit each.
//   - a report's billing period read through its newest manifest: source = the manifest;
//   - loose data files (not under any report's manifest) found by walking a folder: one unit
//     per folder holding them, source = the folder (its data files, not its subfolders);
//   - a data file named on the command line: source = the file.
// The files of one billing period must be in one unit for the merge to equal a single ingest:
// merge refuses two shards holding the same (payer, period).
#include <string>
#include <vector>

#include "curcrunch/ingest/input_plan.hpp"
#include "curcrunch/ingest/shard_plan.hpp"

namespace curcrunch::ingest {

// The units under `paths` (absolute sources, versions as documented in shard_plan.hpp).
std::vector<ShardUnit> list_local_units(const std::vector<std::string>& paths);

// The files of `unit` to ingest. Throws Error(input) when its source no longer has the version
// the shards file lists (the delivery changed since `shards` ran: list again), and
// Error(usage) for a unit that is not local (an s3:// source is fetch's).
std::vector<InputUnit> local_unit_inputs(const ShardUnit& unit);

}  // namespace curcrunch::ingest
