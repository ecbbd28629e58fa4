#pragma once
// The rows of one (payer, billing period) unit, shared by the two writers that replace units:
// Store::replace_periods (an ingest, unit_replace.cpp) and merge (a shard's units, unit_copy.cpp).
#include <future>
#include <string>
#include <utility>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/dim_refs.hpp"

namespace curcrunch::store {

using UnitId = std::pair<std::string, Period>;  // (payer, period)

// Releases the dim references of the unit's rows in all three rollups and deletes them, inside
// the caller's transaction (refs.finish() then deletes the strings nothing uses any more). Its
// billing_period row is left to the caller, who replaces it.
void delete_unit_rows(Database& db, DimRefs& refs, const UnitId& unit);

// The string references of an ingest's deleted rows, counted on a reader of their own while the
// writer goes on (unit_delete.cpp); release_into() waits for the count and adds it to the
// writer's DimRefs, before its finish(). Empty when they were released at once.
class ReplacedRows {
  public:
    ReplacedRows() = default;
    explicit ReplacedRows(std::future<DimCells> counted) : counted_(std::move(counted)) {}
    void release_into(DimRefs& refs) {
        if (counted_.valid()) refs.release_counted(counted_.get());
    }

  private:
    std::future<DimCells> counted_;
};

// Deletes the rows of the units an ingest replaces (Store::replace_periods), inside the caller's
// transaction, and releases their strings' references in `refs` or through the ReplacedRows.
ReplacedRows delete_replaced_units(Database& db, DimRefs& refs, const std::vector<UnitId>& units);

}  // namespace curcrunch::store
