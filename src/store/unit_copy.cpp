// The store as of schema 5: the unit of replacement is the billing period (all payers
// together), and dim strings are never deleted.
#include "unit_copy.hpp"

#include <vector>

#include "curcrunch/core/error.hpp"

namespace curcrunch::store::merge_detail {
namespace {

struct RollupTable {
    const char* name;
    std::vector<const char*> dim_columns;
};

const std::vector<RollupTable>& rollup_tables() {
    static const std::vector<RollupTable> tables = {
        {"cost_daily",
         {"payer_account", "usage_account", "product_code", "product_name", "usage_type",
          "operation", "region", "line_item_type", "pricing_term", "currency"}},
        {"line_item_daily",
         {"usage_account", "product_code", "usage_type", "line_item_type", "description", "unit",
          "currency"}},
        {"tag_daily", {"usage_account", "product_code", "tag_key", "tag_value", "currency"}},
    };
    return tables;
}

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

// merge_dim(id): the main id of a shard dim id (UnitCopier::main_id_); an id without one is an
// error, never a silent NULL or 0.
void merge_dim_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* map = static_cast<const std::vector<int64_t>*>(sqlite3_user_data(ctx));
    const int64_t id = sqlite3_value_int64(argv[0]);
    if (id <= 0 || static_cast<uint64_t>(id) >= map->size() || (*map)[id] == 0) {
        sqlite3_result_error(ctx, "merge: a shard row names a string its dictionary lacks", -1);
        return;
    }
    sqlite3_result_int64(ctx, (*map)[id]);
}

}  // namespace

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
    mapped_ = false;
    main_id_.clear();
}

int64_t UnitCopier::copy_ingest_record(int64_t shard_ingest_id) {
    auto cols = columns("ingest");
    cols.erase(cols.begin());  // id: main gives its own
    Statement& ins = statement("INSERT INTO main.ingest(" + column_list(cols) + ") SELECT " +
                               column_list(cols) + " FROM shard.ingest WHERE id = ?");
    ins.bind(1, shard_ingest_id);
    ins.run();
    const int64_t id = db_.last_insert_rowid();
    for (const char* table : {"ingest_source", "ingest_problem", "fetched_file"}) {
        const auto& tc = columns(table);
        Statement& copy = statement(
            std::string("INSERT INTO main.") + table + "(" + column_list(tc) + ") SELECT " +
            select_list(tc, [](const std::string& c) { return c == "ingest_id" ? "?1" : ""; }) +
            " FROM shard." + table + " WHERE ingest_id = ?2");
        copy.bind(1, id).bind(2, shard_ingest_id);
        copy.run();
    }
    return id;
}

int64_t UnitCopier::unit_ingest(const StoreUnit& u) {
    Statement& st = statement("SELECT ingest_id FROM main.billing_period WHERE period = ?");
    st.bind(1, static_cast<int64_t>(u.period));
    const int64_t id = st.step() ? st.column_int(0) : 0;
    st.reset();
    return id;
}

UnitCopier::UnitCopier(Database& db) : db_(db) {
    if (sqlite3_create_function(db_.handle(), "merge_dim", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                &main_id_, merge_dim_function, nullptr, nullptr) != SQLITE_OK)
        db_.fail("cannot register merge_dim");
}

UnitCopier::~UnitCopier() {
    sqlite3_create_function(db_.handle(), "merge_dim", 1, SQLITE_UTF8, nullptr, nullptr, nullptr,
                            nullptr);
}

// Schema 3 never deletes strings and a shard's dictionary holds the strings its rows use, so the
// whole dictionary is mapped once, in the first unit's transaction: the strings main lacks are
// added, then every shard id gets main's id for the same value.
void UnitCopier::map_strings() {
    if (mapped_) return;
    db_.exec("INSERT OR IGNORE INTO main.dim(value) SELECT value FROM shard.dim ORDER BY id");
    Statement& max = statement("SELECT coalesce(max(id), 0) FROM shard.dim");
    max.step();
    const int64_t n = max.column_int(0);
    max.reset();
    // check_shards refused dictionaries whose ids are not dense, so this array stays small.
    if (n < 0 || n > (int64_t{1} << 32)) db_.fail("merge: shard dictionary ids out of range");
    main_id_.assign(static_cast<size_t>(n) + 1, 0);
    auto map =
        db_.prepare("SELECT s.id, m.id FROM shard.dim s JOIN main.dim m ON m.value = s.value");
    while (map.step())
        main_id_[static_cast<size_t>(map.column_int(0))] = map.column_int(1);
    mapped_ = true;
}

int64_t UnitCopier::replace_unit(const StoreUnit& u, int64_t ingest_id,
                                 const std::string& replaced_at) {
    const auto period = static_cast<int64_t>(u.period);
    // Main's rows of the unit go first (bounded by its recorded days, so the day index finds
    // them), as Store::replace_periods does.
    Statement& bounds =
        statement("SELECT min_day, max_day FROM main.billing_period WHERE period = ?");
    bounds.bind(1, period);
    if (bounds.step()) {
        const int64_t lo = bounds.column_int(0), hi = bounds.column_int(1);
        bounds.reset();
        for (const RollupTable& t : rollup_tables()) {
            Statement& del = statement(std::string("DELETE FROM main.") + t.name +
                                       " WHERE day BETWEEN ? AND ? AND period = ?");
            del.bind(1, lo).bind(2, hi).bind(3, period);
            del.run();
        }
    }
    bounds.reset();
    Statement& del = statement("DELETE FROM main.billing_period WHERE period = ?");
    del.bind(1, period);
    del.run();

    map_strings();
    int64_t cost_rows = 0;
    for (const RollupTable& t : rollup_tables()) {
        const auto& cols = columns(t.name);
        Statement& ins = statement(
            std::string("INSERT INTO main.") + t.name + "(" + column_list(cols) + ") SELECT " +
            select_list(cols,
                        [&](const std::string& c) {
                            return contains(t.dim_columns, c) ? "merge_dim(" + c + ")"
                                                              : std::string();
                        }) +
            " FROM shard." + t.name + " WHERE period = ?");
        ins.bind(1, period);
        ins.run();
        if (std::string(t.name) == "cost_daily") cost_rows = sqlite3_changes(db_.handle());
    }
    const auto& cols = columns("billing_period");
    Statement& bp = statement("INSERT INTO main.billing_period(" + column_list(cols) + ") SELECT " +
                              select_list(cols,
                                          [](const std::string& c) {
                                              return c == "ingest_id"     ? std::string("?1")
                                                     : c == "replaced_at" ? std::string("?2")
                                                                          : std::string();
                                          }) +
                              " FROM shard.billing_period WHERE period = ?3");
    bp.bind(1, ingest_id).bind(2, replaced_at).bind(3, period);
    bp.run();
    return cost_rows;
}

}  // namespace curcrunch::store::merge_detail
