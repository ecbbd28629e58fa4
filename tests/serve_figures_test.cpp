// Dashboard figures that must not mislead (found by the audit of the dashboard), over real HTTP
// to a served store: line items under a region filter are refused (JSON) or replaced by a note
// (page) instead of showing every region's; /api/line-items sorts as its page does and refuses
// a column it does not have; a side without data is null, never "0" or a change from zero; a
// month the view cuts is partial with its days in the view.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>

#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

// March and April 2026: EC2 in us-east-1 at 10.00 a day (quantity 1), S3 in eu-west-1 at 2.00
// a day (quantity 4, so its rate 0.50 sorts below EC2's 10.00).
std::string two_regions() {
    std::string s = kLegacyHeader;
    auto row = [](const std::string& id, const std::string& day, const std::string& product,
                  const std::string& qty, const std::string& cost, const std::string& region) {
        return id + ",000011112222," + day.substr(0, 7) + "-01T00:00:00Z,111111111111,Usage," +
               day + "T05:00:00Z," + product + ",Usage:" + product + ",Run," + qty + "," + cost +
               "," + cost + ",Usage of " + product + "," + product + "," + region +
               ",OnDemand,Hrs,\n";
    };
    for (int m = 3; m <= 4; ++m)
        for (int d = 1; d <= (m == 3 ? 31 : 30); ++d) {
            char day[32];
            std::snprintf(day, sizeof day, "2026-%02d-%02d", m, d);
            s += row("e" + std::string(day), day, "AmazonEC2", "1.0", "10.00", "us-east-1");
            s += row("s" + std::string(day), day, "AmazonS3", "4.0", "2.00", "eu-west-1");
        }
    return s;
}

const std::string kBoth = "from=2026-03-01&to=2026-04-30&as_of=2026-04-30";

simdjson::dom::element parsed(simdjson::dom::parser& p, const std::string& body) {
    simdjson::dom::element j;
    EXPECT_FALSE(p.parse(body).get(j)) << body;
    return j;
}

}  // namespace

TEST(ServeFigures, LineItemsUnderARegionFilterAreNotShownAsIfFiltered) {
    Served s(Served::Files{{"cur.csv", two_regions()}});
    auto overview = s.get("/api/overview?" + kBoth + "&region=us-east-1");
    EXPECT_NE(overview.body.find("\"total\":\"610\""), std::string::npos) << overview.body;
    auto api = s.get("/api/line-items?" + kBoth + "&region=us-east-1");
    EXPECT_EQ(api.status, 400) << api.body;
    EXPECT_EQ(api.body,
              "{\"error\":\"a region filter cannot narrow line items: the line-item rollup keeps "
              "no region\"}");
    auto page = s.get("/line-items?" + kBoth + "&region=us-east-1");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<p class=\"note\">n/a: line items have no region (the line-item "
                             "rollup keeps none)</p>"),
              std::string::npos)
        << page.body;
    EXPECT_EQ(page.body.find("$732.00"), std::string::npos);  // every region's total
    EXPECT_EQ(page.body.find("Usage of AmazonS3"), std::string::npos);
    // The PDF of the view: the same note, and no line-item table in it or its JSON.
    auto pdf = s.get("/report.pdf?" + kBoth + "&region=us-east-1");
    ASSERT_EQ(pdf.status, 200);
    write_file(s.tmp / "r.pdf", pdf.body);
    const std::string text = sh("pdftotext -layout " + s.tmp / "r.pdf" + " -").out;
    EXPECT_NE(text.find("n/a: line items have no region (the line-item rollup keeps none)"),
              std::string::npos)
        << text;
    const std::string json =
        sh("qpdf --show-attachment=curcrunch-report.json " + s.tmp / "r.pdf").out;
    EXPECT_EQ(json.find("\"kind\":\"line_items\""), std::string::npos);
    // Without a region the line items are there, every one.
    auto all = s.get("/api/line-items?" + kBoth);
    EXPECT_EQ(all.status, 200);
    EXPECT_NE(all.body.find("\"total\":\"732\""), std::string::npos) << all.body;
}

TEST(ServeFigures, ApiLineItemsSortsAsItsPageAndRefusesAColumnItHasNot) {
    Served s(Served::Files{{"cur.csv", two_regions()}});
    simdjson::dom::parser p;
    auto first_service = [&](const std::string& q) {
        auto r = s.get("/api/line-items?" + kBoth + q);
        EXPECT_EQ(r.status, 200) << q << r.body;
        simdjson::dom::element j = parsed(p, r.body);
        std::string_view v;
        EXPECT_FALSE(j["line_items"].at(0)["service"].get(v)) << r.body;
        return std::string(v);
    };
    EXPECT_EQ(first_service(""), "AmazonEC2");                   // cost, largest first
    EXPECT_EQ(first_service("&sort=cost&dir=asc"), "AmazonS3");  // 122.00 before 610.00
    EXPECT_EQ(first_service("&sort=rate&dir=asc"), "AmazonS3");  // 0.50 before 10.00
    EXPECT_EQ(first_service("&sort=quantity"), "AmazonS3");      // 244 before 61
    EXPECT_EQ(first_service("&sort=service&dir=desc"), "AmazonS3");
    EXPECT_EQ(first_service("&sort=service&dir=asc"), "AmazonEC2");
    auto bad = s.get("/api/line-items?" + kBoth + "&sort=zzz");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.body,
              "{\"error\":\"sort: this view has no column 'zzz' (its columns: service, "
              "usage_type, description, quantity, unit, rate, cost)\"}");
    EXPECT_EQ(s.get("/line-items?" + kBoth + "&sort=zzz").status, 400);
    // The page lists them in the same order.
    auto page = s.get("/line-items?" + kBoth + "&sort=rate&dir=asc");
    EXPECT_LT(page.body.find("Usage of AmazonS3"), page.body.find("Usage of AmazonEC2"));
}

TEST(ServeFigures, ASideWithoutDataIsNullNeverZero) {
    Served s(Served::Files{{"cur.csv", two_regions()}});
    simdjson::dom::parser p;
    // March and April against January and February, which have no data.
    auto cmp = s.get("/api/compare?" + kBoth);
    ASSERT_EQ(cmp.status, 200);
    simdjson::dom::element j = parsed(p, cmp.body);
    for (auto svc : j["services"].get_array()) {
        EXPECT_TRUE(svc["previous"].is_null()) << cmp.body;
        EXPECT_TRUE(svc["change"].is_null()) << cmp.body;
    }
    EXPECT_TRUE(j["previous"]["total"].is_null()) << cmp.body;
    auto page = s.get("/compare?" + kBoth);
    EXPECT_NE(page.body.find("<p class=\"note\">Change by service vs the previous period (largest "
                             "first): n/a: no data for the previous period (2026-01-01 to "
                             "2026-02-28).</p>"),
              std::string::npos)
        << page.body;
    // A window without data: no total, as its coverage says.
    auto none = s.get("/api/overview?from=2024-01-01&to=2024-01-31&as_of=2026-04-30");
    ASSERT_EQ(none.status, 200);
    simdjson::dom::element o = parsed(p, none.body);
    EXPECT_TRUE(o["total"].is_null()) << none.body;
    EXPECT_TRUE(o["coverage"]["total"].is_null()) << none.body;
}

TEST(ServeFigures, AMonthTheViewCutsIsPartialWithItsDaysInTheView) {
    Served s(Served::Files{{"cur.csv", two_regions()}});
    auto r = s.get("/api/trends?from=2026-03-10&to=2026-04-20&as_of=2026-04-30");
    ASSERT_EQ(r.status, 200);
    // April to the 20th: 20 x 12.00, 20 days in the view, partial.
    EXPECT_NE(r.body.find("{\"month\":\"2026-04\",\"cost\":\"240\",\"days\":20,"
                          "\"days_with_data\":20,\"first_day\":\"2026-04-01\","
                          "\"last_day\":\"2026-04-20\",\"partial\":true}"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("{\"month\":\"2026-03\",\"cost\":\"372\",\"days\":31,"
                          "\"days_with_data\":31,\"first_day\":\"2026-03-01\","
                          "\"last_day\":\"2026-03-31\",\"partial\":false}"),
              std::string::npos)
        << r.body;
    auto page = s.get("/trends?from=2026-03-10&to=2026-04-20&as_of=2026-04-30");
    EXPECT_NE(page.body.find("<title>2026-04: $240.00 (days 1-20 only)</title>"), std::string::npos)
        << page.body;
}

}  // namespace CURCRUNCH_UNITY_ID
