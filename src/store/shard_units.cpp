#include "curcrunch/store/shard_units.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/row_decoder.hpp"
#include "curcrunch/store/dim_refs.hpp"

namespace curcrunch::store {
namespace {

// What a unit's billing_period row states, and what its rows were found to hold.
struct UnitTally {
    ShardUnitRows out;  // out.min_day, out.max_day: as stated
    int64_t stated_rows = 0;
    Amount stated_unblended = 0;
    int64_t rows = 0, min_day = 0, max_day = 0;
    Amount unblended = 0;
    std::unordered_map<int64_t, int64_t> cells;
};

// The shard's dictionary: which ids exist. Merge maps ids through an array sized by the largest
// one, so a dictionary that is not a fresh store's (ids far beyond their number: a hostile or
// hand-edited file) is refused before anything that large is allocated. A shard store is written
// by one ingest into an empty store, whose AUTOINCREMENT ids are dense.
std::vector<char> dictionary_ids(Database& db) {
    auto st = db.prepare("SELECT count(*), coalesce(max(id), 0), coalesce(min(id), 1) FROM dim");
    st.step();
    const int64_t count = st.column_int(0), max = st.column_int(1), min = st.column_int(2);
    if (min < 1 || max > 2 * count + 1024)
        throw_input("its string dictionary is not a fresh store's (ids up to " +
                    std::to_string(max) + " for " + std::to_string(count) + " strings)");
    std::vector<char> present(static_cast<size_t>(max) + 1, 0);
    auto ids = db.prepare("SELECT id FROM dim");
    while (ids.step())
        present[static_cast<size_t>(ids.column_int(0))] = 1;
    return present;
}

std::vector<UnitTally> stated_units(Database& db, int64_t ingest_id) {
    auto st = db.prepare(
        "SELECT b.payer, b.period, b.ingest_id, b.origin, b.rows, b.min_day, b.max_day, "
        "b.unblended, d.id, b.invoice_ids FROM billing_period b LEFT JOIN dim d ON d.value = "
        "b.payer "
        "ORDER BY b.payer, b.period");
    std::vector<UnitTally> units;
    while (st.step()) {
        UnitTally t;
        t.out.unit = StoreUnit{st.column_text(0), static_cast<Period>(st.column_int(1))};
        const std::string name = unit_name(t.out.unit);
        if (st.column_int(2) != ingest_id)
            throw_input("holds billing periods of another ingest than its record's (" + name + ")");
        if (st.column_text(3) != "ingest")
            throw_input(name + " was not written by an ingest (origin " +
                        shown_text(st.column_text(3)) + ")");
        if (st.column_is_null(8)) throw_input(name + ": its payer is not in the dictionary");
        const std::string invoices = st.column_text(9);
        if (!invoices.empty() && static_cast<size_t>(std::count(invoices.begin(), invoices.end(),
                                                                ',')) >= ingest::kMaxInvoiceIds)
            throw_input(name + " lists more than " + std::to_string(ingest::kMaxInvoiceIds) +
                        " invoice ids");
        t.out.payer_id = st.column_int(8);
        if (st.column_type(4) != SQLITE_INTEGER || st.column_int(4) < 1 ||
            st.column_int(4) > kMaxUnitRows)
            throw_input(name + ": its billing period row's rows (" + shown_text(st.column_text(4)) +
                        ") is not an integer in 1.." + kMaxUnitRowsText);
        t.stated_rows = st.column_int(4);
        t.out.min_day = st.column_int(5);
        t.out.max_day = st.column_int(6);
        t.stated_unblended = st.column_amount(7);
        units.push_back(std::move(t));
    }
    return units;
}

// The columns of `t` that hold amounts: all but period, day, the dim ids and row_count.
std::vector<std::string> amount_columns(Database& db, const RollupTable& t) {
    auto st = db.prepare("SELECT name FROM main.pragma_table_info(?) ORDER BY cid");
    st.bind(1, t.name);
    std::vector<std::string> out;
    while (st.step()) {
        std::string c = st.column_text(0);
        const bool dim = std::any_of(t.dim_columns.begin(), t.dim_columns.end(),
                                     [&](const char* d) { return c == d; });
        if (!dim && c != "period" && c != "day" && c != "row_count") out.push_back(std::move(c));
    }
    return out;
}

// One pass over `t` (rollup table number `table`): every row checked and counted into its unit.
void tally_rows(Database& db, size_t table, const std::vector<char>& dictionary,
                const std::map<std::pair<int64_t, int64_t>, size_t>& unit_of,
                std::vector<UnitTally>& units) {
    const RollupTable& t = rollup_tables()[table];
    const std::vector<std::string> amounts = amount_columns(db, t);
    const int dims = static_cast<int>(t.dim_columns.size());
    int payer_column = -1, tag_key_column = -1;
    std::string sql = "SELECT period, day, row_count";
    std::vector<std::string> keys = {"period", "day", "row_count"};
    for (int i = 0; i < dims; ++i) {
        keys.emplace_back(t.dim_columns[i]);
        if (std::string(t.dim_columns[i]) == "payer_account") payer_column = 3 + i;
        if (std::string(t.dim_columns[i]) == "tag_key") tag_key_column = 3 + i;
        sql.append(", ").append(t.dim_columns[i]);
    }
    for (const std::string& a : amounts)
        sql.append(", ").append(a);
    if (payer_column < 0) throw Error(ErrorKind::internal, std::string(t.name) + ": no payer");
    const auto unblended = std::find(amounts.begin(), amounts.end(), "unblended");
    if (unblended == amounts.end())
        throw Error(ErrorKind::internal, std::string(t.name) + ": no unblended column");
    const int unblended_column = 3 + dims + static_cast<int>(unblended - amounts.begin());
    const bool cost = std::string(t.name) == "cost_daily";
    // Messages are made only when a check fails: this loop runs once per rollup row.
    auto refuse = [&](const UnitTally& u, const std::string& what) {
        throw_input(std::string(t.name) + ": a row of " + unit_name(u.out.unit) + " " + what);
    };
    auto st = db.prepare(sql + " FROM " + t.name);
    // Keys are SQLite integers: column_int would read '7abc' as 7 and 1.5 as 1.
    auto integer = [&](int c) {
        if (st.column_type(c) != SQLITE_INTEGER)
            throw_input(std::string(t.name) + ": a row's " + keys[static_cast<size_t>(c)] + " (" +
                        shown_text(st.column_text(c)) + ") is not an integer" +
                        (c == 2 ? std::string(" in 1..") + kMaxUnitRowsText : std::string()));
        return st.column_int(c);
    };
    // (unit, tag key) -> the sum of its rows' row_count (tag_daily only).
    std::map<std::pair<size_t, int64_t>, int64_t> per_tag_key;
    Amount parsed = 0;
    while (st.step()) {
        const int64_t period = integer(0), day = integer(1), count = integer(2);
        auto it = unit_of.find({integer(payer_column), period});
        if (it == unit_of.end())
            throw_input(std::string(t.name) + ": a row of period " + std::to_string(period) +
                        " belongs to no billing period of the shard");
        UnitTally& u = units[it->second];
        if (day < u.out.min_day || day > u.out.max_day)
            refuse(u, "lies outside its days (" + std::to_string(day) + ")");
        if (count < 1 || count > u.stated_rows)
            refuse(u, "has a row_count of " + std::to_string(count) +
                          ", not in 1..its unit's rows (" + std::to_string(u.stated_rows) +
                          ", at most " + kMaxUnitRowsText + ")");
        ShardUnitRows::Table& tally = u.out.tables[table];
        ++tally.rows;
        // Below 2^46 rows of at most 2^40 each: checked all the same.
        if (__builtin_add_overflow(tally.row_counts, count, &tally.row_counts))
            refuse(u, "makes its unit's row count overflow");
        if (tag_key_column >= 0) {
            int64_t& sum = per_tag_key[{it->second, integer(tag_key_column)}];
            sum += count;  // at most the unit's rows (<= 2^40) before this add
            if (sum > u.stated_rows)
                refuse(u, "brings its tag key's row_count sum to " + std::to_string(sum) +
                              ", more than its unit's rows (" + std::to_string(u.stated_rows) +
                              ")");
        }
        for (int i = 0; i < dims; ++i) {
            const int64_t id = integer(3 + i);
            if (id < 1 || static_cast<uint64_t>(id) >= dictionary.size() || !dictionary[id])
                refuse(u, std::string("names a string its dictionary lacks (") + t.dim_columns[i] +
                              ")");
            ++u.cells[id];
        }
        for (size_t a = 0; a < amounts.size(); ++a) {
            const int c = 3 + dims + static_cast<int>(a);
            // Integers are within the bound (|int64| < 10^19 < 10^24); text must be an integer
            // within it; nothing else is an amount (store/schema.cpp).
            const int type = st.column_type(c);
            if (type != SQLITE_INTEGER &&
                (type != SQLITE_TEXT || !parse_scaled_integer(st.column_text(c), parsed) ||
                 !within_amount_bound(parsed)))
                refuse(u, "holds a " + amounts[a] + " beyond " + kMaxAmountText +
                              " or not an integer amount");
        }
        if (!cost) continue;
        // Sums of at most 2^46 rows (a SQLite file's limit): row counts stay below 2^63 and
        // amounts of at most 10^24 each below 2^127; checked all the same.
        if (__builtin_add_overflow(u.rows, count, &u.rows) ||
            !add_checked(u.unblended, st.column_amount(unblended_column), u.unblended))
            refuse(u, "makes its unit's sums overflow");
        u.min_day = u.out.cost_rows == 0 ? day : std::min(u.min_day, day);
        u.max_day = u.out.cost_rows == 0 ? day : std::max(u.max_day, day);
        ++u.out.cost_rows;
    }
}

}  // namespace

std::string unit_name(const StoreUnit& u) {
    return "payer " + (u.payer.empty() ? std::string("(none)") : shown_text(u.payer)) +
           ", period " + format_period(u.period);
}

std::vector<ShardUnitRows> read_shard_units(Database& db, int64_t ingest_id) {
    const std::vector<char> dictionary = dictionary_ids(db);
    std::vector<UnitTally> units = stated_units(db, ingest_id);
    std::map<std::pair<int64_t, int64_t>, size_t> unit_of;
    for (size_t i = 0; i < units.size(); ++i)
        unit_of[{units[i].out.payer_id, static_cast<int64_t>(units[i].out.unit.period)}] = i;
    for (UnitTally& u : units)
        u.out.tables.resize(rollup_tables().size());
    for (size_t t = 0; t < rollup_tables().size(); ++t)
        tally_rows(db, t, dictionary, unit_of, units);

    std::vector<ShardUnitRows> out;
    for (UnitTally& u : units) {
        const std::string name = unit_name(u.out.unit);
        if (u.out.cost_rows == 0) throw_input(name + " has no cost rows");
        if (u.rows != u.stated_rows || u.unblended != u.stated_unblended ||
            u.min_day != u.out.min_day || u.max_day != u.out.max_day)
            throw_input(name + ": its billing period row says " + std::to_string(u.stated_rows) +
                        " rows, " + to_plain_string(u.stated_unblended) + " unblended, days " +
                        std::to_string(u.out.min_day) + ".." + std::to_string(u.out.max_day) +
                        "; its cost rows hold " + std::to_string(u.rows) + ", " +
                        to_plain_string(u.unblended) + ", " + std::to_string(u.min_day) + ".." +
                        std::to_string(u.max_day));
        for (size_t t = 0; t < rollup_tables().size(); ++t)
            if (std::string(rollup_tables()[t].name) == "line_item_daily" &&
                u.out.tables[t].row_counts != u.stated_rows)
                throw_input(name + ": its line items count " +
                            std::to_string(u.out.tables[t].row_counts) +
                            " input rows, its billing period row " + std::to_string(u.stated_rows));
        u.out.cells.assign(u.cells.begin(), u.cells.end());
        std::sort(u.out.cells.begin(), u.out.cells.end());
        out.push_back(std::move(u.out));
    }
    return out;
}

}  // namespace curcrunch::store
