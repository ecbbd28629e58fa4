// The real legacy CUR Parquet files AWS delivered (../shared/samples/real, parquet-mr 1.8,
// snappy, dictionary pages, DOUBLE costs, TIMESTAMP_MILLIS) against their CSV twins: identical
// rollups and the same exact golden totals; and the S3 layouts Parquet reports come in.
#include <gtest/gtest.h>

#include "parquet_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
using parquettest::fixture;
using parquettest::rollups_of;

namespace {

const char* const kMonths[] = {"2018-10", "2018-11", "2018-12"};

std::string parquet_of(const std::string& month) {
    return real_samples() + "/cur1-parquet_wal-workshop_" + month + ".snappy.parquet";
}
std::string csv_of(const std::string& month) {
    return real_samples() + "/derived/cur-snake-csv_wal-workshop_" + month + ".csv.gz";
}

}  // namespace

TEST(ParquetReal, EachMonthMatchesItsCsvTwin) {
    for (const char* m : kMonths) {
        TempDir dir;
        const std::string pq = rollups_of(dir, "p.db", {parquet_of(m)});
        const std::string csv = rollups_of(dir, "c.db", {csv_of(m)});
        EXPECT_GT(pq.size(), 100000u) << m;
        EXPECT_EQ(pq, csv) << m;
    }
}

TEST(ParquetReal, GoldenTotals) {
    TempDir dir;
    auto r = run_cli({"ingest", "--db", dir / "g.db", "--no-progress", parquet_of("2018-10"),
                      parquet_of("2018-11"), parquet_of("2018-12")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("cur-athena  parquet       119307"), std::string::npos) << r.out;
    const std::string db = dir / "g.db";
    auto money = [&](const std::string& where) {
        return query_one(db, "SELECT money_sum(unblended) FROM cost_daily_named WHERE " + where);
    };
    // The README's totals are rounded to 6 digits; the exact values are the doubles' shortest
    // decimals rounded half to even at 10 digits, summed exactly (the CSV twins give the same).
    EXPECT_EQ(money("period = 201810"), "40644831315379");
    EXPECT_EQ(money("period = 201811"), "35053269681268");
    EXPECT_EQ(money("period = 201812"), "4083759924354");
    EXPECT_EQ(money("period = 201811 AND line_item_type = 'Usage'"), "33579429681268");
    EXPECT_EQ(money("period = 201811 AND line_item_type = 'DiscountedUsage'"), "0");
    EXPECT_EQ(money("period = 201811 AND line_item_type = 'RIFee'"), "1473840000000");
    EXPECT_EQ(query_one(db,
                        "SELECT sum(row_count) FROM cost_daily_named WHERE period = 201811 "
                        "AND line_item_type = 'Usage'"),
              "117129");
    EXPECT_EQ(query_one(db,
                        "SELECT sum(row_count) FROM cost_daily_named WHERE period = 201811 "
                        "AND line_item_type = 'DiscountedUsage'"),
              "7202");
    EXPECT_EQ(query_one(db,
                        "SELECT sum(row_count) FROM cost_daily_named WHERE period = 201811 "
                        "AND line_item_type = 'RIFee'"),
              "9");
    EXPECT_EQ(query_one(db, "SELECT group_concat(DISTINCT payer_account) FROM cost_daily_named"),
              "836060457634");
    // Every file is recorded with its sha256 and dialect.
    EXPECT_EQ(query_one(db,
                        "SELECT count(*) FROM ingest_source WHERE compression = 'parquet' "
                        "AND dialect = 'cur-athena' AND length(sha256) = 64"),
              "3");
}

TEST(ParquetReal, LegacyAthenaLayoutFolder) {
    // <prefix>/<report>/<report>/year=YYYY/month=M/<report>-00001.snappy.parquet, with the
    // status table, the crawler template and the SQL beside it, as AWS lays it out in S3.
    TempDir dir;
    const fs::path root = dir.path() / "cur" / "workshop";
    for (const char* m : kMonths) {
        const std::string month = std::to_string(std::stoi(std::string(m).substr(5)));
        const fs::path d = root / "workshop" / "year=2018" / ("month=" + month);
        fs::create_directories(d);
        fs::copy_file(parquet_of(m), d / "workshop-00001.snappy.parquet");
    }
    fs::create_directories(root / "workshop" / "cost_and_usage_data_status");
    fs::copy_file(
        fixture("cost_and_usage_data_status.parquet"),
        root / "workshop" / "cost_and_usage_data_status" / "cost_and_usage_data_status.parquet");
    write_file((root / "workshop" / "crawler-cfn.yml").string(), "AWSTemplateFormatVersion: x\n");
    write_file((root / "workshop" / "workshop-create-table.sql").string(),
               "CREATE TABLE x (a int);\n");
    write_file((dir.path() / "cur" / "aws-programmatic-access-test-object").string(), "test\n");

    const std::string folder = rollups_of(dir, "f.db", {(dir.path() / "cur").string()});
    const std::string files = rollups_of(
        dir, "p.db", {parquet_of("2018-10"), parquet_of("2018-11"), parquet_of("2018-12")});
    EXPECT_EQ(folder, files);
    // The period came from the partition path (year=2018/month=11), as a manifest's would.
    EXPECT_EQ(query_one(dir / "f.db",
                        "SELECT group_concat(period, ',') FROM (SELECT period FROM "
                        "ingest_source ORDER BY period)"),
              "2018-10,2018-11,2018-12");
}

TEST(ParquetReal, CsvAndParquetInOneCommand) {
    TempDir dir;
    const std::string mixed = rollups_of(dir, "m.db", {parquet_of("2018-10"), csv_of("2018-11")});
    const std::string csv = rollups_of(dir, "c.db", {csv_of("2018-10"), csv_of("2018-11")});
    EXPECT_EQ(mixed, csv);
}

TEST(ParquetReal, Cur2ManifestListingParquet) {
    // CUR 2.0: <export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json lists the
    // Parquet files of the newest execution; an older execution's file beside them is not read.
    TempDir dir;
    const fs::path exp = dir.path() / "exports" / "cur2-daily";
    const fs::path data = exp / "data" / "BILLING_PERIOD=2025-01";
    fs::create_directories(data / "20250105T000000Z-old");
    fs::create_directories(data / "20250106T000000Z-new");
    // January's rows only, as AWS writes a period's files.
    ASSERT_EQ(run_cli({"gen", "--out",
                       (data / "20250106T000000Z-new" / "cur2-daily-00001.snappy.parquet").string(),
                       "--dialect", "cur2", "--format", "parquet", "--months", "1", "--start",
                       "2025-01", "--accounts", "2", "--resources", "2"})
                  .exit_code,
              0);
    fs::copy_file(fixture("focus_decimals.parquet"),
                  data / "20250105T000000Z-old" / "cur2-daily-00001.snappy.parquet");
    fs::create_directories(exp / "metadata" / "BILLING_PERIOD=2025-01");
    write_file((exp / "metadata" / "BILLING_PERIOD=2025-01" / "cur2-daily-Manifest.json").string(),
               R"({"executionId":"new","billingPeriod":{"start":"2025-01-01T00:00:00.000Z"},
                   "dataFiles":["s3://bucket/exports/cur2-daily/data/BILLING_PERIOD=2025-01/20250106T000000Z-new/cur2-daily-00001.snappy.parquet"]})");
    auto r = run_cli(
        {"ingest", "--db", dir / "m.db", "--no-progress", (dir.path() / "exports").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(dir / "m.db",
                        "SELECT count(*) || ' ' || group_concat(assembly_id) || ' ' || "
                        "group_concat(period) FROM ingest_source"),
              "1 new 2025-01");
    EXPECT_EQ(query_one(dir / "m.db", "SELECT group_concat(DISTINCT period) FROM cost_daily_named"),
              "202501");

    // A file holding another period's rows (January and February, under January's manifest)
    // would replace January with them: refused, naming the file, row group, column and row; the
    // store keeps what it held.
    const std::string before = dump_store(dir / "m.db");
    fs::copy_file(fixture("cur2_zstd.parquet"),
                  data / "20250106T000000Z-new" / "cur2-daily-00001.snappy.parquet",
                  fs::copy_options::overwrite_existing);
    r = run_cli(
        {"ingest", "--db", dir / "m.db", "--no-progress", (dir.path() / "exports").string()});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("20250106T000000Z-new/cur2-daily-00001.snappy.parquet: row group 0, "
                         "column 'bill_billing_period_start_date'"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("billing period 2025-02, not 2025-01"), std::string::npos) << r.err;
    EXPECT_EQ(dump_store(dir / "m.db"), before);
}

}  // namespace CURCRUNCH_UNITY_ID
