#pragma once
// The shard block of the schema (issue 15): the record of a shard store's unit and of every shard
// merged into a store (src/store/schema_shards.cpp holds the table and its invariants).
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

// The schema version that adds the shard tables (after 7, the organisation inventory's OU
// columns).
inline constexpr int kShardsSchemaVersion = 8;

// Creates the shard tables, inside migrate()'s transaction. It touches no existing table.
void create_shard_tables(Database& db);

}  // namespace curcrunch::store
