// Integer limits a file's data can drive, through the real binary: amounts and their sums
// (bounded by 10^14, core/money.hpp), column slots and tags per row past 16 bits, memory per
// worker thread with very wide headers, and headers longer than one read block.
#include <gtest/gtest.h>

#include "curcrunch/store/database.hpp"
#include "hostile_support.hpp"
#include "parquet_test_writer.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

TEST(Limits, AnAmountBeyondTheBoundIsRefusedWithItsLineAndColumn) {
    GuardedStore s;
    // Two costs of 9e27 in one group used to overflow the 128-bit sum (UBSan in add_row).
    std::string f =
        s.file("huge.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-02-05", "9e27") +
                               legacy_row("2", "2024-02-05", "9e27"));
    s.expect_refused({f}, f + ":2: column 'lineItem/UnblendedCost': number out of range: '9e27' "
                              "(at most 10^14 in magnitude)");
    // A 28-digit amount plus 1.5 used to be stored as a 39-digit text that made every read
    // command fail with exit 4.
    std::string g =
        s.file("digits.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-02-05", "1.5") +
                                 legacy_row("2", "2024-02-05", "9999999999999999999999999999"));
    s.expect_refused({g}, g + ":3: column 'lineItem/UnblendedCost': number out of range");
    // The bound itself is accepted, and read back exactly.
    std::string ok = s.file(
        "max.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-03-05", "100000000000000"));
    RunResult r = run_cli({"ingest", "--db", s.db, "--quiet", ok});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(s.db, "SELECT unblended FROM billing_period WHERE period = 202403"),
              "1000000000000000000000000");
    s.expect_readable();
}

TEST(Limits, ASumBeyondTheBoundIsRefusedNamingTheGroupAndTheFile) {
    GuardedStore s;
    // Twelve in-range rows of one group add up to more than 10^14.
    std::string rows = kLegacyHeader;
    for (int i = 0; i < 12; ++i)
        rows += legacy_row(std::to_string(i), "2024-02-05", "9000000000000");
    std::string f = s.file("group.csv", rows);
    s.expect_refused({f}, f + ": the sum of unblended cost for 2024-02-05, account "
                              "012345678901, service AmazonEC2 exceeds 10^14 in magnitude "
                              "(summed over rows)");
    // Groups each within the bound whose period total is not.
    std::string days = kLegacyHeader;
    for (int d = 1; d <= 12; ++d)
        days += legacy_row(std::to_string(d),
                           "2024-02-" + std::string(d < 10 ? "0" : "") + std::to_string(d),
                           "90000000000000");
    std::string g = s.file("period.csv", days);
    s.expect_refused({g},
                     "billing period 2024-02: the total unblended cost exceeds 10^14 in "
                     "magnitude");
}

TEST(Limits, ParquetAmountsKeepTheBoundToo) {
    GuardedStore s;
    // A DOUBLE cost of 9e27, as CSV's text would be: refused, not summed past 2^127.
    pqw::Column start = pqw::column("line_item_usage_start_date", 6, false, 0);
    pqw::Column cost = pqw::column("line_item_unblended_cost", 5);
    for (int i = 0; i < 2; ++i) {
        start.values.push_back(pqw::plain_bytes("2024-03-01T00:00:00Z"));
        cost.values.push_back(pqw::plain_double(9e27));
    }
    std::string f = s.file("huge.parquet", pqw::write({start, cost}, pqw::Options{}));
    s.expect_refused({f}, f + ": row group 0, column 'line_item_unblended_cost', page 1, row 1: "
                              "number out of range or not finite");
}

TEST(Limits, ASumMayPassTheBoundOnItsWayIfWhatIsStoredIsWithinIt) {
    GuardedStore s;
    // Rows of both signs: running sums pass 10^14 (in a group, and over the period's groups),
    // what is stored does not.
    std::string csv = kLegacyHeader;
    for (const char* c : {"90000000000000", "90000000000000", "-90000000000000"})
        csv += legacy_row(c, "2024-02-05", c);
    for (const char* c : {"90000000000000", "90000000000000", "-100000000000000"})
        csv += legacy_row(c, "2024-02-06", c);
    csv += legacy_row("last", "2024-02-07", "-90000000000000");
    RunResult r = run_cli({"ingest", "--db", s.db, "--quiet", s.file("signs.csv", csv)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(s.db, "SELECT unblended FROM billing_period WHERE period = 202402"),
              "800000000000000000000000");
    s.expect_readable();
}

TEST(Limits, MoneySumReportsAnOverflowInsteadOfWrapping) {
    // A store written by another tool may hold anything; the sum says so rather than wrap.
    TempDir t;
    {
        curcrunch::store::Database db(t / "x.db",
                                      curcrunch::store::Database::Mode::read_write_create);
        db.exec("CREATE TABLE v(a)");
        db.exec(
            "INSERT INTO v VALUES ('85070591730234615865843651857942052864'),"
            "('85070591730234615865843651857942052864')");
    }
    EXPECT_NE(error_text([&] {
                  query_one(t / "x.db", "SELECT money_sum(a) FROM v");
              }).find("money_sum: sum out of range"),
              std::string::npos);
    EXPECT_EQ(query_one(t / "x.db", "SELECT money_sum(a) FROM v WHERE rowid = 1"),
              "85070591730234615865843651857942052864");
}

// 70,000 columns: column slots were int16, so a tag column past slot 32,767 wrapped onto the
// cost and date slots (a stored cost of 7.00 instead of 1.00, a shifted day). The header is
// also longer than 1 MiB, which used to be cut.
TEST(Limits, SeventyThousandColumnsKeepEveryColumnInItsPlace) {
    TempDir t;
    const size_t tags = 70000 - 18;
    std::string csv = wide_legacy_header(tags);
    ASSERT_GT(csv.size(), size_t(1) << 20);
    csv += wide_legacy_row("1", "2024-05-01", "1.00", tags, {{tags - 1, "7"}, {40000, "2024"}});
    csv += wide_legacy_row("2", "2024-05-02", "1.00", tags, {{tags - 1, "7"}});
    csv += wide_legacy_row("3", "2024-05-03", "1.00", tags, {{65000, "x"}});
    write_file(t / "wide.csv", csv);
    RunResult r = run_cli({"ingest", "--db", t / "s.db", "--quiet", t / "wide.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(t / "s.db", "SELECT money_sum(unblended) FROM cost_daily"), "30000000000");
    EXPECT_EQ(query_one(t / "s.db",
                        "SELECT group_concat(day) FROM (SELECT day FROM cost_daily "
                        "ORDER BY day)"),
              "20240501,20240502,20240503");
    const std::string last_key = "t" + std::to_string(tags - 1);
    EXPECT_EQ(query_one(t / "s.db",
                        "SELECT money_sum(unblended) || ' ' || sum(row_count) FROM "
                        "tag_daily_named WHERE tag_key = '" +
                            last_key + "' AND tag_value = '7'"),
              "20000000000 2");
    EXPECT_EQ(query_one(t / "s.db", "SELECT count(*) FROM tag_daily"), "4");
}

// 70,000 tags in one row: the tag count per row was uint16, so only 4,464 tags carried the cost.
TEST(Limits, SeventyThousandTagsInOneRowEachCarryTheCost) {
    TempDir t;
    std::string tags = "\"{";
    for (int i = 0; i < 70000; ++i)
        tags += std::string(i ? "," : "") + "\"\"user_k" + std::to_string(i) + "\"\":\"\"v\"\"";
    tags += "}\"";
    const std::string csv =
        "bill_payer_account_id,line_item_usage_account_id,line_item_usage_start_date,"
        "line_item_product_code,line_item_unblended_cost,resource_tags\n"
        "012345678901,012345678901,2025-08-01T00:00:00Z,AmazonEC2,1.5," +
        tags + "\n";
    write_file(t / "tags.csv", csv);
    RunResult r = run_cli({"ingest", "--db", t / "s.db", "--quiet", t / "tags.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(t / "s.db", "SELECT count(*) FROM tag_daily"), "70000");
    EXPECT_EQ(query_one(t / "s.db", "SELECT money_sum(unblended) FROM tag_daily"),
              "1050000000000000");  // 70,000 x 1.5
    EXPECT_EQ(query_one(t / "s.db", "SELECT money_sum(tagged_unblended) FROM cost_daily"),
              "15000000000");
}

// Each worker thread's scan batch held 1024 rows of every column's span: 245 MB per thread at
// 30,000 columns. Batches are now bounded to 1 MiB of spans and row-key memory to 16 MiB.
TEST(Limits, MemoryPerThreadStaysBoundedWithThirtyThousandColumns) {
    TempDir t;
    const size_t tags = 30000;
    std::string csv = wide_legacy_header(tags);
    for (int i = 0; i < 400; ++i)
        csv += wide_legacy_row(std::to_string(i), "2024-05-0" + std::to_string(1 + i % 9), "0.25",
                               tags, {{static_cast<size_t>(i * 71) % tags, "v"}});
    write_file(t / "wide.csv", csv);
    // The same command on a one-row file: what the process takes in this build (ASan: more).
    write_file(t / "tiny.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-05-01", "1"));
    const long base =
        run_cli_measured({"ingest", "--db", t / "b.db", "--quiet", t / "tiny.csv"}).max_rss_kib;
    MeasuredRun m = run_cli_measured(
        {"ingest", "--db", t / "s.db", "--quiet", "--threads", "2", t / "wide.csv"});
    ASSERT_EQ(m.run.exit_code, 0) << m.run.err;
    EXPECT_EQ(query_one(t / "s.db", "SELECT money_sum(unblended) FROM cost_daily"),
              "1000000000000");
    // Before: about 600 MB at two threads (282 MB at one); now about 120 MB (Release).
    EXPECT_LT(m.max_rss_kib, base + 160 * 1024) << "peak RSS " << m.max_rss_kib << " KiB";
}

TEST(Limits, HeadersLongerThanOneBlockAreReadWholeUpToTheirCap) {
    GuardedStore s;
    // One tag column with a 3 MiB name: the header spans several reads, in plain and gzip.
    std::string header(kLegacyHeader);
    header.insert(header.size() - 1, ",resourceTags/user:" + std::string(3u << 20, 'n'));
    std::string row = legacy_row("1", "2024-06-01", "2.5");
    row.insert(row.size() - 1, ",x");
    s.file("long.csv", header + row);
    s.file("long.csv.gz", gzip_bytes(header + row));
    for (const char* name : {"long.csv", "long.csv.gz"}) {
        RunResult r = run_cli({"ingest", "--db", s.dir / "l.db", "--quiet", s.dir / name});
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
        EXPECT_EQ(query_one(s.dir / "l.db", "SELECT money_sum(unblended) FROM cost_daily"),
                  "25000000000");
    }
    // Past 16 MiB: a clear error, not a wrong field count at line 2.
    std::string huge(kLegacyHeader);
    huge.insert(huge.size() - 1, ",resourceTags/user:" + std::string(17u << 20, 'n'));
    std::string f = s.file("huge.csv", huge + row);
    s.expect_refused({f}, f + ": line 1: header record longer than 16 MiB");
    std::string g = s.file("huge.csv.gz", gzip_bytes(huge + row));
    s.expect_refused({g}, g + ": line 1: header record longer than 16 MiB");
    // More columns than the cap.
    std::string wide = wide_legacy_header(100001);
    std::string w = s.file("wide.csv", wide);
    s.expect_refused({w}, w + ": line 1: header has 100019 columns; at most 100000 are read");
}

}  // namespace CURCRUNCH_UNITY_ID
