// Deleting the rows of replaced (payer, billing period) units, with their strings' references
// released (dim_refs.hpp), for Store::replace_periods and merge (unit_copy.cpp).
#include <future>
#include <set>
#include <system_error>

#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/ingest/thread_budget.hpp"
#include "unit_rows.hpp"

namespace curcrunch::store {
namespace {

// Where a unit's rows are: the day range bounds them (an index range on (day, payer_account)),
// the period is checked on each.
struct UnitBounds {
    bool held = false;  // false: the store has no row of the unit
    int64_t lo = 0, hi = 0, payer_id = 0, period = 0;

    static constexpr const char* kWhere =
        "day BETWEEN ? AND ? AND payer_account = ? AND period = ?";
    void bind(Statement& st) const { st.bind(1, lo).bind(2, hi).bind(3, payer_id).bind(4, period); }
};

UnitBounds bounds_of(Database& db, const UnitId& unit) {
    UnitBounds b;
    auto old =
        db.prepare("SELECT min_day, max_day FROM billing_period WHERE payer = ? AND period = ?");
    old.bind(1, unit.first).bind(2, static_cast<int64_t>(unit.second));
    if (!old.step()) return b;
    auto payer = db.prepare("SELECT id FROM dim WHERE value = ?");
    payer.bind(1, unit.first);
    if (!payer.step()) return b;  // no row can name a payer dim does not hold
    b.held = true;
    b.lo = old.column_int(0);
    b.hi = old.column_int(1);
    b.payer_id = payer.column_int(0);
    b.period = static_cast<int64_t>(unit.second);
    return b;
}

void delete_rows(Database& db, const RollupTable& t, const UnitBounds& b) {
    auto del = db.prepare(std::string("DELETE FROM ") + t.name + " WHERE " + UnitBounds::kWhere);
    b.bind(del);
    del.run();
}

// True when the ingest replaces every unit the store holds. Every rollup row belongs to a unit
// listed in billing_period (schema.cpp), so then every row goes.
bool replaces_every_unit(Database& db, const std::vector<UnitId>& units) {
    const std::set<UnitId> replaced(units.begin(), units.end());
    auto held = db.prepare("SELECT payer, period FROM billing_period");
    bool any = false;
    while (held.step()) {
        if (!replaced.count(UnitId{held.column_text(0), static_cast<Period>(held.column_int(1))}))
            return false;
        any = true;
    }
    return any;  // a new store holds nothing to delete
}

bool write_ahead_logged(Database& db) {
    auto mode = db.prepare("PRAGMA journal_mode");
    return mode.step() && mode.column_text(0) == "wal";
}

// The cells of the units' rows as the store held them when the writer's transaction began. A
// reader of a store in WAL mode sees the last commit; the writer's BEGIN IMMEDIATE lock keeps
// any other writer from committing until it does, and it commits only after this count is
// joined, so the last commit is the writer's starting point whenever this runs. A signal
// ends the count early: the writer stops too, and its result is not used.
DimCells cells_of_units(const std::string& path, const std::vector<UnitId>& units) {
    Database reader(path, Database::Mode::read_only);
    DimCells cells;
    for (const UnitId& u : units) {
        const UnitBounds b = bounds_of(reader, u);
        if (!b.held) continue;
        for (const RollupTable& t : rollup_tables()) {
            if (interrupt_signal() != 0) return cells;
            count_dim_cells(
                reader, t, UnitBounds::kWhere, [&](Statement& st) { b.bind(st); }, cells);
        }
    }
    return cells;
}

}  // namespace

void delete_unit_rows(Database& db, DimRefs& refs, const UnitId& unit) {
    const UnitBounds b = bounds_of(db, unit);
    if (!b.held) return;
    for (const RollupTable& t : rollup_tables()) {
        refs.release_rows(t, UnitBounds::kWhere, [&](Statement& st) { b.bind(st); });
        delete_rows(db, t, b);
    }
}

// Three ways, by what the store holds:
// - Every unit the ingest replaces: the tables are emptied, which frees their pages at once
//   (SQLite's truncate: no WHERE, no triggers, no foreign key naming them), and every string's
//   references are released. Re-ingesting the bench's 1 GB file into its own store (24 units,
//   160,505 rows): store write 0.175 s against 0.386 s.
// - Other units too, in WAL mode, with a thread to spare: each replaced unit's rows are found
//   through the (day, payer_account) index and deleted with their index entries, while a reader
//   counts their cells (cells_of_units) beside the deletes and the inserts after them. Counting
//   on the writer took about half of the deletes' time.
// - Otherwise unit by unit, each unit's cells counted, then its rows deleted, by the writer.
ReplacedRows delete_replaced_units(Database& db, DimRefs& refs, const std::vector<UnitId>& units) {
    if (replaces_every_unit(db, units)) {
        refs.release_all();
        for (const RollupTable& t : rollup_tables())
            db.exec(std::string("DELETE FROM ") + t.name);
        return {};
    }
    if (ingest::thread_budget() > 1 && write_ahead_logged(db)) {
        std::future<DimCells> counted;
        try {
            counted = std::async(std::launch::async,
                                 [path = db.path(), units] { return cells_of_units(path, units); });
        } catch (const std::system_error&) {
        }
        if (counted.valid()) {
            for (const UnitId& u : units) {
                const UnitBounds b = bounds_of(db, u);
                if (!b.held) continue;
                for (const RollupTable& t : rollup_tables())
                    delete_rows(db, t, b);
            }
            return ReplacedRows(std::move(counted));
        }
    }
    for (const UnitId& u : units)
        delete_unit_rows(db, refs, u);
    return {};
}

}  // namespace curcrunch::store
