// The store as of schema 6: the unit of replacement is (payer, billing period), strings are
// reference-counted, and each ingest records the units it replaced and the units each source fed.
#include "unit_copy.hpp"

#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/store/dim_refs.hpp"
#include "unit_rows.hpp"

namespace curcrunch::store::merge_detail {
namespace {

bool contains(const std::vector<const char*>& v, const std::string& s) {
    for (const char* x : v)
        if (s == x) return true;
    return false;
}

// "a, b, c" of `cols`, each replaced by `replace(name)` when that returns non-empty text.
template <class F>
std::string select_list(const std::vector<std::string>& cols, F replace) {
    std::string out;
    for (const std::string& c : cols) {
        std::string r = replace(c);
        out.append(out.empty() ? "" : ", ").append(r.empty() ? c : r);
    }
    return out;
}

std::string column_list(const std::vector<std::string>& cols) {
    return select_list(cols, [](const std::string&) { return std::string(); });
}

// merge_dim(id): the main id of a shard dim id (UnitCopier::Seen::main_id), counting the cell;
// an id without one is an error, never a silent NULL or 0.
void unit_copy_merge_dim(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* seen = static_cast<UnitCopier::Seen*>(sqlite3_user_data(ctx));
    const int64_t id = sqlite3_value_int64(argv[0]);
    if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER || id <= 0 ||
        static_cast<uint64_t>(id) >= seen->main_id.size() || seen->main_id[id] == 0) {
        seen->stray = "a row names a string that none of the unit's checked rows names";
        sqlite3_result_error(ctx, "merge: a shard row names a string it was not checked with", -1);
        return;
    }
    ++seen->cells[id];
    sqlite3_result_int64(ctx, seen->main_id[id]);
}

// merge_count(row_count): the value, added to the copied rows' sum; one the check would have
// refused (shard_units.hpp) is an error.
void unit_copy_merge_count(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* seen = static_cast<UnitCopier::Seen*>(sqlite3_user_data(ctx));
    const int64_t n = sqlite3_value_int64(argv[0]);
    if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER || n < 1 || n > kMaxUnitRows) {
        seen->stray = "a row's row_count is not an integer in 1.." + std::string(kMaxUnitRowsText);
        sqlite3_result_error(ctx, "merge: a shard row's row_count was not checked", -1);
        return;
    }
    seen->row_counts += n;  // below 2^46 rows of at most 2^40
    sqlite3_result_int64(ctx, n);
}

// The rows of one unit, in either store: the day range is an index range on (day,
// payer_account), as in delete_unit_rows.
constexpr const char* kUnitRows =
    " WHERE day BETWEEN ?1 AND ?2 AND payer_account = ?3 AND period = ?4";

}  // namespace

UnitCopier::UnitCopier(Database& db) : db_(db) {
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function(db_.handle(), "merge_dim", 1, flags, &seen_, unit_copy_merge_dim,
                                nullptr, nullptr) != SQLITE_OK ||
        sqlite3_create_function(db_.handle(), "merge_count", 1, flags, &seen_,
                                unit_copy_merge_count, nullptr, nullptr) != SQLITE_OK)
        db_.fail("cannot register merge_dim and merge_count");
}

UnitCopier::~UnitCopier() {
    for (const char* f : {"merge_dim", "merge_count"})
        sqlite3_create_function(db_.handle(), f, 1, SQLITE_UTF8, nullptr, nullptr, nullptr,
                                nullptr);
}

// The columns of main.`table` in order (both stores have the same schema version).
const std::vector<std::string>& UnitCopier::columns(const std::string& table) {
    auto it = columns_.find(table);
    if (it != columns_.end()) return it->second;
    auto st = db_.prepare("SELECT name FROM main.pragma_table_info(?) ORDER BY cid");
    st.bind(1, table);
    std::vector<std::string> out;
    while (st.step())
        out.push_back(st.column_text(0));
    if (out.empty()) throw Error(ErrorKind::internal, "merge: no table " + table);
    return columns_.emplace(table, std::move(out)).first->second;
}

Statement& UnitCopier::statement(const std::string& sql) {
    auto& st = statements_[sql];
    if (!st)
        st = std::make_unique<Statement>(db_.prepare(sql));
    else
        st->reset();
    return *st;
}

void UnitCopier::begin_shard() {
    Statement& max = statement("SELECT coalesce(max(id), 0) FROM shard.dim");
    max.step();
    const int64_t n = max.column_int(0);
    max.reset();
    // check_shards refused dictionaries whose ids are not dense, so this array stays small; the
    // bound holds even if the file was swapped since.
    if (n < 0 || n > (int64_t{1} << 32)) db_.fail("merge: shard dictionary ids out of range");
    seen_.main_id.assign(static_cast<size_t>(n) + 1, 0);
    seen_.cells.assign(static_cast<size_t>(n) + 1, 0);
}

void UnitCopier::copy_rows(const std::string& table, const std::string& key, int64_t from,
                           int64_t to) {
    const auto& cols = columns(table);
    Statement& copy =
        statement("INSERT INTO main." + table + "(" + column_list(cols) + ") SELECT " +
                  select_list(cols, [&](const std::string& c) { return c == key ? "?1" : ""; }) +
                  " FROM shard." + table + " WHERE " + key + " = ?2");
    copy.bind(1, to).bind(2, from);
    copy.run();
}

int64_t UnitCopier::copy_ingest_record(int64_t shard_ingest_id) {
    auto cols = columns("ingest");
    cols.erase(cols.begin());  // id: main gives its own
    Statement& ins = statement("INSERT INTO main.ingest(" + column_list(cols) + ") SELECT " +
                               column_list(cols) + " FROM shard.ingest WHERE id = ?");
    ins.bind(1, shard_ingest_id);
    ins.run();
    const int64_t id = db_.last_insert_rowid();
    for (const char* table : {"ingest_problem", "ingest_unit", "fetched_file"})
        copy_rows(table, "ingest_id", shard_ingest_id, id);

    // Sources get main's ids; the units each fed follow their source.
    auto source_cols = columns("ingest_source");
    source_cols.erase(source_cols.begin());  // id
    Statement& source =
        statement("INSERT INTO main.ingest_source(" + column_list(source_cols) + ") SELECT " +
                  select_list(source_cols,
                              [](const std::string& c) { return c == "ingest_id" ? "?1" : ""; }) +
                  " FROM shard.ingest_source WHERE id = ?2");
    std::vector<int64_t> shard_sources;
    {
        Statement& ids =
            statement("SELECT id FROM shard.ingest_source WHERE ingest_id = ? ORDER BY id");
        ids.bind(1, shard_ingest_id);
        while (ids.step())
            shard_sources.push_back(ids.column_int(0));
        ids.reset();
    }
    for (int64_t from : shard_sources) {
        source.reset();
        source.bind(1, id).bind(2, from);
        source.run();
        copy_rows("ingest_source_unit", "source_id", from, db_.last_insert_rowid());
    }
    return id;
}

int64_t UnitCopier::unit_ingest(const StoreUnit& u) {
    Statement& st =
        statement("SELECT ingest_id FROM main.billing_period WHERE payer = ? AND period = ?");
    st.bind(1, u.payer).bind(2, static_cast<int64_t>(u.period));
    const int64_t id = st.step() ? st.column_int(0) : 0;
    st.reset();
    return id;
}

// Gives every string the unit's rows use its main id, adding the cells of those rows to its
// count (a string new to main is inserted).
void UnitCopier::map_strings(const ShardUnitRows& u, DimRefs& refs) {
    Statement& value = statement("SELECT value FROM shard.dim WHERE id = ?");
    for (const auto& [shard_id, cells] : u.cells) {
        value.reset();
        value.bind(1, shard_id);
        if (!value.step() || static_cast<uint64_t>(shard_id) >= seen_.main_id.size())
            refuse_copy(u, "a string its checked rows name is not in its dictionary any more");
        seen_.main_id[static_cast<size_t>(shard_id)] = refs.add(value.column_text(0), cells);
    }
    value.reset();
}

void UnitCopier::refuse_copy(const ShardUnitRows& u, const std::string& what) const {
    throw_input("the rows of " + unit_name(u.unit) + " read for the copy are not those checked: " +
                what + " (the file is damaged, or was changed during the merge)");
}

void UnitCopier::copy_rollup(const ShardUnitRows& u, size_t table) {
    const RollupTable& t = rollup_tables()[table];
    const auto& cols = columns(t.name);
    const std::string values = select_list(cols, [&](const std::string& c) {
        return contains(t.dim_columns, c) ? "merge_dim(" + c + ")"
               : c == "row_count"         ? std::string("merge_count(row_count)")
                                          : std::string();
    });
    Statement& ins =
        statement(std::string("INSERT OR FAIL INTO main.") + t.name + "(" + column_list(cols) +
                  ") SELECT " + values + " FROM shard." + t.name + kUnitRows);
    ins.bind(1, u.min_day).bind(2, u.max_day).bind(3, u.payer_id);
    ins.bind(4, static_cast<int64_t>(u.unit.period));
    seen_.row_counts = 0;
    seen_.stray.clear();
    try {
        ins.run();
    } catch (const Error&) {
        if (seen_.stray.empty()) throw;  // main's failure (disk full, ...), not the shard's
        ins.reset();
        refuse_copy(u, std::string(t.name) + ": " + seen_.stray);
    }
    const ShardUnitRows::Table& checked = u.tables.at(table);
    const int64_t copied = db_.changes();
    if (copied != checked.rows || seen_.row_counts != checked.row_counts)
        refuse_copy(u, std::string(t.name) + ": " + std::to_string(copied) + " rows of " +
                           std::to_string(seen_.row_counts) + " input rows copied, " +
                           std::to_string(checked.rows) + " rows of " +
                           std::to_string(checked.row_counts) + " checked");
}

int64_t UnitCopier::replace_unit(const ShardUnitRows& u, int64_t ingest_id,
                                 const std::string& replaced_at) {
    const auto period = static_cast<int64_t>(u.unit.period);
    DimRefs refs(db_);
    // Main's rows of the unit go first, their strings released, as Store::replace_periods does.
    delete_unit_rows(db_, refs, UnitId{u.unit.payer, u.unit.period});
    // The strings' references are the cells the check counted; each is compared below with the
    // cells copied.
    map_strings(u, refs);
    // OR FAIL: no statement journal (see insert_rows_from in store/row_feed.hpp); a failing copy
    // throws and the unit's transaction (merge.cpp) rolls back whole.
    for (size_t t = 0; t < rollup_tables().size(); ++t)
        copy_rollup(u, t);
    for (const auto& [shard_id, cells] : u.cells) {
        const auto id = static_cast<size_t>(shard_id);
        if (seen_.cells[id] != cells)
            refuse_copy(u, "a string is named by " + std::to_string(seen_.cells[id]) +
                               " cells copied, by " + std::to_string(cells) + " checked");
        seen_.main_id[id] = 0;
        seen_.cells[id] = 0;
    }

    // Delete, then INSERT OR FAIL: OR REPLACE would keep a statement journal (store/row_feed.hpp).
    Statement& bp_old =
        statement("DELETE FROM main.billing_period WHERE payer = ?1 AND period = ?2");
    bp_old.bind(1, u.unit.payer).bind(2, period);
    bp_old.run();
    const auto& cols = columns("billing_period");
    Statement& bp =
        statement("INSERT OR FAIL INTO main.billing_period(" + column_list(cols) + ") SELECT " +
                  select_list(cols,
                              [](const std::string& c) {
                                  return c == "ingest_id"     ? std::string("?1")
                                         : c == "replaced_at" ? std::string("?2")
                                                              : std::string();
                              }) +
                  " FROM shard.billing_period WHERE payer = ?3 AND period = ?4");
    bp.bind(1, ingest_id).bind(2, replaced_at).bind(3, u.unit.payer).bind(4, period);
    bp.run();
    // The old row is gone: a unit whose row the shard no longer has must not lose it silently.
    if (db_.changes() != 1) refuse_copy(u, "its billing period row is gone");
    refs.finish();
    return u.cost_rows;
}

}  // namespace curcrunch::store::merge_detail
