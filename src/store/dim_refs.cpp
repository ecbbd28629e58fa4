#include "curcrunch/store/dim_refs.hpp"

#include <filesystem>

#include "curcrunch/core/error.hpp"

namespace curcrunch::store {

const std::vector<RollupTable>& rollup_tables() {
    static const std::vector<RollupTable> tables = {
        {"cost_daily",
         {"payer_account", "usage_account", "product_code", "product_name", "usage_type",
          "operation", "region", "line_item_type", "pricing_term", "currency", "billing_entity",
          "commitment_owner"}},
        {"line_item_daily",
         {"payer_account", "usage_account", "product_code", "usage_type", "line_item_type",
          "description", "unit", "currency"}},
        {"tag_daily",
         {"payer_account", "usage_account", "product_code", "tag_key", "tag_value", "currency"}},
    };
    return tables;
}

namespace {

std::string column_list(const RollupTable& t) {
    std::string cols;
    for (const char* c : t.dim_columns)
        cols.append(cols.empty() ? "" : ", ").append(c);
    return cols;
}

}  // namespace

void count_dim_cells(Database& db, const RollupTable& t, const std::string& where,
                     const std::function<void(Statement&)>& bind, DimCells& counts) {
    auto st = db.prepare("SELECT " + column_list(t) + " FROM " + t.name +
                         (where.empty() ? std::string() : " WHERE " + where));
    if (bind) bind(st);
    const int n = static_cast<int>(t.dim_columns.size());
    while (st.step())
        for (int i = 0; i < n; ++i)
            ++counts[st.column_int(i)];
}

// Not one upsert (INSERT ... ON CONFLICT DO UPDATE), and no RETURNING: SQLite writes a
// statement journal for either inside a transaction, a copy of each page the statement touches
// (64 KiB here), which cost an ingest's few hundred strings tens of megabytes of temporary-file
// writes. Single-row statements by a unique key need none.
DimRefs::DimRefs(Database& db)
    : db_(db),
      find_(db.prepare("SELECT id FROM dim WHERE value = ?")),
      bump_(db.prepare("UPDATE dim SET refs = refs + ? WHERE id = ?")),
      insert_(db.prepare("INSERT INTO dim(value, refs) VALUES (?, ?)")) {}

int64_t DimRefs::add(std::string_view value, int64_t count) {
    find_.bind_static(1, value);
    const bool found = find_.step();
    const int64_t id = found ? find_.column_int(0) : 0;
    find_.reset();
    if (found) {
        bump_.bind(1, count).bind(2, id);
        bump_.run();
        bump_.reset();
        return id;
    }
    insert_.bind_static(1, value).bind(2, count);
    insert_.run();
    insert_.reset();
    return db_.last_insert_rowid();
}

void DimRefs::release_rows(const RollupTable& table, const std::string& where,
                           const std::function<void(Statement&)>& bind) {
    count_dim_cells(db_, table, where, bind, released_);
}

void DimRefs::release_counted(const DimCells& cells) {
    for (const auto& [id, n] : cells)
        released_[id] += n;
}

void DimRefs::release_all() {
    auto st = db_.prepare("SELECT id, refs FROM dim");
    while (st.step())
        released_[st.column_int(0)] += st.column_int(1);
}

int64_t DimRefs::finish() {
    auto dec = db_.prepare("UPDATE dim SET refs = refs - ? WHERE id = ?");
    auto left_of = db_.prepare("SELECT refs FROM dim WHERE id = ?");
    auto del = db_.prepare("DELETE FROM dim WHERE id = ?");
    int64_t removed = 0;
    for (const auto& [id, n] : released_) {
        dec.bind(1, n).bind(2, id);
        dec.run();
        dec.reset();
        left_of.bind(1, id);
        const int64_t left = left_of.step() ? left_of.column_int(0) : -1;
        left_of.reset();
        // A count below zero means a row was written without its references being counted:
        // deleting the string could orphan rows, so stop (the transaction rolls back).
        if (left < 0)
            throw_store(db_.path() + ": dim reference count of id " + std::to_string(id) +
                        " is inconsistent; run `curcrunch vacuum` to recount");
        if (left == 0) {
            del.bind(1, id);
            del.run();
            del.reset();
            ++removed;
        }
    }
    released_.clear();
    return removed;
}

int64_t recount_dim_refs(Database& db) {
    DimCells counts;
    for (const RollupTable& t : rollup_tables())
        count_dim_cells(db, t, "", nullptr, counts);
    db.exec("UPDATE dim SET refs = 0");
    auto set = db.prepare("UPDATE dim SET refs = ? WHERE id = ?");
    for (const auto& [id, n] : counts) {
        set.bind(1, n).bind(2, id);
        set.run();
        set.reset();
    }
    auto del = db.prepare("DELETE FROM dim WHERE refs = 0");
    del.run();
    return sqlite3_changes64(db.handle());
}

VacuumResult vacuum_store(Database& db) {
    namespace fs = std::filesystem;
    VacuumResult r;
    auto file_bytes = [&] {
        std::error_code ec;
        auto n = fs::file_size(db.path(), ec);
        return ec ? int64_t(0) : static_cast<int64_t>(n);
    };
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    r.bytes_before = file_bytes();
    {
        Transaction tx(db);
        r.strings_removed = recount_dim_refs(db);
        tx.commit();
    }
    db.exec("VACUUM");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    r.bytes_after = file_bytes();
    return r;
}

}  // namespace curcrunch::store
