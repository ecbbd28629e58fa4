#pragma once
// The upgrade to schema version 6, run by migrate() inside its transaction (store/schema.cpp
// lists the invariants; src/store/schema_v6.cpp has the tables).
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

void upgrade_to_v6(Database& db);

}  // namespace curcrunch::store
