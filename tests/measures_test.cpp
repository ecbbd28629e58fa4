// The rollup dimensions and measures schema v6 added: net amortized cost (from AWS's net
// commitment columns), the commitment owner (from the Savings Plan / reservation ARN) and the
// billing entity; every measure on the line-item and tag grains.
#include <gtest/gtest.h>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

const char* kHeader =
    "bill/PayerAccountId,bill/BillingEntity,lineItem/UsageAccountId,lineItem/LineItemType,"
    "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,"
    "lineItem/NetUnblendedCost,reservation/ReservationARN,reservation/EffectiveCost,"
    "reservation/NetEffectiveCost,reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,"
    "reservation/UnusedRecurringFee,reservation/NetUnusedAmortizedUpfrontFeeForBillingPeriod,"
    "reservation/NetUnusedRecurringFee,savingsPlan/SavingsPlanARN,"
    "savingsPlan/SavingsPlanEffectiveCost,savingsPlan/NetSavingsPlanEffectiveCost,"
    "savingsPlan/TotalCommitmentToDate,savingsPlan/UsedCommitment,"
    "savingsPlan/NetAmortizedUpfrontCommitmentForBillingPeriod,"
    "savingsPlan/NetRecurringCommitmentForBillingPeriod,resourceTags/user:Team\n";

const char* kRi = "arn:aws:ec2:us-east-1:333333333333:reserved-instances/r-1";
const char* kSp1 = "arn:aws:savingsplans::444444444444:savingsplan/sp-1";
const char* kSp2 = "arn:aws:savingsplans::555555555555:savingsplan/sp-2";

// A row of kHeader: reservation fields (ARN, effective, net effective, unused upfront, unused
// recurring, net unused upfront, net unused recurring) and Savings Plan fields (ARN, effective,
// net effective, total commitment, used commitment, net upfront, net recurring); missing
// trailing fields are blank.
struct Commitment {
    std::vector<std::string> ri, sp;
};
std::string row(const std::string& type, const std::string& entity, const std::string& cost,
                const std::string& net, Commitment c = {}) {
    c.ri.resize(7);
    c.sp.resize(7);
    std::string s = "111111111111," + entity + ",222222222222," + type +
                    ",2026-09-03T10:00:00Z,AmazonEC2," + cost + "," + net;
    for (const auto* part : {&c.ri, &c.sp})
        for (const auto& f : *part)
            s += "," + f;
    return s + ",web\n";
}

std::string sum_of(const std::string& db, const std::string& col, const std::string& where) {
    return query_one(db, "SELECT money_sum(" + col + ") FROM cost_daily_named WHERE " + where);
}

}  // namespace

TEST(Measures, NetAmortizedFollowsAwsNetCommitmentColumns) {
    TempDir t;
    std::string csv = kHeader;
    csv += row("Usage", "AWS", "10", "9.5");
    csv += row("DiscountedUsage", "AWS", "0", "0", {{kRi, "6.2", "5.89"}, {}});
    csv += row("RIFee", "AWS", "7", "6.65", {{kRi, "", "", "0.5", "0.3", "0.475", "0.285"}, {}});
    csv += row("Fee", "AWS", "100", "95", {{kRi}, {}});
    csv += row("SavingsPlanCoveredUsage", "AWS", "10", "10", {{}, {kSp1, "7.2", "6.84"}});
    csv += row("SavingsPlanNegation", "AWS", "-10", "-10", {{}, {kSp1}});
    // 0.8 unused of an 8.00 commitment whose net is 7.60: 0.76 net.
    csv += row("SavingsPlanRecurringFee", "AWS", "8", "7.6",
               {{}, {kSp1, "", "", "8", "7.2", "", "7.6"}});
    // No discount on this plan (its net fields are blank): net = gross.
    csv += row("SavingsPlanRecurringFee", "AWS", "3", "3", {{}, {kSp2, "", "", "3", "2"}});
    // 2 unused of a 3.00 commitment whose net is 1.00: 2/3, rounded half away from zero.
    csv += row("SavingsPlanRecurringFee", "AWS", "3", "1",
               {{}, {kSp2, "", "", "3", "1", "0.4", "0.6"}});
    csv += row("Usage", "AWS Marketplace", "15", "15");
    write_file(t / "n.csv", csv);
    const std::string db = t / "s.db";
    {
        auto s = store::Store::open(db);
        s->replace_periods(ingest::run_ingest(ingest::plan_inputs({t / "n.csv"}), {}), "x", false);
    }
    auto type = [](const char* ty) { return std::string("line_item_type = '") + ty + "'"; };
    EXPECT_EQ(sum_of(db, "net_amortized", type("Usage") + " AND billing_entity = 'AWS'"),
              "95000000000");
    EXPECT_EQ(sum_of(db, "amortized", type("DiscountedUsage")), "62000000000");
    EXPECT_EQ(sum_of(db, "net_amortized", type("DiscountedUsage")), "58900000000");
    EXPECT_EQ(sum_of(db, "amortized", type("RIFee")), "8000000000");
    EXPECT_EQ(sum_of(db, "net_amortized", type("RIFee")), "7600000000");
    EXPECT_EQ(sum_of(db, "net_amortized", type("Fee")), "0");
    EXPECT_EQ(sum_of(db, "net_amortized", type("SavingsPlanCoveredUsage")), "68400000000");
    EXPECT_EQ(sum_of(db, "net_amortized", type("SavingsPlanNegation")), "0");
    EXPECT_EQ(sum_of(db, "net_amortized",
                     type("SavingsPlanRecurringFee") + " AND commitment_owner = '444444444444'"),
              "7600000000");
    EXPECT_EQ(sum_of(db, "amortized",
                     type("SavingsPlanRecurringFee") + " AND commitment_owner = '555555555555'"),
              "30000000000");
    EXPECT_EQ(sum_of(db, "net_amortized",
                     type("SavingsPlanRecurringFee") + " AND commitment_owner = '555555555555'"),
              "16666666667");  // 1 + 0.6666666667
    // Commitment owners come from the ARNs; rows without one have none.
    EXPECT_EQ(query_one(db,
                        "SELECT group_concat(o, ' ') FROM (SELECT DISTINCT commitment_owner o "
                        "FROM cost_daily_named ORDER BY o)"),
              " 333333333333 444444444444 555555555555");
    EXPECT_EQ(sum_of(db, "unblended", "billing_entity = 'AWS Marketplace'"), "150000000000");
    // The tag and line-item grains carry every measure, and agree with the cost grain.
    for (const char* m : {"unblended", "blended", "net_unblended", "amortized", "net_amortized",
                          "public_on_demand", "usage_amount"}) {
        const std::string cost =
            query_one(db, std::string("SELECT money_sum(") + m + ") FROM cost_daily_named");
        EXPECT_EQ(query_one(db, std::string("SELECT money_sum(") + m +
                                    ") FROM tag_daily_named WHERE tag_key = 'team'"),
                  cost)
            << m;
        EXPECT_EQ(
            query_one(db, std::string("SELECT money_sum(") + m + ") FROM line_item_daily_named"),
            cost)
            << m;
    }
    // The query API sums the new measure.
    auto s = store::Store::open(db, true);
    store::Query q;
    q.grain = store::Grain::total;
    q.by = store::Dimension::none;
    q.measure = *store::parse_measure("net-amortized");
    auto rows = store::run_query(s->db(), q);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(scaled_integer_string(rows[0].measure(q.measure)),
              query_one(db, "SELECT money_sum(net_amortized) FROM cost_daily"));
}

TEST(Measures, ManifestAccountIsThePayerOfRowsThatNameNone) {
    TempDir t;
    const std::string dir = t / "cur/report/20260901-20261001";
    write_file(dir + "/asm-1/report-1.csv",
               "lineItem/UsageAccountId,lineItem/UsageStartDate,lineItem/UnblendedCost\n"
               "222222222222,2026-09-03T10:00:00Z,4.5\n");
    write_file(dir + "/report-Manifest.json",
               "{\"assemblyId\":\"asm-1\",\"account\":\"999999999999\",\"billingPeriod\":"
               "{\"start\":\"20260901T000000.000Z\"},\"reportKeys\":[\"prefix/report/"
               "20260901-20261001/asm-1/report-1.csv\"]}");
    const std::string db = t / "s.db";
    auto s = store::Store::open(db);
    s->replace_periods(ingest::run_ingest(ingest::plan_inputs({t / "cur"}), {}), "x", false);
    EXPECT_EQ(query_one(db,
                        "SELECT payer || ' ' || period || ' ' || assembly_id FROM "
                        "billing_period"),
              "999999999999 202609 asm-1");
    EXPECT_EQ(query_one(db, "SELECT payer_account FROM line_item_daily_named"), "999999999999");
    EXPECT_EQ(query_one(db, "SELECT account FROM ingest_source"), "999999999999");
}

TEST(Measures, NetAmortizedKeepsTheAmountBound) {
    TempDir t;
    const std::string db = t / "s.db";
    write_file(t / "ok.csv", std::string(kHeader) + row("Usage", "AWS", "1", "1"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, t / "ok.csv"}).exit_code, 0);
    const std::string before = dump_store(db);
    // A commitment of 10^-10 whose net is 10^8: the unused 10^8 scaled by net / total would be
    // 10^26, beyond what a row may add (core/money.hpp). Refused with the row and column.
    const std::string ratio = t / "ratio.csv";
    write_file(
        ratio,
        std::string(kHeader) +
            row("SavingsPlanRecurringFee", "AWS", "100000000", "100000000",
                {{}, {kSp1, "", "", "0.0000000001", "-99999999.9999999999", "", "100000000"}}));
    auto r = run_cli({"ingest", "--db", db, "--no-progress", ratio});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(ratio + ":2: column 'savingsPlan/NetRecurringCommitmentForBillingPeriod'"
                                 ": net Savings Plan commitment out of range"),
              std::string::npos)
        << r.err;
    // Net amortized cost summed past 10^14 over rows whose unblended cost stays small: refused
    // naming the measure and the group.
    std::string many = kHeader;
    for (int i = 0; i < 12; ++i)
        many += row("RIFee", "AWS", "1", "1", {{kRi, "", "", "0", "0", "9000000000000", "0"}, {}});
    const std::string sum = t / "sum.csv";
    write_file(sum, many);
    auto s = run_cli({"ingest", "--db", db, "--no-progress", sum});
    EXPECT_EQ(s.exit_code, 3) << s.err;
    EXPECT_NE(s.err.find(sum + ": the sum of net amortized cost for 2026-09-03, account "
                               "222222222222, service AmazonEC2 exceeds 10^14 in magnitude"),
              std::string::npos)
        << s.err;
    EXPECT_EQ(first_difference(dump_store(db), before), "");
}

}  // namespace CURCRUNCH_UNITY_ID
