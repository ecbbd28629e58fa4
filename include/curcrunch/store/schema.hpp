#pragma once
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/schema_shards.hpp"

namespace curcrunch::store {

// The newest block: the shard records (schema_shards.hpp).
inline constexpr int kSchemaVersion = kShardsSchemaVersion;

// Creates or upgrades the schema to kSchemaVersion in one transaction. Refuses a database
// written by a newer curcrunch (its version is higher than ours).
void migrate(Database& db);
int schema_version(Database& db);

}  // namespace curcrunch::store
