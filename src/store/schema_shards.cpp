// Schema version 8 (kShardsSchemaVersion): the shard records. A self-contained block: it creates
// only new tables and touches no existing one.
//
// Invariants of shard_run:
// - In a shard store (written by `ingest|fetch --shard`) there is exactly one row with
//   merged_at = '': the unit of work it computed. It is written after the unit's data, and the
//   store is renamed into place only after that: a shard store without that row is not finished
//   and merge refuses it.
// - In any store, a row with merged_at <> '' records one shard merged into it: ingest_id is the
//   store's own copy of the shard's ingest record (0 when the unit held no rows), and
//   shard_ingest_id the id it had in the shard. shard_id (random, made when the shard was
//   computed) identifies a shard run: merging the same run again changes nothing.
#include "curcrunch/store/schema_shards.hpp"

namespace curcrunch::store {
namespace {

const char* kShards = R"SQL(
CREATE TABLE shard_run (
  shard_id         TEXT NOT NULL,      -- 128 random bits, hex: one run of one unit
  plan_id          TEXT NOT NULL,      -- sha256 of the shards file (its TSV form)
  plan_units       INTEGER NOT NULL,   -- units in the plan
  unit_index       INTEGER NOT NULL,   -- 0-based, the scheduler's array index
  unit             TEXT NOT NULL,      -- the unit's line of the shards file (TSV)
  version_seen     TEXT NOT NULL,      -- the source's version when the shard read it
  host             TEXT NOT NULL,
  job              TEXT NOT NULL,      -- the scheduler's job id ('' when none)
  tool_version     TEXT NOT NULL,
  schema_version   INTEGER NOT NULL,
  started_at       TEXT NOT NULL,
  finished_at      TEXT NOT NULL,
  shard_ingest_id  INTEGER NOT NULL,   -- the ingest in the shard store (0: no rows)
  ingest_id        INTEGER NOT NULL,   -- the ingest in this store (0: no rows)
  merged_at        TEXT NOT NULL,      -- '' in the shard store itself
  merged_from      TEXT NOT NULL       -- the shard store's path when merged, else ''
);
CREATE INDEX shard_run_plan ON shard_run(plan_id, unit_index);
CREATE INDEX shard_run_ingest ON shard_run(ingest_id);
)SQL";

}  // namespace

void create_shard_tables(Database& db) {
    db.exec(kShards);
}

}  // namespace curcrunch::store
