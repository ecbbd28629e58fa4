#pragma once
// The rows of one (payer, billing period) unit, shared by the two writers that replace units:
// Store::replace_periods (an ingest, unit_replace.cpp) and merge (a shard's units, unit_copy.cpp).
#include <string>
#include <utility>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/dim_refs.hpp"

namespace curcrunch::store {

using UnitId = std::pair<std::string, Period>;  // (payer, period)

// Releases the dim references of the unit's rows in all three rollups and deletes them, inside
// the caller's transaction (refs.finish() then deletes the strings nothing uses any more). Its
// billing_period row is left to the caller, who replaces it.
void delete_unit_rows(Database& db, DimRefs& refs, const UnitId& unit);

}  // namespace curcrunch::store
