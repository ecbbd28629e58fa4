#pragma once
// BILLING MIGRATION (issue 14): the rebilling tables, a self-contained schema block run by
// migrate() inside its transaction (src/store/schema_billing.cpp lists the invariants).
//
// The block only creates new tables and touches no existing one, so it is applied as whatever
// version comes next on main: kBillingSchemaVersion is the one number to change. It follows 7
// (org inventory) and 8 (shards); schema.hpp asserts it is the next after the shard block.
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

inline constexpr int kBillingSchemaVersion = 9;

void create_billing_tables(Database& db);

}  // namespace curcrunch::store
