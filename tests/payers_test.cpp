// Many payers in one store (schema v6): the unit of replacement is (payer, billing period).
// Deliveries of different payers never touch each other's rows, whatever the order they come in;
// a consolidated file replaces every payer it holds; the strings of replaced rows do not pile up.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>

#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/dim_refs.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// The generator's two payers (see gen/generator.cpp build_accounts).
const char* kPayerA = "010000000000";
const char* kPayerB = "121111111111";

// Three generated months of two payers (daily rows), written as one consolidated file and split
// by payer into one file each: the payer's id appears in every one of its rows (as the payer
// column) and in none of the other payer's.
struct TwoPayers {
    TempDir dir;
    std::string both = dir / "both.csv", a = dir / "a.csv", b = dir / "b.csv";
    explicit TwoPayers(uint64_t seed = 3, Period start = 202608) {
        gen::GenOptions o;
        o.out = both;
        o.start = start;
        o.months = 3;
        o.seed = seed;
        o.payers = 2;
        o.accounts_per_payer = 2;
        o.resources_per_account = 5;
        o.hourly = false;
        o.today = days_from_civil(2026, 10, 20);  // August and September final, October not
        gen::generate(o);
        std::istringstream in(read_file(both));
        std::string header, line, ra, rb;
        std::getline(in, header);
        while (std::getline(in, line)) {
            if (line.find(std::string(",") + kPayerA + ",") != std::string::npos)
                ra += line + "\n";
            else
                rb += line + "\n";
        }
        write_file(a, header + "\n" + ra);
        write_file(b, header + "\n" + rb);
    }
};

int64_t ingest_into(const std::string& db, const std::vector<std::string>& paths) {
    auto s = store::Store::open(db);
    auto r = ingest::run_ingest(ingest::plan_inputs(paths), {});
    return s->replace_periods(r, store::now_utc_iso(), false);
}

// Everything two stores of the same data must agree on, whatever order (and ingest ids, times
// and dim ids) they were built in: the rollups by name, the units and the strings with counts.
std::string logical_dump(const std::string& db_path) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::string out = dump_rollups(db_path);
    out += dump_relation(db,
                         "(SELECT payer, period, rows, min_day, max_day, unblended, invoice_ids, "
                         "invoice_column, origin FROM billing_period)");
    out += dump_relation(db, "(SELECT value, refs FROM dim)");
    sqlite3_close(db);
    return out;
}

// Every stored byte of one payer's rows, dim ids and rowids included.
std::string raw_rows_of(const std::string& db_path, const std::string& payer) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::string out;
    const std::string id = "(SELECT id FROM dim WHERE value = '" + payer + "')";
    for (const char* t : {"cost_daily", "line_item_daily", "tag_daily"})
        out += dump_relation(
            db, std::string("(SELECT rowid, * FROM ") + t + " WHERE payer_account = " + id + ")");
    out += dump_relation(db, "(SELECT * FROM billing_period WHERE payer = '" + payer + "')");
    sqlite3_close(db);
    return out;
}

std::string total_of(const std::string& db, const std::string& table, const std::string& payer) {
    return query_one(db, "SELECT money_sum(unblended) FROM " + table +
                             "_named WHERE payer_account = '" + payer + "'");
}

}  // namespace

TEST(Payers, EitherOrderGivesTheSameStore) {
    TwoPayers in;
    TempDir t;
    ingest_into(t / "ab.db", {in.a});
    ingest_into(t / "ab.db", {in.b});
    ingest_into(t / "ba.db", {in.b});
    ingest_into(t / "ba.db", {in.a});
    ingest_into(t / "both.db", {in.both});
    const std::string ab = logical_dump(t / "ab.db");
    ASSERT_NE(ab.find(kPayerA), std::string::npos);
    ASSERT_NE(ab.find(kPayerB), std::string::npos);
    EXPECT_EQ(first_difference(ab, logical_dump(t / "ba.db")), "");
    EXPECT_EQ(first_difference(ab, logical_dump(t / "both.db")), "");
    // Six units: two payers x three overlapping months.
    EXPECT_EQ(query_one(t / "ab.db", "SELECT count(*) FROM billing_period"), "6");
    for (const char* p : {kPayerA, kPayerB})
        EXPECT_EQ(query_one(t / "ab.db",
                            std::string("SELECT group_concat(period) FROM (SELECT period FROM "
                                        "billing_period WHERE payer = '") +
                                p + "' ORDER BY period)"),
                  "202608,202609,202610")
            << p;
    // Each payer's line items and tags sum to its own cost, not the other's.
    for (const char* p : {kPayerA, kPayerB}) {
        EXPECT_EQ(total_of(t / "ab.db", "line_item_daily", p),
                  total_of(t / "ab.db", "cost_daily", p));
        EXPECT_NE(total_of(t / "ab.db", "cost_daily", p), "NULL");
    }
}

TEST(Payers, ReingestingOnePayersMonthLeavesTheOtherByteIdentical) {
    TwoPayers in;
    TwoPayers other(99);  // a different delivery of the same payers and months
    TempDir t;
    const std::string db = t / "s.db";
    ingest_into(db, {in.a});
    ingest_into(db, {in.b});
    const std::string b_before = raw_rows_of(db, kPayerB);
    const std::string a_before = raw_rows_of(db, kPayerA);
    ingest_into(db, {other.a});
    EXPECT_EQ(first_difference(raw_rows_of(db, kPayerB), b_before), "");
    EXPECT_NE(raw_rows_of(db, kPayerA), a_before);
    // Payer A now holds exactly the new delivery.
    ingest_into(t / "fresh.db", {other.a});
    EXPECT_EQ(total_of(db, "cost_daily", kPayerA), total_of(t / "fresh.db", "cost_daily", kPayerA));
    EXPECT_EQ(total_of(db, "tag_daily", kPayerA), total_of(t / "fresh.db", "tag_daily", kPayerA));
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM billing_period WHERE ingest_id = 3"), "3");
}

TEST(Payers, ConsolidatedFileReplacesEveryPayerInIt) {
    TwoPayers in;
    TwoPayers next(7);
    TempDir t;
    const std::string db = t / "s.db";
    ingest_into(db, {in.a});
    ingest_into(db, {in.b});
    const int64_t id = ingest_into(db, {next.both});
    auto s = store::Store::open(db);
    const auto units = s->replaced_units(id);
    ASSERT_EQ(units.size(), 6u);
    EXPECT_EQ(units.front().payer, kPayerA);
    EXPECT_EQ(units.back().payer, kPayerB);
    ingest_into(t / "fresh.db", {next.both});
    EXPECT_EQ(first_difference(dump_rollups(db), dump_rollups(t / "fresh.db")), "");
    EXPECT_EQ(query_one(db, "SELECT count(DISTINCT ingest_id) FROM billing_period"), "1");
    // The source is recorded with the units it fed.
    EXPECT_EQ(query_one(db,
                        "SELECT count(*) || ' ' || sum(u.rows) FROM ingest_source_unit u JOIN "
                        "ingest_source s ON s.id = u.source_id WHERE s.ingest_id = " +
                            std::to_string(id)),
              "6 " + query_one(db, "SELECT sum(row_count) FROM cost_daily"));
}

// An ingest that replaces every unit the store holds (and adds others) empties the rollups
// instead of deleting unit by unit (unit_replace.cpp): the store must be the one a fresh ingest
// of the file gives, strings and their reference counts included.
TEST(Payers, AnIngestOfEveryHeldUnitAndMoreGivesTheFreshStore) {
    TwoPayers in;
    TwoPayers next(7);
    TempDir t;
    const std::string db = t / "s.db";
    ingest_into(db, {in.a});       // payer A's three months
    ingest_into(db, {next.both});  // A's three months again, and B's
    ingest_into(t / "fresh.db", {next.both});
    EXPECT_EQ(first_difference(logical_dump(db), logical_dump(t / "fresh.db")), "");
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM billing_period"), "6");
    auto r = run_cli({"vacuum", "--db", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("vacuum: 0 unused string(s) removed"), std::string::npos) << r.out;
}

// Replacing some of the units a store holds deletes their rows unit by unit; their strings'
// references are counted by the writer (one thread) or by a reader beside it (unit_delete.cpp).
// Either way the store must be the one built without the replaced delivery.
TEST(Payers, ReplacingSomeUnitsReleasesTheirStringsWithOrWithoutAReader) {
    TwoPayers in;
    TwoPayers other(99);  // a different delivery of the same payers and months
    for (int threads : {1, 2}) {
        SCOPED_TRACE(threads);
        const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                        static_cast<size_t>(threads));
        TempDir t;
        const std::string db = t / "s.db";
        ingest_into(db, {in.a});
        ingest_into(db, {in.b});
        ingest_into(db, {other.a});  // A's three units replaced, B's kept
        ingest_into(t / "expected.db", {in.b});
        ingest_into(t / "expected.db", {other.a});
        EXPECT_EQ(first_difference(logical_dump(db), logical_dump(t / "expected.db")), "");
    }
}

TEST(Payers, QueryFiltersAndGroupsByPayer) {
    TwoPayers in;
    TempDir t;
    const std::string db = t / "s.db";
    ingest_into(db, {in.both});
    auto s = store::Store::open(db, true);
    store::Query q;
    q.grain = store::Grain::total;
    q.by = store::Dimension::payer;
    auto rows = store::run_query(s->db(), q);
    ASSERT_EQ(rows.size(), 2u);
    Amount sum = 0;
    for (const auto& r : rows) {
        EXPECT_EQ(scaled_integer_string(r.unblended),
                  query_one(db,
                            "SELECT money_sum(unblended) FROM cost_daily_named WHERE "
                            "payer_account = '" +
                                r.key + "'"));
        sum += r.unblended;
    }
    q.by = store::Dimension::none;
    q.payers = {kPayerB};
    auto only_b = store::run_query(s->db(), q);
    ASSERT_EQ(only_b.size(), 1u);
    const auto& b_row = rows[0].key == kPayerB ? rows[0] : rows[1];
    EXPECT_EQ(only_b[0].unblended, b_row.unblended);
    EXPECT_EQ(only_b[0].rows, b_row.rows);
    q.payers.clear();
    EXPECT_EQ(store::run_query(s->db(), q)[0].unblended, sum);
    // The same through the CLI.
    auto r = run_cli({"summary", "--db", db, "--payer", kPayerB, "--by", "payer", "--granularity",
                      "total", "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::string("\n,") + kPayerB + "," + kPayerB + "," +
                         to_plain_string(b_row.unblended) + ","),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find(kPayerA), std::string::npos);
}

TEST(Payers, StringsOfReplacedRowsAreCollected) {
    TempDir t;
    const std::string db = t / "s.db";
    // The same month delivered 20 times; each delivery words its descriptions and a tag value
    // differently (as AWS's restatements do), so each leaves strings behind unless they are
    // collected.
    std::vector<int64_t> sizes;
    for (int i = 0; i < 20; ++i) {
        std::string csv = kLegacyHeader;
        for (int d = 1; d <= 28; ++d) {
            char day[16];
            std::snprintf(day, sizeof day, "2026-09-%02d", d);
            csv += legacy_row(std::to_string(d), day, "1.25",
                              "delivery " + std::to_string(i) + " day " + std::to_string(d),
                              "team-" + std::to_string(i));
        }
        write_file(t / "m.csv", csv);
        ingest_into(db, {t / "m.csv"});  // the store is closed (and checkpointed) after each
        sizes.push_back(static_cast<int64_t>(fs::file_size(db)));
        // No orphan: every string is used by some rollup cell, and refs count them exactly.
        EXPECT_EQ(query_one(db,
                            "SELECT count(*) FROM dim WHERE id NOT IN (SELECT payer_account FROM "
                            "cost_daily UNION SELECT usage_account FROM cost_daily UNION SELECT "
                            "product_code FROM cost_daily UNION SELECT product_name FROM "
                            "cost_daily UNION SELECT usage_type FROM cost_daily UNION SELECT "
                            "operation FROM cost_daily UNION SELECT region FROM cost_daily UNION "
                            "SELECT line_item_type FROM cost_daily UNION SELECT pricing_term FROM "
                            "cost_daily UNION SELECT currency FROM cost_daily UNION SELECT "
                            "billing_entity FROM cost_daily UNION SELECT commitment_owner FROM "
                            "cost_daily UNION SELECT description FROM line_item_daily UNION "
                            "SELECT unit FROM line_item_daily UNION SELECT tag_key FROM tag_daily "
                            "UNION SELECT tag_value FROM tag_daily)"),
                  "0")
            << i;
        EXPECT_EQ(query_one(db, "SELECT count(*) FROM dim WHERE value LIKE 'delivery %'"), "28")
            << i;
    }
    // Strings of 19 replaced deliveries are gone; the file stopped growing after the first
    // replacement (its pages are reused).
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM dim WHERE value LIKE 'delivery 19 %'"), "28");
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM dim WHERE value LIKE 'team-%'"), "1");
    EXPECT_EQ(sizes.back(), sizes[1])
        << "sizes: " << sizes[0] << " " << sizes[1] << " ... " << sizes.back();
    // vacuum recounts the references and finds nothing to remove; the totals stay.
    const std::string before = logical_dump(db);
    auto r = run_cli({"vacuum", "--db", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("vacuum: 0 unused string(s) removed"), std::string::npos) << r.out;
    EXPECT_EQ(first_difference(logical_dump(db), before), "");
}

TEST(Payers, VacuumRepairsReferenceCounts) {
    TwoPayers in;
    TempDir t;
    const std::string db = t / "s.db";
    ingest_into(db, {in.both});
    const std::string before = logical_dump(db);
    {
        store::Database raw(db, store::Database::Mode::read_write_create);
        raw.exec("UPDATE dim SET refs = refs + 5 WHERE value = 'AmazonEC2'");
        raw.exec("INSERT INTO dim(value, refs) VALUES ('left behind', 1)");
    }
    auto s = store::Store::open(db);
    auto v = store::vacuum_store(s->db());
    EXPECT_EQ(v.strings_removed, 1);
    EXPECT_EQ(first_difference(logical_dump(db), before), "");
}

TEST(Payers, ABadRowInOnePayersDeliveryLeavesEveryUnitAsItWas) {
    TwoPayers in;
    TwoPayers other(99);
    TempDir t;
    const std::string db = t / "s.db";
    ingest_into(db, {in.a, in.b});
    const std::string before = dump_store(db);
    // Payer B's new delivery ends in a row cut short; payer A's, given with it, is fine.
    const std::string broken = t / "b-broken.csv";
    write_file(broken, read_file(other.b) + "x," + kPayerB + ",2026-09-01T00:00:00Z\n");
    auto r = run_cli({"ingest", "--db", db, "--no-progress", other.a, broken});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(broken + ":"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nothing was written to the store"), std::string::npos) << r.err;
    EXPECT_EQ(first_difference(dump_store(db), before), "");
}

TEST(Payers, ManyPayersAndInvoiceIdsStayBounded) {
    // 3000 payers in one file, alternating row by row, and one payer whose month names 150
    // invoice ids: every payer gets its unit, and the list of invoice ids stops at 100.
    TempDir t;
    std::string csv =
        "bill/PayerAccountId,bill/InvoiceId,lineItem/UsageAccountId,lineItem/UsageStartDate,"
        "lineItem/ProductCode,lineItem/UnblendedCost,lineItem/LineItemType\n";
    char payer[16];
    for (int i = 0; i < 3000; ++i) {
        std::snprintf(payer, sizeof payer, "%012d", 500000 + i);
        csv += std::string(payer) + ",,222222222222,2026-09-03T00:00:00Z,AmazonEC2,1,Usage\n";
    }
    for (int i = 0; i < 150; ++i)
        csv += std::string(kPayerA) + ",INV-" + std::to_string(1000 + i) +
               ",222222222222,2026-09-04T00:00:00Z,AmazonEC2,1,Usage\n";
    write_file(t / "many.csv", csv);
    const std::string db = t / "s.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, t / "many.csv"}).exit_code, 0);
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM billing_period"), "3001");
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM billing_period WHERE rows = 1"), "3000");
    const std::string ids = query_one(
        db, std::string("SELECT invoice_ids FROM billing_period WHERE payer = '") + kPayerA + "'");
    EXPECT_EQ(std::count(ids.begin(), ids.end(), ','), 99) << ids;
    EXPECT_EQ(ids.substr(0, 18), "INV-1000,INV-1001,");
    EXPECT_EQ(query_one(db, std::string("SELECT money_sum(unblended) FROM billing_period")),
              "31500000000000");
}

}  // namespace CURCRUNCH_UNITY_ID
