// Golden totals from real third-party billing files in ../shared/samples/real (see its README).
// Expected values are exact decimal sums of the values as written (the README's own figures are
// binary floating-point sums and differ in the last digits).
#include <gtest/gtest.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string total_by(const std::string& db, const std::string& sql) {
    return query_one(db, sql);
}

class Golden : public ::testing::Test {
  protected:
    void ingest(const std::vector<std::string>& paths, ingest::IngestOptions o = {}) {
        store_ = store::Store::open(dir_ / "golden.db");
        auto r = ingest::run_ingest(ingest::plan_inputs(paths), o);
        store_->replace_periods(r, store::now_utc_iso(), false);
        result_rows_ = r.rows;
        sources_ = r.sources;
    }
    std::string money(const std::string& where, const char* col = "unblended") {
        store::Database db(dir_ / "golden.db", store::Database::Mode::read_only);
        auto st = db.prepare(std::string("SELECT money_sum(") + col +
                             ") FROM cost_daily_named WHERE " + where);
        st.step();
        return to_plain_string(st.column_amount(0));
    }
    TempDir dir_;
    std::unique_ptr<store::Store> store_;
    uint64_t result_rows_ = 0;
    std::vector<ingest::SourceReport> sources_;
};

}  // namespace

TEST_F(Golden, WellArchitectedLabsThreeMonthsExact) {
    ingest({real_samples() + "/derived"});
    EXPECT_EQ(result_rows_, 119307u + 124340u + 91264u);
    EXPECT_EQ(money("period = 201810"), "4064.4831315379");
    EXPECT_EQ(money("period = 201811"), "3505.3269681268");
    EXPECT_EQ(money("period = 201812"), "408.3759924354");
    // November by line item type (README: Usage 117,129 rows, DiscountedUsage 7,202, RIFee 9).
    EXPECT_EQ(money("period = 201811 AND line_item_type = 'Usage'"), "3357.9429681268");
    EXPECT_EQ(money("period = 201811 AND line_item_type = 'DiscountedUsage'"), "0");
    EXPECT_EQ(money("period = 201811 AND line_item_type = 'RIFee'"), "147.384");
    const std::string db = dir_ / "golden.db";
    EXPECT_EQ(total_by(db,
                       "SELECT sum(row_count) FROM cost_daily_named WHERE period = 201811 AND "
                       "line_item_type='Usage'"),
              "117129");
    EXPECT_EQ(total_by(db,
                       "SELECT sum(row_count) FROM cost_daily_named WHERE period = 201811 AND "
                       "line_item_type='DiscountedUsage'"),
              "7202");
    EXPECT_EQ(total_by(db,
                       "SELECT sum(row_count) FROM cost_daily_named WHERE period = 201811 AND "
                       "line_item_type='RIFee'"),
              "9");
    // The payer account id keeps its digits as text; the ingest records each file's sha256.
    EXPECT_EQ(total_by(db, "SELECT group_concat(DISTINCT payer_account) FROM cost_daily_named"),
              "836060457634");
    ASSERT_EQ(sources_.size(), 3u);
    EXPECT_EQ(
        sources_[1].sha256,
        Sha256::of_file(real_samples() + "/derived/cur-snake-csv_wal-workshop_2018-11.csv.gz"));
    EXPECT_EQ(sources_[1].dialect, "cur-athena");
    // The line-item and tag rollups hold the same money as the cost rollup.
    EXPECT_EQ(
        total_by(db,
                 "SELECT money_sum(unblended) FROM line_item_daily_named WHERE period = 201810"),
        "40644831315379");
}

TEST_F(Golden, SameTotalsWithEveryBlockSizeAndThreadCount) {
    for (size_t block : {size_t(4096), size_t(65536), size_t(1) << 22}) {
        for (int threads : {1, 2}) {
            ingest::IngestOptions o;
            o.block_size = block;
            o.threads = threads;
            auto r = ingest::run_ingest(
                ingest::plan_inputs(
                    {real_samples() + "/derived/cur-snake-csv_wal-workshop_2018-12.csv.gz"}),
                o);
            Amount sum = 0;
            for (const auto& e : r.rollup.cost.entries())
                sum += e.value.unblended;
            EXPECT_EQ(to_plain_string(sum), "408.3759924354") << block << " " << threads;
            EXPECT_EQ(r.rows, 91264u);
        }
    }
}

TEST_F(Golden, FocusSampleByBillingAccount) {
    ingest({real_samples() + "/focus-1.0_finops-foundation_focus_sample.csv"});
    EXPECT_EQ(result_rows_, 1000u);
    EXPECT_EQ(sources_[0].dialect, "focus-1.0");
    // BilledCost / EffectiveCost / ListCost per provider's billing account, each value rounded
    // half-to-even at 10 fraction digits (the file writes 11).
    EXPECT_EQ(money("payer_account = '1234567890123'"), "18.0066386184");
    EXPECT_EQ(money("payer_account = '1234567890123'", "amortized"), "13");
    EXPECT_EQ(money("payer_account = '1234567890123'", "public_on_demand"), "18.1493176406");
    EXPECT_EQ(money("payer_account = '20209880'"), "0.5370739247");
    EXPECT_EQ(money("payer_account = '20209880'", "amortized"), "0");
    EXPECT_EQ(money("payer_account = '20209880'", "public_on_demand"), "0.2650739247");
    EXPECT_EQ(money("payer_account LIKE '/providers/Microsoft%'"), "1.9765141858");
    const std::string db = dir_ / "golden.db";
    // ChargeCategory Usage: 997 rows, 4 of them covered by a Savings Plan (status Used).
    EXPECT_EQ(
        total_by(db, "SELECT sum(row_count) FROM cost_daily_named WHERE line_item_type='Usage'"),
        "993");
    EXPECT_EQ(total_by(db,
                       "SELECT sum(row_count) FROM cost_daily_named WHERE "
                       "line_item_type='SavingsPlanCoveredUsage'"),
              "4");
    EXPECT_EQ(
        total_by(db, "SELECT sum(row_count) FROM cost_daily_named WHERE line_item_type='Credit'"),
        "1");
    EXPECT_EQ(
        total_by(db,
                 "SELECT sum(row_count) FROM cost_daily_named WHERE line_item_type='Adjustment'"),
        "2");
    // Tags JSON ("{""application"": ...}") lands in the tag rollup.
    EXPECT_NE(total_by(db, "SELECT count(*) FROM tag_daily_named WHERE tag_key='application'"),
              "0");
    EXPECT_EQ(
        total_by(db, "SELECT count(*) FROM tag_daily_named WHERE tag_value='BrightLensMatrix'") !=
            "0",
        true);
    // The string "NULL" never becomes a value.
    EXPECT_EQ(
        total_by(db,
                 "SELECT count(*) FROM cost_daily_named WHERE region='NULL' OR usage_type='NULL'"),
        "0");
    // Every command's --payer takes the ids the store holds, the 13-digit and Azure ones too.
    for (const char* payer :
         {"1234567890123", "/providers/Microsoft.Billing/billingAccounts/8611537"}) {
        RunResult r = run_cli({"summary", "--db", db, "--payer", payer, "--granularity", "total",
                               "--by", "none", "--format", "csv"});
        EXPECT_EQ(r.exit_code, 0) << payer << r.err;
        EXPECT_NE(r.out.find(std::string(",") +
                             (payer[0] == '1' ? "18.0066386184" : "1.9765141858") + ","),
                  std::string::npos)
            << r.out;
    }
}

TEST_F(Golden, AthenaTextExportWithCtrlADelimiter) {
    ingest({real_samples() + "/cur1-athena-text_wal-licensing_2019-11.gz"});
    EXPECT_EQ(result_rows_, 7850u);
    EXPECT_EQ(money("period = 201911"), "89.170632878");
    EXPECT_EQ(sources_[0].compression, "gzip");
    const std::string db = dir_ / "golden.db";
    EXPECT_EQ(
        total_by(
            db,
            "SELECT count(*) FROM cost_daily_named WHERE usage_account = '\\N' OR region = '\\N'"),
        "0");
}

TEST_F(Golden, RealLegacyManifestPicksItsAssemblyAndPeriod) {
    // The real 2018 manifest, placed in the S3 layout. Its reportKeys point into assembly
    // afe8b092-...; an older assembly beside it must be ignored, and the period comes from the
    // manifest (2018-05), whose rows may have usage in another month (a late charge).
    TempDir t;
    const std::string period_dir = t / "test-quicksight/20180501-20180601";
    write_file(period_dir + "/test-quicksight-Manifest.json",
               read_file(real_samples() +
                         "/cur1-manifest_qezz-xproject-reports_test-quicksight-Manifest.json"));
    std::string late = legacy_row("b", "2018-06-03", "0.0000000001");
    late.replace(late.find("2018-06-01T00:00:00Z"), 20, "2018-05-01T00:00:00Z");
    std::string csv = std::string(kLegacyHeader) + legacy_row("a", "2018-05-02", "10.25") + late;
    write_file(period_dir + "/afe8b092-dc87-405a-a0b7-fc743e14adff/test-quicksight-1.csv.gz",
               gzip_bytes(csv));
    write_file(period_dir + "/00000000-old0-0000-0000-000000000000/test-quicksight-1.csv.gz",
               gzip_bytes(std::string(kLegacyHeader) + legacy_row("z", "2018-05-02", "999")));
    auto units = ingest::plan_inputs({t.path().string()});
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(units[0].period, 201805);
    EXPECT_EQ(units[0].assembly_id, "afe8b092-dc87-405a-a0b7-fc743e14adff");
    ingest({t.path().string()});
    EXPECT_EQ(money("period = 201805"), "10.2500000001");
    EXPECT_EQ(money("1=1"), "10.2500000001");
    EXPECT_EQ(query_one(dir_ / "golden.db",
                        "SELECT assembly_id FROM billing_period WHERE period = 201805"),
              "afe8b092-dc87-405a-a0b7-fc743e14adff");

    // A file whose rows are another billing period's (June's, copied under May's manifest)
    // would replace May with June's rows: refused, naming file, line and column; the store keeps
    // what it held.
    const std::string before = dump_store(dir_ / "golden.db");
    write_file(period_dir + "/afe8b092-dc87-405a-a0b7-fc743e14adff/test-quicksight-1.csv.gz",
               gzip_bytes(std::string(kLegacyHeader) + legacy_row("a", "2018-05-31", "1") +
                          legacy_row("j", "2018-06-02", "10.25")));
    const RunResult r =
        run_cli({"ingest", "--no-progress", "--db", dir_ / "golden.db", t.path().string()});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("/afe8b092-dc87-405a-a0b7-fc743e14adff/test-quicksight-1.csv.gz:3: "
                         "column 'bill/BillingPeriodStartDate': billing period 2018-06, not "
                         "2018-05, the period of the manifest or partition folder"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(dump_store(dir_ / "golden.db"), before);

    // Without the data file the manifest names, the ingest fails and says which key is missing.
    std::filesystem::remove_all(period_dir + "/afe8b092-dc87-405a-a0b7-fc743e14adff");
    try {
        ingest::plan_inputs({t.path().string()});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "lists 'quicksight/test-quicksight/20180501-20180601/afe8b092"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("which is not on disk"), std::string::npos)
            << e.what();
    }
}

}  // namespace CURCRUNCH_UNITY_ID
