#pragma once
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

inline constexpr int kSchemaVersion = 7;

// Creates or upgrades the schema to kSchemaVersion in one transaction. Refuses a database
// written by a newer curcrunch (its version is higher than ours).
void migrate(Database& db);
int schema_version(Database& db);

}  // namespace curcrunch::store
