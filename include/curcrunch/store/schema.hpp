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
int schema_version(Database& db);

}  // namespace curcrunch::store
