#pragma once
// The schema-specific half of merge (store/merge.hpp): copying a shard's ingest record and one
// (payer, billing period) unit from the shard (attached as schema "shard") into the main
// database, inside the caller's transaction. Strings are remapped by value: the shard's dim ids
// mean nothing here, and the main dictionary's reference counts (store/dim_refs.hpp) gain
// exactly the cells the copied rows hold and lose those of the rows they replace.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "curcrunch/store/database.hpp"
#include "curcrunch/store/dim_refs.hpp"
#include "curcrunch/store/shard_units.hpp"

namespace curcrunch::store::merge_detail {

// Copies from the attached shard. One per merge: it registers the SQL functions merge_dim(shard
// id) -> main id and merge_count(row_count) on the connection for its lifetime, and keeps the
// statements it prepares (SQLite prepares them again by itself when the next shard is attached).
//
// What is copied is checked against what the shard check counted (ShardUnitRows), through the
// rows the copy itself read: a copy reads a unit's rows through the day index and the check
// scanned the tables, so a damaged index or a file changed during the merge would otherwise copy
// other rows than were checked, and give the strings other reference counts than the cells
// copied. Per table the rows and their row_count sum, per string its cells.
class UnitCopier {
  public:
    explicit UnitCopier(Database& db);
    ~UnitCopier();
    UnitCopier(const UnitCopier&) = delete;
    UnitCopier& operator=(const UnitCopier&) = delete;

    // A new shard is attached: its string ids mean something else.
    void begin_shard();
    // Copies ingest `shard_ingest_id` of the shard with its sources (and the units each fed),
    // problems, units and fetched files; returns the new ingest id in main.
    int64_t copy_ingest_record(int64_t shard_ingest_id);
    // Replaces unit `u` of main with the shard's: deletes main's rows of `u` (releasing their
    // strings), inserts the shard's with remapped strings, and its billing period (coverage
    // included) with `ingest_id` / `replaced_at`. Returns the number of cost rollup rows copied.
    // Throws Error(input) when the rows copied are not those checked (the unit's transaction is
    // then the caller's to roll back).
    int64_t replace_unit(const ShardUnitRows& u, int64_t ingest_id, const std::string& replaced_at);
    // The ingest main's copy of unit `u` came from (0: main does not hold `u`).
    int64_t unit_ingest(const StoreUnit& u);

    // What the SQL functions merge_dim and merge_count saw of the rows being copied.
    struct Seen {
        std::vector<int64_t> main_id;  // by shard dim id; 0: not mapped (the current unit's only)
        std::vector<int64_t> cells;    // by shard dim id: cells copied holding it
        int64_t row_counts = 0;        // sum of the copied rows' row_count
        std::string stray;             // why a copied row is not one of those checked
    };

  private:
    void map_strings(const ShardUnitRows& u, DimRefs& refs);
    // Copies the unit's rows of rollup table `table` and checks them against u.tables.
    void copy_rollup(const ShardUnitRows& u, size_t table);
    // The rows copied are not those checked: Error(input) naming the unit and `what`.
    [[noreturn]] void refuse_copy(const ShardUnitRows& u, const std::string& what) const;
    // Copies the rows of shard.`table` whose `key` column is `from` into main with `key` = `to`.
    void copy_rows(const std::string& table, const std::string& key, int64_t from, int64_t to);
    // The statement for `sql`, prepared once, reset and unbound.
    Statement& statement(const std::string& sql);
    const std::vector<std::string>& columns(const std::string& table);

    Database& db_;
    std::map<std::string, std::unique_ptr<Statement>> statements_;
    std::map<std::string, std::vector<std::string>> columns_;
    Seen seen_;
};

}  // namespace curcrunch::store::merge_detail
