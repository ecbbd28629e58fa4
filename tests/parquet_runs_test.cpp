// The Parquet row loop adds a run of rows with equal grouping codes as one sum
// (row_group_reader.cpp). These files are built so that runs cross batch and row group
// boundaries, the invoice id changes inside a run of equal codes, and a bad value sits inside a
// run, and one column is null throughout: the store must hold exactly what the same rows give
// as CSV, row by row.
#include <gtest/gtest.h>

#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/stage_stats.hpp"
#include "parquet_support.hpp"
#include "parquet_test_writer.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
namespace ingest = curcrunch::ingest;
using curcrunch::Sha256;

namespace {

struct Twin {
    std::vector<pqw::Column> columns;
    std::string csv;
};

// `rows` rows whose grouping fields change every `run` rows (runs of 1 to run), whose invoice
// id changes every 7 rows (and is INV-MID on one row inside a run only), and whose cost is text
// `bad_cost` on row `bad_row` (0-based).
Twin runs_of(size_t rows, size_t run, size_t bad_row, const std::string& bad_cost) {
    pqw::Column start = pqw::column("line_item_usage_start_date", 6, false, 0);
    pqw::Column cost = pqw::column("line_item_unblended_cost", 6, false, 0);
    pqw::Column usage = pqw::column("line_item_usage_amount", 6, true, 0);
    pqw::Column account = pqw::column("line_item_usage_account_id", 6, false, 0);
    pqw::Column type = pqw::column("line_item_line_item_type", 6, false, 0);
    pqw::Column invoice = pqw::column("bill_invoice_id", 6, true, 0);
    pqw::Column term = pqw::column("pricing_term", 6, true, 0);  // null throughout
    std::string csv =
        "line_item_usage_start_date,line_item_unblended_cost,line_item_usage_amount,"
        "line_item_usage_account_id,line_item_line_item_type,bill_invoice_id,pricing_term\n";
    size_t group = 0, left = 1;
    bool mid_run_invoice = false;
    for (size_t i = 0; i < rows; ++i) {
        const bool starts_run = --left == 0;
        if (starts_run) {  // a new run: lengths 1, 2, ..., run, 1, 2, ...
            ++group;
            left = 1 + group % run;
        }
        const std::string day = "2024-03-" + std::string(group % 3 == 0 ? "01" : "02");
        const std::string c = i == bad_row ? bad_cost : std::to_string(i % 11) + ".0625";
        const std::string u = i % 5 == 4 ? "" : std::to_string(i % 3) + ".5";
        const std::string acct = "11112222333" + std::to_string(group % 4);
        const std::string kind = group % 2 ? "Usage" : "Tax";
        std::string inv = (i / 7) % 3 == 2 ? "" : "INV-" + std::to_string(i / 7 % 3);
        if (!starts_run && i > 2000 && !mid_run_invoice) {  // an invoice id seen mid-run only
            inv = "INV-MID";
            mid_run_invoice = true;
        }
        start.values.push_back(pqw::plain_bytes(day + "T00:00:00Z"));
        cost.values.push_back(pqw::plain_bytes(c));
        usage.values.push_back(u.empty() ? std::nullopt : std::optional(pqw::plain_bytes(u)));
        account.values.push_back(pqw::plain_bytes(acct));
        type.values.push_back(pqw::plain_bytes(kind));
        invoice.values.push_back(inv.empty() ? std::nullopt : std::optional(pqw::plain_bytes(inv)));
        term.values.push_back(std::nullopt);
        csv += day + "T00:00:00Z," + c + "," + u + "," + acct + "," + kind + "," + inv + ",\n";
    }
    return {{start, cost, usage, account, type, invoice, term}, csv};
}

// The store's rollups, its units' row counts and invoice ids, and what the ingest skipped.
std::string outcome(const TempDir& dir, const std::string& db, const std::string& input) {
    RunResult r = run_cli({"ingest", "--db", dir / db, "--quiet", "--on-error=skip", input});
    if (r.exit_code != 0) return "<ingest failed: " + r.err + ">";
    return dump_rollups(dir / db) + "\n" +
           query_one(dir / db,
                     "SELECT group_concat(payer || ' ' || period || ' ' || rows || ' ' || "
                     "invoice_ids, '; ') FROM (SELECT * FROM billing_period ORDER BY 1, 2)") +
           "\nskipped " + query_one(dir / db, "SELECT skipped_rows FROM ingest");
}

}  // namespace

TEST(ParquetRuns, RunsAddUpAsTheSameRowsDoInCsv) {
    for (const bool dictionary : {true, false}) {
        TempDir dir;
        // 3000 rows: batches of 1024 and row groups of 1700 cut runs; row 1500 is bad.
        const Twin t = runs_of(3000, 9, 1500, "abc");
        pqw::Options o;
        o.dictionary = dictionary;
        o.rows_per_group = 1700;
        write_file(dir / "runs.parquet", pqw::write(t.columns, o));
        write_file(dir / "runs.csv", t.csv);
        const std::string parquet = outcome(dir, "p.db", dir / "runs.parquet");
        EXPECT_EQ(parquet, outcome(dir, "c.db", dir / "runs.csv")) << "dictionary " << dictionary;
        EXPECT_NE(parquet.find("INV-0,INV-1,INV-MID"), std::string::npos) << parquet;
        EXPECT_NE(parquet.find("skipped 1"), std::string::npos) << parquet;
    }
}

// `ingest --stats` on Parquet: the row groups' CPU is decode and aggregate, their pages'
// decompression read/inflate (timed apart from it, never below zero), the file's digest hash and
// the workers' rollups merge; the rows and the digest are what they are without stats.
TEST(ParquetRuns, StatsAttributeRowGroupsPagesHashAndMerge) {
    TempDir dir;
    const Twin t = runs_of(3000, 9, 3000, "");
    pqw::Options o;
    o.dictionary = true;
    o.codec = 1;  // snappy: the pages are decompressed
    o.rows_per_group = 700;
    write_file(dir / "runs.parquet", pqw::write(t.columns, o));
    ingest::StageStats stats;
    ingest::IngestOptions opts;
    opts.stats = &stats;
    auto r = ingest::run_ingest(ingest::plan_inputs({dir / "runs.parquet"}), opts);
    r.wait_for_hashes();
    EXPECT_EQ(r.rows, 3000u);
    ASSERT_EQ(r.sources.size(), 1u);
    EXPECT_EQ(r.sources[0].sha256, Sha256::of(read_file(dir / "runs.parquet")));
    for (auto s : {ingest::Stage::read, ingest::Stage::decode, ingest::Stage::aggregate,
                   ingest::Stage::hash, ingest::Stage::merge}) {
        EXPECT_GT(stats.ns(s), 0u) << ingest::stage_name(s);
        EXPECT_LT(stats.ns(s), uint64_t(1) << 62) << ingest::stage_name(s);
    }
    for (auto s : {ingest::Stage::split, ingest::Stage::scan, ingest::Stage::validate})
        EXPECT_EQ(stats.ns(s), 0u) << ingest::stage_name(s);
}

}  // namespace CURCRUNCH_UNITY_ID
