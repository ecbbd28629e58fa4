// `curcrunch gen --format parquet`: the generator's CUR 2.0 rows as AWS writes them in Parquet.
// The file must give the same rollups as the CSV the generator writes for the same seed, be
// read by an independent reader (DuckDB, tests/parquet/read_generated.mjs) with AWS's column
// types, and its hybrid-encoded levels and indices must decode with our reader's decoder.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "curcrunch/core/money.hpp"
#include "curcrunch/gen/parquet_encoding.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"
#include "curcrunch/ingest/parquet/rle_hybrid.hpp"
#include "parquet_support.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

namespace {

using testsupport::run_cli;
using testsupport::TempDir;

// Two months hourly of the default organisation: about 104,000 rows, so two row groups.
std::vector<std::string> gen_args(const std::string& out, const std::vector<std::string>& more) {
    std::vector<std::string> a = {"gen",      "--out",   out,         "--dialect", "cur2",
                                  "--months", "2",       "--start",   "2025-03",   "--seed",
                                  "11",       "--as-of", "2026-01-01"};
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

void gen(const std::vector<std::string>& args) {
    const auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(GenParquet, SameRollupsAsItsCsvTwinSnappyAndUncompressed) {
    TempDir dir;
    gen(gen_args(dir / "twin.csv", {}));
    gen(gen_args(dir / "twin.snappy.parquet", {"--format", "parquet"}));
    gen(gen_args(dir / "twin.parquet", {"--format", "parquet", "--parquet-codec", "none"}));
    const std::string csv = parquettest::rollups_of(dir, "csv.db", {dir / "twin.csv"});
    ASSERT_NE(csv.find("## cost_daily"), std::string::npos) << csv.substr(0, 300);
    EXPECT_EQ(parquettest::rollups_of(dir, "snappy.db", {dir / "twin.snappy.parquet"}), csv);
    EXPECT_EQ(parquettest::rollups_of(dir, "none.db", {dir / "twin.parquet"}), csv);
    // The uncompressed file holds the same pages, bigger.
    EXPECT_GT(std::filesystem::file_size(dir / "twin.parquet"),
              std::filesystem::file_size(dir / "twin.snappy.parquet"));
}

TEST(GenParquet, DuckDbReadsItWithAwsColumnTypes) {
    TempDir dir;
    gen(gen_args(dir / "g.csv", {}));
    gen(gen_args(dir / "g.parquet", {"--format", "parquet"}));
    const auto duck =
        testsupport::sh("cd '" + std::string(CURCRUNCH_SOURCE_DIR) +
                        "/tests/parquet' && node read_generated.mjs '" + (dir / "g.parquet") + "'");
    ASSERT_EQ(duck.code, 0) << duck.out;
    const std::string& j = duck.out;
    const std::string csv = testsupport::read_file(dir / "g.csv");
    const size_t rows = static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1;
    EXPECT_NE(j.find("\"rows\":" + std::to_string(rows) + ","), std::string::npos) << j;
    EXPECT_NE(j.find("\"groups\":2,"), std::string::npos) << j;
    EXPECT_NE(j.find("\"codecs\":\"SNAPPY\""), std::string::npos) << j;
    EXPECT_NE(j.find("RLE_DICTIONARY"), std::string::npos) << j;
    for (const char* t :
         {"\"line_item_unblended_cost\":\"DOUBLE\"", "\"line_item_usage_amount\":\"DOUBLE\"",
          "\"reservation_unused_amortized_upfront_fee_for_billing_period\":\"DOUBLE\"",
          "\"savings_plan_total_commitment_to_date\":\"DOUBLE\"",
          "\"line_item_unblended_rate\":\"VARCHAR\"",
          "\"line_item_usage_start_date\":\"TIMESTAMP WITH TIME ZONE\"",
          "\"bill_billing_period_start_date\":\"TIMESTAMP WITH TIME ZONE\"",
          "\"resource_tags\":\"MAP(VARCHAR, VARCHAR)\"", "\"product\":\"MAP(VARCHAR, VARCHAR)\"",
          "\"cost_category\":\"MAP(VARCHAR, VARCHAR)\"", "\"discount\":\"MAP(VARCHAR, DOUBLE)\""})
        EXPECT_NE(j.find(t), std::string::npos) << t << " in " << j;
    // Tags: DuckDB finds user_team in as many rows as the CSV has it.
    size_t tagged = 0;
    for (size_t at = csv.find("user_team"); at != std::string::npos;
         at = csv.find("user_team", at + 1))
        ++tagged;
    EXPECT_NE(j.find("\"tagged\":" + std::to_string(tagged) + ","), std::string::npos) << j;
    // Costs: DuckDB's sum of the doubles, to the cent, against the exact total of the CSV
    // ingest (summary's per-service months, added exactly).
    const std::string db = dir / "c.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, dir / "g.csv"}).exit_code, 0);
    const auto sum = run_cli({"summary", "--db", db, "--from", "2025-03-01", "--to", "2025-04-30",
                              "--granularity", "month", "--by", "service", "--format", "csv"});
    ASSERT_EQ(sum.exit_code, 0) << sum.err;
    curcrunch::Amount total = 0;
    std::istringstream lines(sum.out);
    std::string line;
    std::getline(lines, line);  // header: bucket,key,label,unblended,...
    while (std::getline(lines, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string x; std::getline(ss, x, ',');)
            f.push_back(x);
        ASSERT_GE(f.size(), 4u) << line;
        curcrunch::Amount a = 0;
        ASSERT_EQ(curcrunch::parse_amount(f[3], a), curcrunch::ParseStatus::ok) << line;
        total += a;
    }
    const size_t c = j.find("\"cents\":\"");
    ASSERT_NE(c, std::string::npos) << j;
    curcrunch::Amount duck_cents = 0;
    const std::string cents = j.substr(c + 9, j.find('"', c + 9) - c - 9);
    ASSERT_EQ(curcrunch::parse_amount(cents, duck_cents), curcrunch::ParseStatus::ok) << cents;
    curcrunch::Amount cent = 0;
    ASSERT_EQ(curcrunch::parse_amount("0.01", cent), curcrunch::ParseStatus::ok);
    const curcrunch::Amount diff = total > duck_cents ? total - duck_cents : duck_cents - total;
    EXPECT_TRUE(diff <= cent) << curcrunch::to_plain_string(total) << " vs DuckDB " << cents;
    EXPECT_TRUE(total > 1000 * cent) << curcrunch::to_plain_string(total);
}

TEST(GenParquet, LayoutWritesParquetAndItsManifest) {
    TempDir dir;
    const std::vector<std::string> common = {"--dialect", "cur2", "--layout", "--daily",
                                             "--months",  "2",    "--seed",   "5"};
    auto args = [&](const std::string& out, bool parquet) {
        std::vector<std::string> a = {"gen", "--out", out};
        a.insert(a.end(), common.begin(), common.end());
        if (parquet) a.insert(a.end(), {"--format", "parquet"});
        return a;
    };
    gen(args(dir / "pq", true));
    gen(args(dir / "csv", false));
    const std::string data = dir / "pq/curcrunch-sample/data";
    size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(data))
        if (e.is_regular_file()) {
            ++files;
            EXPECT_TRUE(e.path().string().ends_with("-00001.snappy.parquet")) << e.path();
            EXPECT_EQ(testsupport::read_file(e.path()).substr(0, 4), "PAR1");
        }
    EXPECT_EQ(files, 2u);
    EXPECT_EQ(parquettest::rollups_of(dir, "pq.db", {dir / "pq"}),
              parquettest::rollups_of(dir, "csv.db", {dir / "csv"}));
}

TEST(GenParquet, RefusesOtherDialectsGzipAndUnknownValues) {
    TempDir dir;
    const auto legacy = run_cli({"gen", "--out", dir / "x.parquet", "--format", "parquet"});
    EXPECT_EQ(legacy.exit_code, 2);
    EXPECT_NE(legacy.err.find("--format parquet writes CUR 2.0 (use --dialect cur2)"),
              std::string::npos)
        << legacy.err;
    const auto gz = run_cli(
        {"gen", "--out", dir / "x.parquet", "--dialect", "cur2", "--format", "parquet", "--gzip"});
    EXPECT_EQ(gz.exit_code, 2);
    EXPECT_NE(gz.err.find("--gzip is for CSV"), std::string::npos) << gz.err;
    const auto fmt = run_cli({"gen", "--out", dir / "x", "--format", "orc"});
    EXPECT_EQ(fmt.exit_code, 2);
    EXPECT_NE(fmt.err.find("--format: expected csv or parquet; got 'orc'"), std::string::npos);
    const auto codec = run_cli({"gen", "--out", dir / "x", "--dialect", "cur2", "--format",
                                "parquet", "--parquet-codec", "lzo"});
    EXPECT_EQ(codec.exit_code, 2);
    EXPECT_NE(codec.err.find("--parquet-codec: expected snappy or none; got 'lzo'"),
              std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir / "x.parquet"));
}

// The writer's hybrid encoding against the reader's decoder: random runs and literals of every
// bit width, decoded whole.
TEST(GenParquet, RleHybridEncodingDecodesBackExactly) {
    std::mt19937_64 rng(20261202);
    for (int round = 0; round < 400; ++round) {
        const unsigned width = static_cast<unsigned>(rng() % 33);
        const uint32_t mask = width == 32 ? UINT32_MAX : (uint32_t(1) << width) - 1;
        std::vector<uint32_t> v;
        const size_t n = rng() % 3000;
        while (v.size() < n) {
            const uint32_t x = static_cast<uint32_t>(rng()) & mask;
            const size_t run = rng() % 4 == 0 ? rng() % 40 : 1;
            v.insert(v.end(), std::min(run, n - v.size()), x);
        }
        std::string enc;
        curcrunch::gen::encode_rle_hybrid(v.data(), v.size(), width, enc);
        curcrunch::ingest::parquet::RleHybridDecoder dec;
        dec.reset(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), width);
        std::vector<uint32_t> out(v.size() + 8);
        ASSERT_EQ(dec.decode(out.data(), v.size()), v.size()) << "width " << width;
        out.resize(v.size());
        ASSERT_EQ(out, v) << "width " << width << ", " << n << " values";
    }
    EXPECT_EQ(curcrunch::gen::bit_width_of(0), 0u);
    EXPECT_EQ(curcrunch::gen::bit_width_of(1), 1u);
    EXPECT_EQ(curcrunch::gen::bit_width_of(255), 8u);
    EXPECT_EQ(curcrunch::gen::bit_width_of(UINT32_MAX), 32u);
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
