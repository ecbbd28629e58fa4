#pragma once
// The record of a shard (schema: shard_run in store/schema.cpp): which unit of which plan a shard
// store computed, where and when; and in a merged store, every shard merged into it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

struct ShardRecord {
    std::string shard_id;  // random hex: one run of one unit
    std::string plan_id;
    int64_t plan_units = 0;
    int64_t unit_index = 0;
    std::string unit;          // the unit's TSV line
    std::string version_seen;  // the source's version when read
    std::string host, job;
    std::string tool_version;
    int64_t schema_version = 0;
    std::string started_at, finished_at;
    int64_t shard_ingest_id = 0;  // in the shard store
    int64_t ingest_id = 0;        // in this store
    std::string merged_at;        // '' in the shard store itself
    std::string merged_from;
};

// 32 hex digits from the system's random source.
std::string new_shard_id();
// Host name and the scheduler's job id from the environment: Slurm (SLURM_ARRAY_JOB_ID_
// SLURM_ARRAY_TASK_ID, else SLURM_JOB_ID), Kubernetes (the pod's HOSTNAME with
// JOB_COMPLETION_INDEX), AWS Batch (AWS_BATCH_JOB_ID); '' when none is set.
std::string this_host();
std::string scheduler_job_id();

// Inserts `r` (one statement; callers decide the transaction).
void put_shard_record(Database& db, const ShardRecord& r);
// The shard store's own record (merged_at = ''). Throws Error(input) naming the store when there
// is none or more than one: it is then not a finished shard store.
ShardRecord own_shard_record(Database& db);
// Whether the store holds its own shard record (a shard store, finished).
bool is_shard_store(Database& db);
// This store's record of merging the shard run `r` (same plan, index and shard id), if any.
std::optional<ShardRecord> merged_run(Database& db, const ShardRecord& r);
// The merged shard whose copy of an ingest is `ingest_id`, if any.
std::optional<ShardRecord> shard_of_ingest(Database& db, int64_t ingest_id);

}  // namespace curcrunch::store
