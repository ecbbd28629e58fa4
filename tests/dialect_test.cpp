// The same generated data written as legacy CUR and CUR 2.0 must give identical rollups, and as
// FOCUS the same amounts (FOCUS folds Savings Plan negations into the covered usage, as AWS's
// FOCUS export does): the dialect is a spelling, not a different bill. And the generated bill
// is a real one: covered usage is negated, commitments are billed as fees.
#include <gtest/gtest.h>

#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string ingest_dump(const std::string& path, const std::string& db) {
    auto r = ingest::run_ingest(ingest::plan_inputs({path}), {});
    auto s = store::Store::open(db);
    s->replace_periods(r, "x", false);
    return dump_rollups(db);
}

// The rows of a query, sorted, one per line (money_sum needs curcrunch's connection).
std::string dump_query(const std::string& db, const std::string& sql) {
    store::Database d(db, store::Database::Mode::read_only);
    auto st = d.prepare(sql);
    std::vector<std::string> rows;
    while (st.step()) {
        std::string r;
        for (int i = 0; i < st.column_count(); ++i)
            r += (st.column_is_null(i) ? std::string("NULL") : st.column_text(i)) + "|";
        rows.push_back(r);
    }
    std::sort(rows.begin(), rows.end());
    std::string out;
    for (const auto& r : rows)
        out += r + "\n";
    return out;
}

// The rollups with each Savings Plan negation folded into its covered usage: AWS's FOCUS export
// has no negation rows (a covered line is billed at 0 there), so FOCUS agrees with the CUR on
// every amount, not on how many rows carried it.
std::string folded(const std::string& db) {
    return dump_query(
               db,
               "SELECT period, day, payer_account, usage_account, product_code, product_name, "
               "usage_type, operation, region, CASE line_item_type WHEN 'SavingsPlanNegation' "
               "THEN 'SavingsPlanCoveredUsage' ELSE line_item_type END AS t, pricing_term, "
               "currency, money_sum(unblended), money_sum(blended), money_sum(net_unblended), "
               "money_sum(amortized), money_sum(public_on_demand), money_sum(usage_amount), "
               "money_sum(tagged_unblended) FROM cost_daily_named GROUP BY 1, 2, 3, 4, 5, 6, 7, "
               "8, 9, 10, 11, 12") +
           dump_query(db,
                      "SELECT period, day, usage_account, product_code, usage_type, unit, "
                      "currency, money_sum(unblended), money_sum(amortized), "
                      "money_sum(usage_amount) FROM line_item_daily_named GROUP BY 1, 2, 3, 4, "
                      "5, 6, 7") +
           dump_query(db,
                      "SELECT period, day, usage_account, product_code, tag_key, tag_value, "
                      "currency, money_sum(unblended), money_sum(amortized) FROM tag_daily_named "
                      "GROUP BY 1, 2, 3, 4, 5, 6, 7");
}

gen::GenOptions small(gen::OutDialect d, const std::string& out) {
    gen::GenOptions o;
    o.dialect = d;
    o.out = out;
    o.start = 202402;
    o.months = 2;
    o.seed = 42;
    o.payers = 2;
    o.accounts_per_payer = 2;
    o.resources_per_account = 40;  // every service appears, with RI and SP coverage
    o.gzip = true;
    o.gzip_level = 1;  // gzip's fastest: what is compressed is not under test
    return o;
}

}  // namespace

TEST(Dialects, LegacyCur2AndFocusGiveTheSameAmounts) {
    TempDir t;
    gen::generate(small(gen::OutDialect::legacy, t / "legacy.csv.gz"));
    gen::generate(small(gen::OutDialect::cur2, t / "cur2.csv.gz"));
    gen::generate(small(gen::OutDialect::focus, t / "focus.csv.gz"));
    const std::string a = ingest_dump(t / "legacy.csv.gz", t / "a.db");
    const std::string b = ingest_dump(t / "cur2.csv.gz", t / "b.db");
    const std::string c = ingest_dump(t / "focus.csv.gz", t / "c.db");
    ASSERT_GT(a.size(), 10000u);
    EXPECT_EQ(first_difference(a, b), "");
    EXPECT_NE(a, c);  // FOCUS has no negation rows...
    EXPECT_EQ(first_difference(folded(t / "a.db"), folded(t / "c.db")), "");  // ...same amounts
    EXPECT_NE(a.find("|AWS Marketplace|"), std::string::npos);
    // The generator covers every line item type the issue names.
    for (const char* type :
         {"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation", "RIFee",
          "SavingsPlanRecurringFee", "Tax", "Credit", "Refund", "Fee"})
        EXPECT_NE(
            query_one(t / "a.db",
                      std::string("SELECT count(*) FROM cost_daily_named WHERE line_item_type='") +
                          type + "'"),
            "0")
            << type;
    EXPECT_GE(std::stoi(query_one(t / "a.db",
                                  "SELECT count(DISTINCT product_code) FROM cost_daily_named")),
              30);
    // Tags and the cost category reach the tag rollup under their normalized keys.
    for (const char* key :
         {"team", "cost_center", "environment", "aws_created_by", "cost_category/business_unit"})
        EXPECT_NE(query_one(t / "a.db",
                            std::string("SELECT count(*) FROM tag_daily_named WHERE tag_key='") +
                                key + "'"),
                  "0")
            << key;
    // Amortized differs from unblended where commitments apply, and (no upfront fees) agrees
    // with it in total: a commitment's fee is its covered usage plus what went unused.
    const std::string covered =
        "FROM cost_daily_named WHERE line_item_type IN "
        "('SavingsPlanCoveredUsage', 'DiscountedUsage')";
    EXPECT_NE(query_one(t / "a.db", "SELECT money_sum(amortized) " + covered),
              query_one(t / "a.db", "SELECT money_sum(unblended) " + covered));
    EXPECT_EQ(query_one(t / "a.db", "SELECT money_sum(amortized) FROM cost_daily_named"),
              query_one(t / "a.db", "SELECT money_sum(unblended) FROM cost_daily_named"));
}

TEST(Dialects, GeneratorIsDeterministic) {
    TempDir t;
    auto daily = [&](const std::string& out) {
        auto o = small(gen::OutDialect::legacy, out);
        o.hourly = false;
        return o;
    };
    gen::generate(daily(t / "x.csv"));
    gen::generate(daily(t / "y.csv"));
    EXPECT_EQ(read_file(t / "x.csv"), read_file(t / "y.csv"));
    auto o = daily(t / "z.csv");
    o.seed = 43;
    gen::generate(o);
    EXPECT_NE(read_file(t / "x.csv"), read_file(t / "z.csv"));
}

// Synthetic totals are real: a Savings Plan's covered usage and its negations cancel, so the
// bill is on-demand usage plus the RI and Savings Plan fees, support, tax, credits and refunds;
// and the plan's fees are exactly its covered usage at Savings Plan rates plus what went unused.
TEST(Dialects, GeneratedTotalsCountCoveredUsageOnce) {
    TempDir t;
    auto o = small(gen::OutDialect::legacy, t / "org.csv.gz");
    o.hourly = false;
    o.months = 3;
    gen::generate(o);
    auto r = run_cli({"ingest", "--quiet", "--db", t / "org.db", t / "org.csv.gz"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto sum = [&](const std::string& where, const char* col = "unblended") {
        return query_one(t / "org.db", std::string("SELECT money_sum(") + col +
                                           ") FROM cost_daily_named WHERE " + where);
    };
    const std::string covered = sum("line_item_type = 'SavingsPlanCoveredUsage'");
    ASSERT_NE(covered, "0");
    EXPECT_EQ(sum("line_item_type IN ('SavingsPlanCoveredUsage', 'SavingsPlanNegation')"), "0");
    EXPECT_EQ(sum("line_item_type = 'DiscountedUsage'"), "0");
    EXPECT_EQ(sum("1"), sum("line_item_type IN ('Usage', 'RIFee', 'SavingsPlanRecurringFee', "
                            "'Fee', 'Tax', 'Credit', 'Refund')"));
    // Amortized: the plan's fees are its covered usage at its own rates plus the unused part.
    EXPECT_EQ(sum("line_item_type = 'SavingsPlanRecurringFee'"),
              query_one(t / "org.db",
                        "SELECT money_sum(amortized) FROM cost_daily_named WHERE line_item_type "
                        "IN ('SavingsPlanCoveredUsage', 'SavingsPlanRecurringFee', "
                        "'SavingsPlanNegation')"));
    // The plan bills daily under its own product, support monthly on the first.
    EXPECT_EQ(query_one(t / "org.db",
                        "SELECT count(DISTINCT day) FROM cost_daily_named WHERE product_code = "
                        "'ComputeSavingsPlans'"),
              "90");  // 2024-02 .. 2024-04
    EXPECT_EQ(query_one(t / "org.db",
                        "SELECT group_concat(DISTINCT day) FROM cost_daily_named WHERE "
                        "product_code = 'AWSSupportBusiness'"),
              "20240201,20240301,20240401");
}

}  // namespace CURCRUNCH_UNITY_ID
