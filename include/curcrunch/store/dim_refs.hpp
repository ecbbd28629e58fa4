#pragma once
// Reference counts of the dim dictionary (schema v6): dim.refs is the number of (row, column)
// cells of the three rollups that hold the id. Every write of rollup rows keeps it exact in the
// same transaction, so the strings of replaced rows can be deleted as soon as nothing uses them;
// `vacuum` recounts from scratch.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

// A rollup table and the columns of it that hold dim ids.
struct RollupTable {
    const char* name;
    std::vector<const char*> dim_columns;
};
// cost_daily, line_item_daily, tag_daily (schema v6 layout).
const std::vector<RollupTable>& rollup_tables();

// Cells per dim id.
using DimCells = std::unordered_map<int64_t, int64_t>;

// Adds every dim cell of `table`'s rows matching `where` (bound by `bind`; empty: every row)
// into `counts`. Reads only: any connection, a reader's too.
void count_dim_cells(Database& db, const RollupTable& table, const std::string& where,
                     const std::function<void(Statement&)>& bind, DimCells& counts);

// Adds and releases references inside one transaction. Additions are applied at once (they
// return the id); releases are applied by finish(), after every addition, so a string used both
// by the rows going and the rows coming never reaches zero in between.
class DimRefs {
  public:
    explicit DimRefs(Database& db);
    // Adds `count` references to `value` (inserting it when new) and returns its id.
    int64_t add(std::string_view value, int64_t count);
    // Counts the dim cells of `table`'s rows matching `where` (bound by `bind`) as released.
    void release_rows(const RollupTable& table, const std::string& where,
                      const std::function<void(Statement&)>& bind);
    // Counts `cells` (counted by count_dim_cells, on any connection) as released.
    void release_counted(const DimCells& cells);
    // Counts every cell of the three rollups as released (dim.refs of every string), for a
    // caller that empties them.
    void release_all();
    // Applies the releases and deletes the strings no row uses any more. Returns how many.
    int64_t finish();

  private:
    Database& db_;
    Statement find_, bump_, insert_;
    DimCells released_;
};

struct VacuumResult {
    int64_t strings_removed = 0;
    int64_t bytes_before = 0, bytes_after = 0;
};

// Recounts every dim.refs from the rollups and deletes unreferenced strings (one transaction);
// used by the v6 upgrade and by vacuum. Returns how many strings were deleted.
int64_t recount_dim_refs(Database& db);

// `curcrunch vacuum`: recount_dim_refs, then a checkpoint and SQLite's VACUUM, which gives the
// free pages back to the file system.
VacuumResult vacuum_store(Database& db);

}  // namespace curcrunch::store
