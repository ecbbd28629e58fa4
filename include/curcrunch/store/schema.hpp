#pragma once
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/schema_billing.hpp"
#include "curcrunch/store/schema_shards.hpp"

namespace curcrunch::store {

// BILLING MIGRATION: the billing block is the newest version (schema_billing.hpp), after the
// shard records (schema_shards.hpp).
static_assert(kBillingSchemaVersion == kShardsSchemaVersion + 1);
// 10: ingest_source records each file's identity (device, inode, modification time) and where
// its sha256 came from (schema.cpp, kV10).
inline constexpr int kSourceIdentitySchemaVersion = kBillingSchemaVersion + 1;
inline constexpr int kSchemaVersion = kSourceIdentitySchemaVersion;

// Creates or upgrades the schema to kSchemaVersion in one transaction. Refuses a database
// written by a newer curcrunch (its version is higher than ours).
void migrate(Database& db);
// The same, but a new store too is built by every upgrade step in turn instead of from
// kFreshStoreSql: the test that keeps kFreshStoreSql equal to what the steps build uses it.
void migrate_by_steps(Database& db);
// The whole schema of a new store at kSchemaVersion, and the rows the steps leave in it, as SQL
// (schema_fresh.cpp, generated from a store built by migrate_by_steps()).
extern const char* const kFreshStoreSql;
int schema_version(Database& db);

}  // namespace curcrunch::store
