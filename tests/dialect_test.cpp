// The same generated data written as legacy CUR, CUR 2.0 and FOCUS must give identical rollups:
// the dialect is a spelling, not a different bill.
#include <gtest/gtest.h>

#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string ingest_dump(const std::string& path, const std::string& db) {
    auto r = ingest::run_ingest(ingest::plan_inputs({path}), {});
    auto s = store::Store::open(db);
    s->replace_periods(r, "x", false);
    return dump_rollups(db);
}

// FOCUS has no billing entity column (AWS's FOCUS tables drop bill/BillingEntity): the dump of
// a legacy or CUR 2.0 store with cost_daily's billing_entity (13th field) blanked.
std::string without_billing_entity(const std::string& dump) {
    std::istringstream in(dump);
    std::string out, line;
    bool cost = false;
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) cost = line.rfind("## cost_daily_named", 0) == 0;
        if (cost && line.rfind("## ", 0) != 0) {
            size_t at = 0;
            for (int f = 0; f < 12; ++f)
                at = line.find('|', at) + 1;
            line.erase(at, line.find('|', at) - at);
        }
        out += line + "\n";
    }
    return out;
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
    return o;
}

}  // namespace

TEST(Dialects, LegacyCur2AndFocusGiveIdenticalRollups) {
    TempDir t;
    gen::generate(small(gen::OutDialect::legacy, t / "legacy.csv.gz"));
    gen::generate(small(gen::OutDialect::cur2, t / "cur2.csv.gz"));
    gen::generate(small(gen::OutDialect::focus, t / "focus.csv.gz"));
    const std::string a = ingest_dump(t / "legacy.csv.gz", t / "a.db");
    const std::string b = ingest_dump(t / "cur2.csv.gz", t / "b.db");
    const std::string c = ingest_dump(t / "focus.csv.gz", t / "c.db");
    ASSERT_GT(a.size(), 10000u);
    EXPECT_EQ(first_difference(a, b), "");
    EXPECT_EQ(first_difference(without_billing_entity(a), c), "");
    EXPECT_NE(a.find("|AWS Marketplace|"), std::string::npos);
    // The generator covers every line item type the issue names.
    for (const char* type : {"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "RIFee",
                             "SavingsPlanRecurringFee", "Tax", "Credit", "Refund"})
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
    // Amortized differs from unblended where commitments apply.
    EXPECT_NE(query_one(t / "a.db", "SELECT money_sum(amortized) FROM cost_daily_named"),
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
