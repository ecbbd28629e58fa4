// Coverage: per (payer, billing period) the data-through day of the latest delivery and whether
// AWS has finalized the bill (invoice ids in the rows, or an invoice from fetch).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/billing_records.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

const char* kHeader =
    "bill/InvoiceId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,"
    "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n";

// Daily rows of `payer` from day `first` to day `last` of `month` ("2026-11"), each costing 2.
std::string month_csv(const std::string& payer, const std::string& month, int first, int last,
                      const std::string& invoice, bool invoice_column = true) {
    std::string s = invoice_column ? kHeader : std::string(kHeader).substr(15);
    for (int d = first; d <= last; ++d) {
        char day[16];
        std::snprintf(day, sizeof day, "%s-%02d", month.c_str(), d);
        s += (invoice_column ? invoice + "," : std::string()) + payer + "," + month +
             "-01T00:00:00Z,333333333333,Usage," + day + "T10:00:00Z,AmazonEC2,2\n";
    }
    return s;
}

void ingest_csv(const std::string& db, const std::string& path, const std::string& csv) {
    write_file(path, csv);
    auto s = store::Store::open(db);
    s->replace_periods(ingest::run_ingest(ingest::plan_inputs({path}), {}), "x", false);
}

Day day(int y, unsigned m, unsigned d) {
    return days_from_civil(y, m, d);
}

}  // namespace

TEST(Coverage, MidMonthDeliveryIsAccruingThroughItsLastDay) {
    TempDir t;
    const std::string db = t / "s.db";
    ingest_csv(db, t / "oct.csv", month_csv("111111111111", "2026-10", 1, 31, "2026101234"));
    ingest_csv(db, t / "nov.csv", month_csv("111111111111", "2026-11", 1, 17, ""));
    auto s = store::Store::open(db, true);
    auto units = s->periods();
    ASSERT_EQ(units.size(), 2u);
    EXPECT_EQ(units[0].period, 202610);
    EXPECT_EQ(units[0].status, store::PeriodStatus::final);
    EXPECT_EQ(units[0].invoice_ids, "2026101234");
    EXPECT_EQ(units[0].status_basis, "invoice id in rows");
    EXPECT_TRUE(units[0].whole_month());
    EXPECT_EQ(units[1].period, 202611);
    EXPECT_EQ(format_day(units[1].data_through), "2026-11-17");
    EXPECT_EQ(units[1].status, store::PeriodStatus::accruing);
    EXPECT_FALSE(units[1].whole_month());
    EXPECT_EQ(units[1].rows, 17);
    EXPECT_EQ(to_plain_string(units[1].unblended), "34");

    // The store's data-through day is where views end their default window, not today.
    auto through = store::data_through(s->db());
    ASSERT_TRUE(through.latest);
    EXPECT_EQ(format_day(*through.latest), "2026-11-17");
    // Days with data: none before October, November only through the 17th.
    auto days = store::days_with_data(s->db(), day(2026, 9, 25), day(2026, 11, 30));
    ASSERT_EQ(days.size(), 31u + 17u);
    EXPECT_EQ(format_day(days.front()), "2026-10-01");
    EXPECT_EQ(format_day(days.back()), "2026-11-17");

    // The same through `periods`.
    auto r = run_cli({"periods", "--db", db, "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("111111111111,2026-11,17,34,2026-11-17,accruing,no invoice id yet,,"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("111111111111,2026-10,31,62,2026-10-31,final,invoice id in rows,"
                         "2026101234,"),
              std::string::npos)
        << r.out;

    // A later delivery of November through the 30th, now with its invoice id: final.
    ingest_csv(db, t / "nov2.csv", month_csv("111111111111", "2026-11", 1, 30, "2026111111"));
    auto after = store::unit_coverage(s->db());
    EXPECT_EQ(format_day(after[1].data_through), "2026-11-30");
    EXPECT_EQ(after[1].status, store::PeriodStatus::final);
}

TEST(Coverage, AnInvoiceFromFetchMakesThePeriodFinal) {
    TempDir t;
    const std::string db = t / "s.db";
    ingest_csv(db, t / "nov.csv", month_csv("111111111111", "2026-11", 1, 30, ""));
    auto s = store::Store::open(db);
    ASSERT_EQ(s->periods()[0].status, store::PeriodStatus::accruing);
    aws::InvoiceSummary inv;
    inv.account_id = "111111111111";
    inv.period = 202611;
    inv.invoice_type = "INVOICE";
    inv.billing_entity = "AWS_MARKETPLACE";  // a Marketplace invoice says nothing of the month
    inv.invoice_id = "M-1";
    store::put_invoices(s->db(), "prod", {inv}, "");
    EXPECT_EQ(s->periods()[0].status, store::PeriodStatus::accruing);
    inv.billing_entity = "AWS";
    inv.invoice_id = "E-2026-11";
    store::put_invoices(s->db(), "prod", {inv}, "");
    auto u = s->periods()[0];
    EXPECT_EQ(u.status, store::PeriodStatus::final);
    EXPECT_EQ(u.status_basis, "invoice E-2026-11 (fetch)");
}

TEST(Coverage, WithoutAnInvoiceColumnTheStatusIsUnknown) {
    TempDir t;
    const std::string db = t / "s.db";
    ingest_csv(db, t / "f.csv", month_csv("111111111111", "2026-11", 1, 10, "", false));
    auto s = store::Store::open(db, true);
    auto u = s->periods().at(0);
    EXPECT_EQ(u.status, store::PeriodStatus::unknown);
    EXPECT_EQ(u.status_basis, "no invoice id column");
    EXPECT_EQ(format_day(u.data_through), "2026-11-10");
}

TEST(Coverage, PayersWithDifferentDataThroughDays) {
    TempDir t;
    const std::string db = t / "s.db";
    ingest_csv(db, t / "a.csv", month_csv("111111111111", "2026-11", 1, 12, ""));
    ingest_csv(db, t / "b.csv", month_csv("222222222222", "2026-11", 1, 20, ""));
    ingest_csv(db, t / "b10.csv", month_csv("222222222222", "2026-10", 5, 31, "77"));
    auto s = store::Store::open(db, true);
    auto all = store::data_through(s->db());
    EXPECT_EQ(format_day(*all.latest), "2026-11-20");
    EXPECT_EQ(format_day(*all.every_payer), "2026-11-12");
    auto a = store::data_through(s->db(), {"111111111111"});
    EXPECT_EQ(format_day(*a.latest), "2026-11-12");
    EXPECT_FALSE(store::data_through(s->db(), {"999999999999"}).latest);
    // Payer A has no October: its October days have no data; B's October counts from the 1st
    // (the period was delivered, its first days had no charges).
    EXPECT_EQ(store::days_with_data(s->db(), day(2026, 10, 1), day(2026, 11, 30), {"111111111111"})
                  .size(),
              12u);
    EXPECT_EQ(store::days_with_data(s->db(), day(2026, 10, 1), day(2026, 11, 30)).size(),
              31u + 20u);
    auto b = store::unit_coverage(s->db(), {"222222222222"});
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(format_day(b[0].first_day), "2026-10-05");
    EXPECT_EQ(format_day(b[0].covers_from()), "2026-10-01");
}

TEST(Coverage, GeneratedMonthsAreFinalOnceAwsWouldHaveClosedThem) {
    TempDir t;
    gen::GenOptions o;
    o.out = t / "g.csv";
    o.start = 202609;
    o.months = 3;
    o.payers = 2;
    o.accounts_per_payer = 4;  // account index 3 and 7 buy from AWS Marketplace
    o.resources_per_account = 3;
    o.hourly = false;
    o.today = days_from_civil(2026, 11, 2);  // October not yet final on November 2nd
    gen::generate(o);
    const std::string db = t / "s.db";
    {
        auto s = store::Store::open(db);
        s->replace_periods(ingest::run_ingest(ingest::plan_inputs({o.out}), {}), "x", false);
    }
    auto s = store::Store::open(db, true);
    std::map<Period, int> final_units, accruing_units;
    for (const auto& u : s->periods()) {
        if (u.status == store::PeriodStatus::final) {
            ++final_units[u.period];
            // One AWS and one Marketplace invoice per payer.
            EXPECT_EQ(std::count(u.invoice_ids.begin(), u.invoice_ids.end(), ','), 1)
                << u.invoice_ids;
        }
        if (u.status == store::PeriodStatus::accruing) ++accruing_units[u.period];
    }
    EXPECT_EQ(final_units[202609], 2);
    EXPECT_EQ(final_units[202610], 0);
    EXPECT_EQ(accruing_units[202610], 2);
    EXPECT_EQ(accruing_units[202611], 2);
    EXPECT_EQ(query_one(db,
                        "SELECT count(DISTINCT usage_account) FROM cost_daily_named WHERE "
                        "billing_entity = 'AWS Marketplace'"),
              "2");
}

}  // namespace CURCRUNCH_UNITY_ID
