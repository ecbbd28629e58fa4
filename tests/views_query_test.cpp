// Views over payers, tags, cost categories and measures (issue 13): the query API grouped by a
// tag key or a cost category with its "untagged" row, month over month, and the report data
// path filtered by payers and summing a chosen measure. Every expected figure below is summed by
// hand from the rows of views_fixture.hpp (the comment on each says which rows).
#include <gtest/gtest.h>

#include <string_view>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/schema.hpp"
#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_json.hpp"
#include "curcrunch/report/report_params.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/query_mom.hpp"
#include "curcrunch/store/query_tags.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"
#include "views_fixture.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace views_fixture;

static_assert(std::string_view(ingest::kCostCategoryPrefix) ==
              std::string_view(store::kCategoryKeyPrefix));

namespace {

Amount dollars(int64_t n) {
    return static_cast<Amount>(n) * kUnit;
}

class Views : public ::testing::Test {
  protected:
    void SetUp() override {
        write_file(dir / "cur.csv", views_fixture_csv());
        store_ = store::Store::open(dir / "s.db");
        store_->replace_periods(ingest::run_ingest(ingest::plan_inputs({dir / "cur.csv"}), {}), "x",
                                false);
    }
    store::Database& db() { return store_->db(); }

    // "bucket|key|amount" lines of a query's rows in the query's measure, dollars.
    std::string lines(const store::Query& q) {
        std::string out;
        for (const store::ResultRow& r : store::run_query(db(), q))
            out += r.bucket + "|" + (r.key.empty() ? "(" + r.label + ")" : r.key) + "|" +
                   format_money(r.measure(q.measure)) + "\n";
        return out;
    }

    TempDir dir;
    std::unique_ptr<store::Store> store_;
};

store::Query by_key(store::Dimension d, const std::string& key, store::Grain g) {
    store::Query q;
    q.by = d;
    q.tag_key = key;
    q.grain = g;
    q.sort = store::SortOrder::key_asc;
    return q;
}

}  // namespace

TEST_F(Views, TagRowsAndUntaggedAddUpToEachMonth) {
    // Aug: web = row 1 (10), data = row 3 (6), untagged = row 2 (4); Sep: web = rows 4, 5, 8
    // (27), untagged = rows 6, 7 (10); Oct: data = rows 9, 10 (11), nothing untagged.
    EXPECT_EQ(lines(by_key(store::Dimension::tag, "team", store::Grain::month)),
              "2026-08|(untagged)|4.00\n2026-09|(untagged)|10.00\n"
              "2026-08|data|6.00\n2026-10|data|11.00\n"
              "2026-08|web|10.00\n2026-09|web|27.00\n");
    // The category key as ingest normalizes "CostCenter": Aug CC1 = rows 1, 2 (14), untagged =
    // row 3 (6); Sep CC1 = row 4 (20), CC2 = row 6 (9), untagged = rows 5, 7, 8 (8); Oct CC1 =
    // row 9 (8), CC2 = row 10 (3).
    const std::string cc = ingest::normalize_cost_category_key("CostCenter");
    ASSERT_EQ(cc, std::string(store::kCategoryKeyPrefix) + "cost_center");
    EXPECT_EQ(lines(by_key(store::Dimension::category, "cost_center", store::Grain::month)),
              "2026-08|(untagged)|6.00\n2026-09|(untagged)|8.00\n"
              "2026-08|CC1|14.00\n2026-09|CC1|20.00\n2026-10|CC1|8.00\n"
              "2026-09|CC2|9.00\n2026-10|CC2|3.00\n");
}

TEST_F(Views, TagRollupsFollowPayerServiceAndMeasure) {
    // Payer B: data = rows 3, 10 (9); untagged = rows 6, 7 (10).
    store::Query q = by_key(store::Dimension::tag, "team", store::Grain::total);
    q.payers = {kPayerB};
    EXPECT_EQ(lines(q), "|(untagged)|10.00\n|data|9.00\n");
    // Net unblended, all payers: web = rows 1, 4, 5, 8 (9+18+2+5), data = rows 3, 9, 10 (5+7+3),
    // untagged = rows 2, 6, 7 (4+8+1).
    q.payers.clear();
    q.measure = store::Measure::net_unblended;
    EXPECT_EQ(lines(q), "|(untagged)|13.00\n|data|15.00\n|web|34.00\n");
    // Usage quantity, S3 only: web = row 5 (50), data = row 10 (30), untagged = row 2 (100).
    q.measure = store::Measure::usage;
    q.services = {"AmazonS3"};
    EXPECT_EQ(lines(q), "|(untagged)|100.00\n|data|30.00\n|web|50.00\n");
    // Blended, account 222222222222 in September: web = rows 4, 5, 8 (21+2+5), nothing else.
    q.measure = store::Measure::blended;
    q.services.clear();
    q.accounts = {"222222222222"};
    q.from = days_from_civil(2026, 9, 1);
    q.to = days_from_civil(2026, 9, 30);
    EXPECT_EQ(lines(q), "|web|28.00\n");
    // Cost order: the threshold and the limit cut the rows like any other dimension.
    store::Query c = by_key(store::Dimension::tag, "team", store::Grain::total);
    c.sort = store::SortOrder::cost_desc;
    c.limit = 2;
    EXPECT_EQ(lines(c), "|web|37.00\n|data|17.00\n");
    c.limit = 0;
    c.min_cost = dollars(15);
    EXPECT_EQ(lines(c), "|web|37.00\n|data|17.00\n");
}

TEST_F(Views, TagQueriesTheRollupCannotAnswerAreUsageErrors) {
    store::Query q = by_key(store::Dimension::tag, "team", store::Grain::month);
    q.regions = {"us-east-1"};
    try {
        store::run_query(db(), q);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::usage);
        EXPECT_STREQ(e.what(),
                     "a region filter cannot be combined with grouping by tag 'team': the tag "
                     "rollup keeps no region");
    }
    q = by_key(store::Dimension::category, "", store::Grain::month);
    try {
        store::run_query(db(), q);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::usage);
        EXPECT_STREQ(e.what(), "grouping by cost category needs a key (category:KEY)");
    }
    // A key the store does not hold: everything is untagged (rows 1-10: 68).
    EXPECT_EQ(lines(by_key(store::Dimension::tag, "owner", store::Grain::total)),
              "|(untagged)|68.00\n");
}

TEST_F(Views, KeysAndValuesForPickers) {
    const std::vector<store::TagKey> keys = store::tag_keys(db());
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].kind, store::Dimension::tag);
    EXPECT_EQ(keys[0].key, "team");
    EXPECT_EQ(keys[1].kind, store::Dimension::category);
    EXPECT_EQ(keys[1].key, "cost_center");
    EXPECT_EQ(store::tag_values(db(), store::Dimension::tag, "team"),
              (std::vector<std::string>{"data", "web"}));
    EXPECT_EQ(store::tag_values(db(), store::Dimension::category, "cost_center"),
              (std::vector<std::string>{"CC1", "CC2"}));
    EXPECT_TRUE(store::tag_values(db(), store::Dimension::tag, "cost_center").empty());
}

TEST(ViewsGrouping, ParsesTagAndCategoryKeys) {
    auto g = store::parse_grouping("tag:Team");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->by, store::Dimension::tag);
    EXPECT_EQ(g->key, "Team");
    g = store::parse_grouping("category:");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->by, store::Dimension::category);
    EXPECT_EQ(g->key, "");
    g = store::parse_grouping("payer");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->by, store::Dimension::payer);
    EXPECT_FALSE(store::parse_grouping("tag"));
    EXPECT_FALSE(store::parse_grouping("tags:x"));
    EXPECT_EQ(store::grouping_name(store::Dimension::category, "cost_center"),
              "category:cost_center");
}

namespace {

// "key: amount/now/previous/change/percent" per month, "-" for a month without data.
std::string mom_line(const store::MomRow& r) {
    std::string s = r.key + ":";
    for (const store::MomCell& c : r.cells)
        s += " " + (c.amount ? format_money(*c.amount) : std::string("-")) + "/" +
             format_money(c.now) + "/" + format_money(c.previous) + "/" + format_money(c.change()) +
             "/" + c.percent;
    return s;
}

}  // namespace

TEST_F(Views, MonthOverMonthLikeForLike) {
    store::MomQuery q;
    q.scope.by = store::Dimension::service;
    q.months = 3;
    q.end = days_from_civil(2026, 10, 15);  // the last day with data
    const store::MonthOverMonth m = store::month_over_month(db(), q);
    ASSERT_EQ(m.months.size(), 3u);
    EXPECT_EQ(m.months[0].month, 202608);
    EXPECT_FALSE(m.months[0].partial);
    EXPECT_FALSE(m.months[1].partial);
    // October ends on the 15th: partial, and compared with September's first 15 days.
    EXPECT_TRUE(m.months[2].partial);
    EXPECT_EQ(m.months[2].compared.previous.from, days_from_civil(2026, 9, 1));
    EXPECT_EQ(m.months[2].compared.previous.to, days_from_civil(2026, 9, 15));
    ASSERT_EQ(m.rows.size(), 2u);
    // EC2: Aug rows 1, 3 (16); Sep rows 4, 6, 7, 8 (35); Oct row 9 (8) against Sep 1-15 rows 4, 8
    // (25). July has no data. October is partial: payer A's data ends on the 4th, payer B's on
    // the 15th, so October 1-15 holds one payer's days 5-15 and not the other's (the union of
    // their days made it look whole, and -68.0% compared one payer with two).
    const std::string oct = "partial: payer 111111111111 lacks 11 of 15 days (2026-10)";
    EXPECT_EQ(mom_line(m.rows[0]),
              "AmazonEC2: 16.00/16.00/0.00/16.00/n/a: no data for 2026-07-01 to 2026-07-31"
              " 35.00/35.00/16.00/19.00/+118.8% 8.00/8.00/25.00/-17.00/" +
                  oct);
    // S3: Aug row 2 (4); Sep row 5 (2); Oct row 10 (3) against nothing in Sep 1-15.
    EXPECT_EQ(mom_line(m.rows[1]),
              "AmazonS3: 4.00/4.00/0.00/4.00/n/a: no data for 2026-07-01 to 2026-07-31"
              " 2.00/2.00/4.00/-2.00/-50.0% 3.00/3.00/0.00/3.00/" +
                  oct);
    EXPECT_EQ(mom_line(m.total),
              "total: 20.00/20.00/0.00/20.00/n/a: no data for 2026-07-01 to 2026-07-31"
              " 37.00/37.00/20.00/17.00/+85.0% 11.00/11.00/25.00/-14.00/" +
                  oct);
    EXPECT_FALSE(m.other);

    // The top row only, the rest summed as Other; by payer in net unblended cost, each row over
    // its payers' own days: payer A Oct 1-4, row 9 (7), against Sep 1-4 (nothing); payer B Oct
    // 1-15, row 10 (3), against nothing.
    q.top = 1;
    q.scope.by = store::Dimension::payer;
    q.scope.measure = store::Measure::net_unblended;
    q.months = 1;
    const store::MonthOverMonth p = store::month_over_month(db(), q);
    ASSERT_EQ(p.rows.size(), 1u);
    EXPECT_EQ(mom_line(p.rows[0]), std::string(kPayerA) + ": 7.00/7.00/0.00/7.00/n/a");
    ASSERT_TRUE(p.other);
    EXPECT_EQ(p.other->label, "Other (1)");
    EXPECT_EQ(mom_line(*p.other), "other: 3.00/3.00/0.00/3.00/n/a");
}

TEST_F(Views, MonthOverMonthByTagAndOnePayer) {
    // Payer A's data ends on October 4th: October is compared with September 1-4 (nothing).
    store::MomQuery q;
    q.scope.by = store::Dimension::tag;
    q.scope.tag_key = "team";
    q.scope.payers = {kPayerA};
    q.months = 2;
    q.end = store::default_as_of(db(), 0, q.scope.payers);
    ASSERT_EQ(q.end, days_from_civil(2026, 10, 4));
    const store::MonthOverMonth m = store::month_over_month(db(), q);
    ASSERT_EQ(m.rows.size(), 3u);
    // data: Oct row 9 (8); web: Sep rows 4, 5, 8 (27); untagged: nothing of A in Sep or Oct.
    EXPECT_EQ(mom_line(m.rows[0]), "data: 0.00/0.00/0.00/0.00/n/a 8.00/8.00/0.00/8.00/n/a");
    EXPECT_EQ(mom_line(m.rows[1]), ": 0.00/0.00/4.00/-4.00/-100.0% 0.00/0.00/0.00/0.00/n/a");
    EXPECT_EQ(m.rows[1].label, "untagged");
    EXPECT_EQ(mom_line(m.rows[2]), "web: 27.00/27.00/10.00/17.00/+170.0% 0.00/0.00/0.00/0.00/n/a");
    EXPECT_TRUE(m.months[1].partial);
    try {
        q.months = 0;
        store::month_over_month(db(), q);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::usage);
    }
}

TEST_F(Views, ReportTotalsFollowPayersAndMeasure) {
    report::ReportParams p;
    p.from = days_from_civil(2026, 8, 1);
    p.to = days_from_civil(2026, 10, 31);
    p.as_of = p.to;
    // Payer B, unblended: Aug row 3 (6), Sep rows 6, 7 (10), Oct row 10 (3).
    p.payers = {kPayerB};
    report::ReportTotals t = report::compute_totals(db(), p);
    EXPECT_EQ(t.total, dollars(19));
    EXPECT_EQ(t.by_month,
              (std::map<std::string, Amount>{
                  {"2026-08", dollars(6)}, {"2026-09", dollars(10)}, {"2026-10", dollars(3)}}));
    EXPECT_EQ(t.by_account, (std::map<std::string, Amount>{{"333333333333", dollars(19)}}));
    // Every payer, net unblended: EC2 rows 1, 3, 4, 6, 7, 8, 9 (9+5+18+8+1+5+7), S3 rows 2, 5, 10
    // (4+2+3).
    p.payers.clear();
    p.measure = store::Measure::net_unblended;
    t = report::compute_totals(db(), p);
    EXPECT_EQ(t.total, dollars(62));
    EXPECT_EQ(t.by_service, (std::map<std::string, Amount>{{"AmazonEC2", dollars(53)},
                                                           {"AmazonS3", dollars(9)}}));
    // The whole report agrees, from the store and from the dashboard's cube, line items too.
    const std::unique_ptr<const report::CostCube> cube = report::CostCube::load(db());
    for (const report::CostCube* c : {static_cast<const report::CostCube*>(nullptr), cube.get()}) {
        const report::ReportData d = report::gather_report(db(), p, c);
        EXPECT_EQ(d.totals.total, dollars(62)) << (c ? "cube" : "sql");
        EXPECT_EQ(d.line_items.total, dollars(62)) << (c ? "cube" : "sql");
        ASSERT_EQ(d.services.size(), 2u);
        EXPECT_EQ(d.services[0].amount, dollars(53));
    }
    // Public on-demand, payer A, October: row 9 (10); the report's data ends with A's.
    p.payers = {kPayerA};
    p.measure = store::Measure::public_on_demand;
    for (const report::CostCube* c : {static_cast<const report::CostCube*>(nullptr), cube.get()}) {
        const report::ReportData d = report::gather_report(db(), p, c);
        EXPECT_EQ(d.totals.by_month.at("2026-10"), dollars(10));
        EXPECT_EQ(d.totals.total, dollars(12 + 4 + 25 + 2 + 5 + 10));
        EXPECT_EQ(d.line_items.total, d.totals.total);
        EXPECT_EQ(d.data_through, days_from_civil(2026, 10, 4));
    }
}

TEST_F(Views, ReportJsonRecordsPayersAndMeasureAndOlderReportsReadAsBefore) {
    report::ReportParams p;
    p.from = days_from_civil(2026, 8, 1);
    p.to = days_from_civil(2026, 10, 31);
    p.as_of = p.to;
    p.payers = {kPayerB};
    p.measure = store::Measure::net_unblended;
    report::ReportData d = report::gather_report(db(), p);
    d.report_id = "12345678-1234-4123-8123-123456789abc";
    d.generated_at = "2026-12-02T00:00:00Z";
    const std::string json = report::report_json(d, {}, std::string(64, '0'));
    report::ReportMeta m = report::parse_report_json(json);
    EXPECT_EQ(m.params.payers, std::vector<std::string>{kPayerB});
    EXPECT_EQ(m.params.measure, store::Measure::net_unblended);
    EXPECT_EQ(m.totals.total, dollars(17));  // B's net: rows 3, 6, 7, 10 (5 + 8 + 1 + 3)
    // A report written before payers and measures were chosen has neither field: unblended cost
    // of every payer.
    std::string old = json;
    for (const std::string cut : {",\"measure\":\"net\"", ",\"payers\":[\"999999999999\"]"}) {
        const size_t at = old.find(cut);
        ASSERT_NE(at, std::string::npos) << cut;
        old.erase(at, cut.size());
    }
    m = report::parse_report_json(old);
    EXPECT_TRUE(m.params.payers.empty());
    EXPECT_EQ(m.params.measure, store::Measure::unblended);
    // A measure this curcrunch does not know is refused, not read as another.
    std::string bad = json;
    bad.replace(bad.find("\"measure\":\"net\""), 15, "\"measure\":\"gross\"");
    try {
        report::parse_report_json(bad);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::input);
        EXPECT_STREQ(e.what(), "report metadata: measure: 'gross' is not a measure");
    }
}

}  // namespace CURCRUNCH_UNITY_ID
