// Store::replace_periods's write (Store::write_units): one ingest's rollups replace the (payer,
// billing period) units they hold, in one transaction (the invariants are in store/schema.cpp).
#include <algorithm>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <tuple>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/stage_stats.hpp"
#include "curcrunch/ingest/thread_budget.hpp"
#include "curcrunch/store/dim_refs.hpp"
#include "curcrunch/store/early_flush.hpp"
#include "curcrunch/store/row_feed.hpp"
#include "curcrunch/store/store.hpp"
#include "unit_rows.hpp"

namespace curcrunch::store {
namespace {

struct UnitFacts {
    int64_t rows = 0;
    Amount unblended = 0;
    Day min_day = 0, max_day = 0;
    std::set<std::string> invoice_ids;
    bool invoice_column = false;
};

// What the ingest says about each unit it holds: its rows from the rollup, its invoice ids
// from the sources that fed it.
std::map<UnitId, UnitFacts> units_of(const ingest::IngestResult& r) {
    const ingest::Rollup& ru = r.rollup;
    std::map<UnitId, UnitFacts> units;
    // The unit of each entry by its payer's pool id: a string key per entry cost a wide
    // ingest (millions of groups) a fifth of a second of its serial store write.
    std::map<std::pair<uint32_t, Period>, UnitFacts*> by_id;
    for (const auto& e : ru.cost.entries()) {
        const uint32_t payer = e.key.dim[ingest::kDimPayer];
        auto [at, fresh] = by_id.try_emplace({payer, e.key.period}, nullptr);
        if (fresh)
            at->second = &units.try_emplace(UnitId{std::string(ru.pool.at(payer)), e.key.period})
                              .first->second;
        UnitFacts& u = *at->second;
        u.rows += e.value.rows;
        u.unblended += e.value.unblended;  // fewer than 2^32 groups of <= 1e24: no overflow
        // The pool holds each string once, so a (payer id, period) is first seen with its unit.
        u.min_day = fresh ? e.key.day : std::min(u.min_day, e.key.day);
        u.max_day = fresh ? e.key.day : std::max(u.max_day, e.key.day);
    }
    for (const auto& s : r.sources)
        for (const auto& fed : s.units) {
            auto it = units.find(UnitId{fed.payer, fed.period});
            if (it == units.end()) continue;
            if (s.invoice_column) it->second.invoice_column = true;
            for (const std::string& id : fed.invoice_ids)  // at most kMaxInvoiceIds per unit
                if (it->second.invoice_ids.size() < ingest::kMaxInvoiceIds)
                    it->second.invoice_ids.insert(id);
        }
    return units;
}

// Pages of the page cache while the replaced rows are deleted and the rollups inserted: 32 of
// 64 KiB. The B-trees take their rows in key order, so the pages they touch again are the few
// on their right edges; every other page is written once, when it is full, and is synced by an
// EarlyFlush behind the writer. Measured on the bench's 1 GB file: 2 MiB left 6 ms of sync at
// the commit, 4 MiB 11 ms. Deleting a unit's rows walks its day range in order, so those pages
// are each changed once too (re-ingest beside other units: 0.997x the wall time).
constexpr int64_t kWriteCachePages = 32;
constexpr std::chrono::milliseconds kFlushInterval{10};

// The connection's page cache set to `pages` until restore() or the end of its scope, then back
// to its size before. The size is a setting of the connection, not of the transaction, so it
// comes back on a throw too. (Not held in a std::optional: GCC 12 at -O3 took its storage for
// uninitialised in some unity batches, -Wmaybe-uninitialized.)
class PageCacheSize {
  public:
    PageCacheSize(Database& db, int64_t pages) : db_(db) {
        auto st = db.prepare("PRAGMA cache_size");
        if (!st.step()) throw Error(ErrorKind::internal, "no value for PRAGMA cache_size");
        was_ = st.column_int(0);
        db.exec("PRAGMA cache_size=" + std::to_string(pages));
        set_ = true;
    }
    ~PageCacheSize() {
        try {
            restore();
        } catch (const std::exception&) {
            // Only slower reads for the rest of this connection; nothing to unwind for.
        }
    }
    PageCacheSize(const PageCacheSize&) = delete;
    PageCacheSize& operator=(const PageCacheSize&) = delete;

    void restore() {
        if (!set_) return;
        set_ = false;
        db_.exec("PRAGMA cache_size=" + std::to_string(was_));
    }

  private:
    Database& db_;
    int64_t was_ = 0;
    bool set_ = false;
};

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& v : s)
        out.append(out.empty() ? "" : ",").append(v);
    return out;
}

// Dim ids of the pool strings the rollups use, each added with its number of cells.
std::vector<int64_t> add_dim_refs(const ingest::Rollup& ru, DimRefs& refs) {
    std::vector<int64_t> cells(ru.pool.size(), 0);
    for (const auto& e : ru.cost.entries())
        for (uint32_t v : e.key.dim)
            ++cells[v];
    for (const auto& e : ru.lines.entries())
        for (uint32_t v : {e.key.payer, e.key.usage_account, e.key.product_code, e.key.usage_type,
                           e.key.line_item_type, e.key.description, e.key.unit, e.key.currency})
            ++cells[v];
    for (const auto& e : ru.tags.entries())
        for (uint32_t v : {e.key.payer, e.key.usage_account, e.key.product_code, e.key.key,
                           e.key.value, e.key.currency})
            ++cells[v];
    std::vector<int64_t> dim_id(ru.pool.size(), -1);
    for (uint32_t id = 0; id < cells.size(); ++id)
        if (cells[id] > 0) dim_id[id] = refs.add(ru.pool.at(id), cells[id]);
    return dim_id;
}

// The seven measures from row[first] on.
void put_measures(Amount* row, const ingest::Measures& m) {
    row[0] = m.unblended;
    row[1] = m.blended;
    row[2] = m.net_unblended;
    row[3] = m.amortized;
    row[4] = m.net_amortized;
    row[5] = m.public_on_demand;
    row[6] = m.usage;
}

// Feeds entries[order[...]] in that order to `table` (row_feed.hpp): `put_row(row, entry)`
// writes one row's values. The rows get the rowids, and the tables the contents, of one
// INSERT per row.
template <class Entries, class PutRow>
void insert_in_order(Database& db, const char* table, int columns, const Entries& entries,
                     const std::vector<uint32_t>& order, PutRow put_row) {
    auto fill = [&](size_t i, Amount* row) { put_row(row, entries[order[i]]); };
    insert_fed_rows(db, table, columns, order.size(), fill);
}

// `sort()` on a thread of its own when the ingest may use more than one, else when its result
// is asked for (also when no thread can be started: the work is the same, only later).
template <class Sort>
auto sorted_beside(ingest::StageStats* stats, Sort sort) {
    if (ingest::thread_budget() > 1) {
        try {
            return std::async(std::launch::async, [stats, sort] {
                const ingest::StageTimer t(stats, ingest::Stage::store);
                return sort();
            });
        } catch (const std::system_error&) {
        }
    }
    return std::async(std::launch::deferred, sort);
}

// Inserts the three rollups. Rows go in (period, day, payer) order: the (day, payer) indexes
// then grow at the right edge of their B-trees instead of splitting pages all over them.
void insert_rows(Database& db, const ingest::Rollup& ru, const std::vector<int64_t>& dim_id,
                 ingest::StageStats* stats) {
    using namespace ingest;
    // Days converted once per run of rows: the rows go in day order.
    Day last_day = 0;
    int64_t last_ymd = to_yyyymmdd(0);
    auto ymd = [&](Day d) {
        if (d != last_day) {
            last_day = d;
            last_ymd = to_yyyymmdd(d);
        }
        return last_ymd;
    };
    // The sort keys are copied out of the entries first: comparing through the entries (a few
    // hundred bytes apart) and dim_id missed the cache on every comparison, and this sort runs
    // in the serial tail of an ingest.
    struct OrderKey {
        Period period;
        Day day;
        int64_t payer;
        uint32_t index;  // into the GroupMap's entries, which it keeps below 2^32
    };
    auto ordered = [&](const auto& entries, auto payer_of) {
        std::vector<OrderKey> keys(entries.size());
        for (uint32_t i = 0; i < keys.size(); ++i) {
            const auto& k = entries[i].key;
            keys[i] = OrderKey{k.period, k.day, dim_id[payer_of(k)], i};
        }
        std::sort(keys.begin(), keys.end(), [](const OrderKey& x, const OrderKey& y) {
            return std::tie(x.period, x.day, x.payer, x.index) <
                   std::tie(y.period, y.day, y.payer, y.index);
        });
        std::vector<uint32_t> order(keys.size());
        for (size_t i = 0; i < keys.size(); ++i)
            order[i] = keys[i].index;
        return order;
    };
    // SQLite's inserts are the serial part of this tail; the line and tag rows' orders are
    // sorted beside them, on threads of their own, while the cost rows are sorted and inserted
    // (a wide ingest's 8.4 million groups took about a second to sort). With --threads 1, on
    // this thread as they are needed.
    const auto ce = ru.cost.entries();
    const auto le = ru.lines.entries();
    const auto te = ru.tags.entries();
    auto line_order =
        sorted_beside(stats, [&] { return ordered(le, [](const LineKey& k) { return k.payer; }); });
    auto tag_order = sorted_beside(
        stats, [&] { return ordered(te, [](const ingest::TagKey& k) { return k.payer; }); });
    insert_in_order(db, "cost_daily", 11 + kCostDims, ce,
                    ordered(ce, [](const CostKey& k) { return k.dim[kDimPayer]; }),
                    [&](Amount* row, const auto& e) {
                        const auto& [k, v] = e;
                        row[0] = k.period;
                        row[1] = ymd(k.day);
                        for (int d = 0; d < kCostDims; ++d)
                            row[2 + d] = dim_id[k.dim[d]];
                        put_measures(row + 2 + kCostDims, v);
                        row[9 + kCostDims] = v.tagged_unblended;
                        row[10 + kCostDims] = v.rows;
                    });
    insert_in_order(db, "line_item_daily", 18, le, line_order.get(),
                    [&](Amount* row, const auto& e) {
                        const auto& [k, v] = e;
                        row[0] = k.period;
                        row[1] = ymd(k.day);
                        Amount* at = row + 2;
                        for (uint32_t d : {k.payer, k.usage_account, k.product_code, k.usage_type,
                                           k.line_item_type, k.description, k.unit, k.currency})
                            *at++ = dim_id[d];
                        put_measures(at, v);
                        at[7] = v.rows;
                    });
    insert_in_order(db, "tag_daily", 16, te, tag_order.get(), [&](Amount* row, const auto& e) {
        const auto& [k, v] = e;
        row[0] = k.period;
        row[1] = ymd(k.day);
        Amount* at = row + 2;
        for (uint32_t d : {k.payer, k.usage_account, k.product_code, k.key, k.value, k.currency})
            *at++ = dim_id[d];
        put_measures(at, v);
        at[7] = v.rows;
    });
}

// The provenance of each unit: the manifest and assembly of the first source with a manifest
// that fed it.
std::map<UnitId, std::pair<std::string, std::string>> provenance(const ingest::IngestResult& r) {
    std::map<UnitId, std::pair<std::string, std::string>> out;
    for (const auto& s : r.sources)
        if (!s.manifest.empty())
            for (const auto& f : s.units)
                out.try_emplace(UnitId{f.payer, f.period}, s.manifest, s.assembly_id);
    return out;
}

void record_sources(Database& db, const ingest::IngestResult& r, int64_t ingest_id) {
    auto src = db.prepare(
        "INSERT INTO ingest_source(ingest_id, path, member, sha256, file_bytes, bytes, "
        "compression, dialect, manifest, assembly_id, account, period, rows, skipped_rows, "
        "file_dev, file_ino, file_mtime_ns, sha256_origin) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    auto fed = db.prepare(
        "INSERT INTO ingest_source_unit(source_id, payer, period, rows) VALUES (?,?,?,?)");
    for (const auto& s : r.sources) {
        src.bind(1, ingest_id).bind(2, s.path).bind(3, s.member).bind(4, s.sha256);
        src.bind(5, static_cast<int64_t>(s.file_bytes)).bind(6, static_cast<int64_t>(s.bytes));
        src.bind(7, s.compression).bind(8, s.dialect).bind(9, s.manifest).bind(10, s.assembly_id);
        src.bind(11, s.account).bind(12, s.period ? format_period(s.period) : std::string());
        src.bind(13, static_cast<int64_t>(s.rows)).bind(14, static_cast<int64_t>(s.skipped));
        // dev and inode numbers are stored as their 64-bit patterns (SQLite has no unsigned).
        src.bind(15, static_cast<int64_t>(s.identity.dev))
            .bind(16, static_cast<int64_t>(s.identity.ino));
        src.bind(17, s.identity.mtime_ns).bind(18, s.sha256_origin);
        src.run();
        src.reset();
        const int64_t source_id = db.last_insert_rowid();
        bool names_account = s.account.empty();
        for (const auto& u : s.units) {
            fed.bind(1, source_id).bind(2, u.payer).bind(3, static_cast<int64_t>(u.period));
            fed.bind(4, static_cast<int64_t>(u.rows));
            fed.run();
            fed.reset();
            names_account = names_account || u.payer == s.account;
        }
        // A linked account's own report names that account in its manifest while its rows name
        // the payer: the rows win, and this says so.
        if (!names_account && !s.units.empty())
            log::info(s.path + ": the manifest's account " + shown_text(s.account) +
                      " is not the payer of its rows (" + shown_text(s.units.front().payer) +
                      "); the rows' payer is kept");
    }
}

}  // namespace

int64_t Store::write_units(ingest::IngestResult& r, const std::string& started_at, bool skip_mode) {
    const ingest::Rollup& ru = r.rollup;
    // Every amount the store keeps is within kMaxAmount (core/money.hpp): each group's sums,
    // then each unit's total, checked before anything is written.
    auto refuse = [&](const std::string& why) {
        std::string files;
        for (size_t i = 0; i < r.sources.size() && i < 3; ++i)
            files += (i ? ", " : "") + r.sources[i].path +
                     (r.sources[i].member.empty() ? "" : ":" + shown_text(r.sources[i].member));
        if (r.sources.size() > 3) files += " and " + std::to_string(r.sources.size() - 3) + " more";
        throw_input(files + ": " + why + " (summed over rows)");
    };
    if (std::string why = ru.first_out_of_bound(); !why.empty()) refuse(why);
    const std::map<UnitId, UnitFacts> units = units_of(r);
    for (const auto& [u, f] : units)
        if (!within_amount_bound(f.unblended))
            refuse("payer " + shown_text(u.first) + ", billing period " + format_period(u.second) +
                   ": the total unblended cost exceeds " + kMaxAmountText + " in magnitude");
    std::set<Period> periods;
    for (const auto& [u, _] : units)
        periods.insert(u.second);
    std::string period_list;
    for (Period p : periods)
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

    DimRefs refs(*db_);
    std::vector<UnitId> replaced;
    for (const auto& [u, _] : units)
        replaced.push_back(u);
    // The rows' pages reach the file (or the log) as they are written, through a small page
    // cache, and a thread syncs them behind the writer until the commit (early_flush.hpp). With
    // the usual 64 MiB cache the bench's 1 GB file's 21 MB were written at the commit, whose
    // fdatasync then took 26 ms of the store write's 0.2 s. The small cache comes before the
    // deletes: after a table is emptied (unit_delete.cpp) under the big one, SQLite 3.40 spilled
    // nothing in WAL mode until the commit, however small the cache then became (sqlite3 shell:
    // 0 bytes in the log before COMMIT, against 19.7 MB with the cache made small first).
    // `--threads 1` is one thread in all (the man page's promise), so no flush thread then: the
    // commit syncs everything (a flush thread there gave 0.991x the wall time on the gzip file).
    const size_t budget = ingest::thread_budget();
    log::debug(budget > 1 ? "store write: up to " + std::to_string(budget) +
                                " threads (sorts and page syncs beside the inserts)"
                          : std::string("store write: one thread"));
    std::optional<EarlyFlush> flush;
    if (budget > 1)
        flush.emplace(std::vector<std::string>{db_->path(), db_->path() + "-wal"}, kFlushInterval);
    PageCacheSize small_cache(*db_, kWriteCachePages);
    ReplacedRows old_rows = delete_replaced_units(*db_, refs, replaced);
    const std::vector<int64_t> dim_id = add_dim_refs(ru, refs);
    insert_rows(*db_, ru, dim_id, r.stats);
    small_cache.restore();
    old_rows.release_into(refs);
    const int64_t strings_removed = refs.finish();
    if (strings_removed > 0)
        log::debug(std::to_string(strings_removed) + " string(s) of replaced rows removed");

    // The unit's old row is deleted, then the new one inserted OR FAIL: OR REPLACE would keep a
    // statement journal (see store/row_feed.hpp).
    auto bp_old = db_->prepare("DELETE FROM billing_period WHERE payer = ? AND period = ?");
    auto bp = db_->prepare(
        "INSERT OR FAIL INTO billing_period(payer, period, ingest_id, replaced_at, manifest, "
        "assembly_id, rows, min_day, max_day, unblended, invoice_ids, invoice_column, origin) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'ingest')");
    auto iu = db_->prepare(
        "INSERT INTO ingest_unit(ingest_id, payer, period, rows, max_day, unblended) VALUES "
        "(?,?,?,?,?,?)");
    const std::string now = now_utc_iso();
    const auto origins = provenance(r);
    for (const auto& [u, f] : units) {
        static const std::pair<std::string, std::string> kNone;
        const auto it = origins.find(u);
        const auto& [manifest, assembly] = it == origins.end() ? kNone : it->second;
        bp_old.bind(1, u.first).bind(2, static_cast<int64_t>(u.second));
        bp_old.run();
        bp_old.reset();
        bp.bind(1, u.first).bind(2, static_cast<int64_t>(u.second)).bind(3, id).bind(4, now);
        bp.bind(5, manifest).bind(6, assembly).bind(7, f.rows);
        bp.bind(8, static_cast<int64_t>(to_yyyymmdd(f.min_day)));
        bp.bind(9, static_cast<int64_t>(to_yyyymmdd(f.max_day))).bind_amount(10, f.unblended);
        bp.bind(11, joined(f.invoice_ids)).bind(12, int64_t(f.invoice_column ? 1 : 0));
        bp.run();
        bp.reset();
        iu.bind(1, id).bind(2, u.first).bind(3, static_cast<int64_t>(u.second)).bind(4, f.rows);
        iu.bind(5, static_cast<int64_t>(to_yyyymmdd(f.max_day))).bind_amount(6, f.unblended);
        iu.run();
        iu.reset();
    }

    // Source records last: the background hashes of uncompressed inputs had the whole write
    // above to finish.
    log::debug("rollups inserted; waiting for deferred hashes");
    r.wait_for_hashes();
    log::debug("hashes ready");
    record_sources(*db_, r, id);
    throw_if_interrupted();  // the last moment at which nothing is written yet
    tx.commit();
    return id;
}

}  // namespace curcrunch::store
