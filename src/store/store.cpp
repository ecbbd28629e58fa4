#include "curcrunch/store/store.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/store/schema.hpp"

namespace curcrunch::store {

std::string now_utc_iso() {
    return utc_now("%Y-%m-%dT%H:%M:%SZ");
}

namespace {

// The schema version, with SQLite's "file is not a database" said in curcrunch's words.
int checked_schema_version(Database& db) {
    try {
        return schema_version(db);
    } catch (const Error&) {
        if ((sqlite3_errcode(db.handle()) & 0xff) == SQLITE_NOTADB)
            throw_store(db.path() + " is not a curcrunch store (not an SQLite database)");
        throw;
    }
}

bool has_tables(Database& db) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master");
    return st.step() && st.column_int(0) > 0;
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& path, bool read_only) {
    // Checked before SQLite sees the path: a read must never create a file, and SQLite's
    // "unable to open database file" does not tell a user what to do.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status)) throw_store(path + " is a folder, not a store");
    if (read_only && !std::filesystem::exists(status))
        throw_store("no store at " + path +
                    ": run `curcrunch ingest` or `curcrunch fetch` first, or give the store "
                    "with --db");
    if (!read_only && !std::filesystem::exists(status)) {
        const auto dir = std::filesystem::path(path).parent_path();
        if (!dir.empty() && !std::filesystem::is_directory(dir))
            throw_store("cannot create the store " + path + ": the folder " + dir.string() +
                        " does not exist");
    }
    auto db = std::make_unique<Database>(
        path, read_only ? Database::Mode::read_only : Database::Mode::read_write_create);
    const int version = checked_schema_version(*db);
    if (version > kSchemaVersion)
        throw_store(path + " was written by a newer curcrunch (store schema " +
                    std::to_string(version) + "; this curcrunch reads up to " +
                    std::to_string(kSchemaVersion) + "): upgrade curcrunch");
    // Only an empty database becomes a store: curcrunch never adds its tables to another
    // program's database.
    if (version == 0 && has_tables(*db))
        throw_store(path + " is not a curcrunch store (an SQLite database of something else)");
    if (version == 0 && read_only)
        throw_store(path +
                    " is an empty database, not a curcrunch store: run `curcrunch ingest` "
                    "or `curcrunch fetch` first");
    if (!read_only) {
        // Big pages: rollup inserts write many pages and each write is a syscall here. Only takes
        // effect on a new database (before the switch to WAL).
        db->exec("PRAGMA page_size=65536");
        db->exec("PRAGMA journal_mode=WAL");
        db->exec("PRAGMA synchronous=NORMAL");
        db->exec("PRAGMA foreign_keys=ON");
        db->exec("PRAGMA cache_size=-65536");  // 64 MiB: keeps index pages of a big ingest hot
        migrate(*db);
    }
    return std::unique_ptr<Store>(new Store(std::move(db)));
}

int64_t Store::replace_periods(ingest::IngestResult& r, const std::string& started_at,
                               bool skip_mode) {
    using namespace ingest;
    const Rollup& ru = r.rollup;
    // Periods present in this ingest, with their row counts, totals and manifest provenance.
    // Every amount the store keeps is within kMaxAmount (core/money.hpp): each group's sums,
    // then each period's total, checked before anything is written.
    auto refuse = [&](const std::string& why) {
        std::string files;
        for (size_t i = 0; i < r.sources.size() && i < 3; ++i)
            files += (i ? ", " : "") + r.sources[i].path +
                     (r.sources[i].member.empty() ? "" : ":" + shown_text(r.sources[i].member));
        if (r.sources.size() > 3) files += " and " + std::to_string(r.sources.size() - 3) + " more";
        throw_input(files + ": " + why + " (summed over rows)");
    };
    if (std::string why = ru.first_out_of_bound(); !why.empty()) refuse(why);
    std::map<Period, std::pair<int64_t, Amount>> per;
    for (const auto& e : ru.cost.entries()) {
        auto& p = per[e.key.period];
        p.first += e.value.rows;
        p.second += e.value.unblended;  // fewer than 2^32 groups of <= 1e24: no overflow
    }
    for (const auto& [p, info] : per)
        if (!within_amount_bound(info.second))
            refuse("billing period " + format_period(p) + ": the total unblended cost exceeds " +
                   kMaxAmountText + " in magnitude");
    std::map<Period, std::pair<std::string, std::string>> prov;
    for (const auto& s : r.sources)
        if (s.period) prov[s.period] = {s.manifest, s.assembly_id};
    std::string period_list;
    for (const auto& [p, _] : per)
        period_list.append(period_list.empty() ? "" : ",").append(format_period(p));

    Transaction tx(*db_);
    auto ins = db_->prepare(
        "INSERT INTO ingest(started_at, finished_at, tool_version, on_error, periods, rows, "
        "skipped_rows, bytes, seconds) VALUES (?,?,?,?,?,?,?,?,?)");
    ins.bind(1, started_at).bind(2, now_utc_iso()).bind(3, CURCRUNCH_VERSION);
    ins.bind(4, skip_mode ? "skip" : "fail").bind(5, period_list);
    ins.bind(6, static_cast<int64_t>(r.rows)).bind(7, static_cast<int64_t>(r.skipped));
    ins.bind(8, static_cast<int64_t>(r.bytes));
    ins.bind_double(9, r.seconds);
    ins.run();
    const int64_t id = db_->last_insert_rowid();

    auto prob = db_->prepare(
        "INSERT INTO ingest_problem(ingest_id, source, line, column_name, message) VALUES "
        "(?,?,?,?,?)");
    for (const auto& p : r.problems) {
        prob.bind(1, id).bind(2, p.source).bind(3, static_cast<int64_t>(p.line));
        prob.bind(4, p.column).bind(5, p.message);
        prob.run();
        prob.reset();
    }

    // Replace each period: delete its old rows (bounded by the day range recorded for it, so the
    // day index finds them), then insert the new ones.
    for (const char* table : {"cost_daily", "line_item_daily", "tag_daily"}) {
        auto del = db_->prepare(std::string("DELETE FROM ") + table +
                                " WHERE day BETWEEN ? AND ? AND period = ?");
        auto old = db_->prepare("SELECT min_day, max_day FROM billing_period WHERE period = ?");
        for (const auto& [p, _] : per) {
            old.bind(1, static_cast<int64_t>(p));
            if (old.step()) {
                del.bind(1, old.column_int(0))
                    .bind(2, old.column_int(1))
                    .bind(3, static_cast<int64_t>(p));
                del.run();
                del.reset();
            }
            old.reset();
        }
    }
    std::map<Period, std::pair<Day, Day>> day_range;
    for (const auto& e : ru.cost.entries()) {
        auto [it, fresh] = day_range.emplace(e.key.period, std::make_pair(e.key.day, e.key.day));
        if (!fresh) {
            it->second.first = std::min(it->second.first, e.key.day);
            it->second.second = std::max(it->second.second, e.key.day);
        }
    }
    auto bp = db_->prepare(
        "INSERT OR REPLACE INTO billing_period(period, ingest_id, replaced_at, manifest, "
        "assembly_id, rows, min_day, max_day, unblended) VALUES (?,?,?,?,?,?,?,?,?)");
    const std::string now = now_utc_iso();
    for (const auto& [p, info] : per) {
        auto pv = prov.count(p) ? prov[p] : std::pair<std::string, std::string>{};
        bp.bind(1, static_cast<int64_t>(p))
            .bind(2, id)
            .bind(3, now)
            .bind(4, pv.first)
            .bind(5, pv.second);
        bp.bind(6, info.first).bind(7, static_cast<int64_t>(to_yyyymmdd(day_range[p].first)));
        bp.bind(8, static_cast<int64_t>(to_yyyymmdd(day_range[p].second)))
            .bind_amount(9, info.second);
        bp.run();
        bp.reset();
    }

    // Dimension strings: one dim row per distinct string, ids reused across ingests. Only the
    // strings this ingest's rollups use are looked up.
    const StringPool& sp = ru.pool;
    std::vector<int64_t> dim_id(sp.size(), -1);
    {
        auto ins_dim = db_->prepare("INSERT OR IGNORE INTO dim(value) VALUES (?)");
        auto get_dim = db_->prepare("SELECT id FROM dim WHERE value = ?");
        auto resolve = [&](uint32_t pool_id) {
            int64_t& d = dim_id[pool_id];
            if (d >= 0) return;
            ins_dim.bind_static(1, sp.at(pool_id));
            ins_dim.run();
            ins_dim.reset();
            get_dim.bind_static(1, sp.at(pool_id));
            get_dim.step();
            d = get_dim.column_int(0);
            get_dim.reset();
        };
        for (const auto& e : ru.cost.entries())
            for (uint32_t v : e.key.dim)
                resolve(v);
        for (const auto& e : ru.lines.entries()) {
            resolve(e.key.description);
            resolve(e.key.unit);
        }
        for (const auto& e : ru.tags.entries()) {
            resolve(e.key.key);
            resolve(e.key.value);
        }
    }
    // Days are converted once per distinct value.
    std::map<Day, int64_t> day_num;
    auto ymd = [&](Day d) {
        auto it = day_num.find(d);
        if (it == day_num.end()) it = day_num.emplace(d, to_yyyymmdd(d)).first;
        return it->second;
    };
    // Rows go in (period, day) order: the day index inserts then append at the right edge of its
    // B-tree instead of splitting pages all over it.
    auto by_day = [](const auto& entries) {
        std::vector<uint32_t> order(entries.size());
        for (uint32_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            const auto& x = entries[a].key;
            const auto& y = entries[b].key;
            return x.period != y.period ? x.period < y.period : x.day < y.day;
        });
        return order;
    };
    auto cost =
        db_->prepare("INSERT INTO cost_daily VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (uint32_t i : by_day(ru.cost.entries())) {
        const auto& e = ru.cost.entries()[i];
        const auto& k = e.key;
        const auto& v = e.value;
        cost.bind(1, static_cast<int64_t>(k.period)).bind(2, ymd(k.day));
        for (int d = 0; d < kCostDims; ++d)
            cost.bind(3 + d, dim_id[k.dim[d]]);
        cost.bind_amount(13, v.unblended)
            .bind_amount(14, v.blended)
            .bind_amount(15, v.net_unblended);
        cost.bind_amount(16, v.amortized).bind_amount(17, v.public_on_demand);
        cost.bind_amount(18, v.usage).bind_amount(19, v.tagged_unblended).bind(20, v.rows);
        cost.run();
        cost.reset();
        throw_if_interrupted();
    }
    auto line = db_->prepare("INSERT INTO line_item_daily VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (uint32_t i : by_day(ru.lines.entries())) {
        const auto& e = ru.lines.entries()[i];
        const auto& k = e.key;
        const auto& v = e.value;
        line.bind(1, static_cast<int64_t>(k.period))
            .bind(2, ymd(k.day))
            .bind(3, dim_id[k.usage_account]);
        line.bind(4, dim_id[k.product_code]).bind(5, dim_id[k.usage_type]);
        line.bind(6, dim_id[k.line_item_type])
            .bind(7, dim_id[k.description])
            .bind(8, dim_id[k.unit]);
        line.bind(9, dim_id[k.currency]).bind_amount(10, v.unblended).bind_amount(11, v.amortized);
        line.bind_amount(12, v.usage).bind(13, v.rows);
        line.run();
        line.reset();
        throw_if_interrupted();
    }
    auto tag = db_->prepare("INSERT INTO tag_daily VALUES (?,?,?,?,?,?,?,?,?,?)");
    for (uint32_t i : by_day(ru.tags.entries())) {
        const auto& e = ru.tags.entries()[i];
        const auto& k = e.key;
        const auto& v = e.value;
        tag.bind(1, static_cast<int64_t>(k.period))
            .bind(2, ymd(k.day))
            .bind(3, dim_id[k.usage_account]);
        tag.bind(4, dim_id[k.product_code]).bind(5, dim_id[k.key]).bind(6, dim_id[k.value]);
        tag.bind(7, dim_id[k.currency]).bind_amount(8, v.unblended).bind_amount(9, v.amortized);
        tag.bind(10, v.rows);
        tag.run();
        tag.reset();
        throw_if_interrupted();
    }
    // Source records last: the background hashes of uncompressed inputs had the whole write
    // above to finish.
    log::debug("rollups inserted; waiting for deferred hashes");
    r.wait_for_hashes();
    log::debug("hashes ready");
    auto src = db_->prepare(
        "INSERT INTO ingest_source(ingest_id, path, member, sha256, file_bytes, bytes, "
        "compression, "
        "dialect, manifest, assembly_id, period, rows, skipped_rows) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& s : r.sources) {
        src.bind(1, id).bind(2, s.path).bind(3, s.member).bind(4, s.sha256);
        src.bind(5, static_cast<int64_t>(s.file_bytes)).bind(6, static_cast<int64_t>(s.bytes));
        src.bind(7, s.compression).bind(8, s.dialect).bind(9, s.manifest).bind(10, s.assembly_id);
        src.bind(11, s.period ? format_period(s.period) : std::string());
        src.bind(12, static_cast<int64_t>(s.rows)).bind(13, static_cast<int64_t>(s.skipped));
        src.run();
        src.reset();
    }
    throw_if_interrupted();  // the last moment at which nothing is written yet
    tx.commit();
    return id;
}

std::vector<PeriodInfo> Store::periods() {
    std::vector<PeriodInfo> out;
    auto st = db_->prepare(
        "SELECT period, ingest_id, replaced_at, manifest, assembly_id, rows, unblended "
        "FROM billing_period ORDER BY period");
    while (st.step()) {
        PeriodInfo p;
        p.period = format_period(static_cast<Period>(st.column_int(0)));
        p.ingest_id = st.column_int(1);
        p.replaced_at = st.column_text(2);
        p.manifest = st.column_text(3);
        p.assembly_id = st.column_text(4);
        p.rows = st.column_int(5);
        p.unblended = st.column_amount(6);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<IngestRecord> Store::ingests() {
    std::vector<IngestRecord> out;
    auto st = db_->prepare(
        "SELECT id, started_at, finished_at, on_error, periods, rows, skipped_rows, bytes, seconds "
        "FROM ingest ORDER BY id");
    while (st.step()) {
        IngestRecord r;
        r.id = st.column_int(0);
        r.started_at = st.column_text(1);
        r.finished_at = st.column_text(2);
        r.on_error = st.column_text(3);
        r.periods = st.column_text(4);
        r.rows = st.column_int(5);
        r.skipped_rows = st.column_int(6);
        r.bytes = st.column_int(7);
        r.seconds = st.column_double(8);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace curcrunch::store
