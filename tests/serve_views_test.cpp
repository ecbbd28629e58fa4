// The dashboard's views of many payers, tags, cost categories and measures, over real HTTP on
// 127.0.0.1: the pickers, the payer filter, the measure toggle, the Categories and month-over-
// month pages and their JSON twins, each amount checked against goldens summed here from the
// fixture's rows; every bad value of a new filter is a 400 naming it; and chromium at desktop
// and phone width (390 px), with screenshots.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <functional>
#include <regex>

#include "served_dashboard.hpp"

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

// Two payers, three accounts, every measure different from the others on EC2, a team tag and a
// CostCenter cost category on two of the accounts. September has 30 days of data; October 20
// of its 31 (a partial month).
const char* kHeader =
    "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,"
    "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,"
    "lineItem/Operation,lineItem/UsageAmount,lineItem/UnblendedCost,lineItem/BlendedCost,"
    "lineItem/NetUnblendedCost,pricing/publicOnDemandCost,lineItem/LineItemDescription,"
    "product/ProductName,product/region,pricing/term,pricing/unit,resourceTags/user:team,"
    "costCategory/CostCenter\n";

const char* kPayerA = "100000000001";
const char* kPayerB = "200000000002";
const char* kWeb = "100000000011";   // payer A, EC2, team web, CostCenter CC-1
const char* kData = "200000000022";  // payer B, S3, team data, CostCenter CC-2
const char* kBare = "200000000023";  // payer B, KMS, no tag, no category

// One line item: amounts as cents (unblended, blended, net unblended, public on-demand) and
// the usage quantity.
struct Item {
    const char *payer, *account, *code, *name, *region, *unit, *team, *cc;
    int64_t usage, unblended, blended, net, public_od;
};

// The day's items of a month: EC2 costs 10.00 a day in September and 12.00 in October.
std::vector<Item> items_of(int month) {
    const int64_t ec2 = month == 9 ? 1000 : 1200;
    return {
        {kPayerA, kWeb, "AmazonEC2", "Amazon Elastic Compute Cloud", "us-east-1", "Hrs", "web",
         "CC-1", 2, ec2, ec2 - 100, ec2 - 200, ec2 + 200},
        {kPayerB, kData, "AmazonS3", "Amazon Simple Storage Service", "eu-west-1", "GB-Mo", "data",
         "CC-2", 100, 250, 250, 225, 250},
        {kPayerB, kBare, "AmazonKMS", "AWS Key Management Service", "us-east-1", "Requests", "", "",
         1, 10, 10, 10, 10},
    };
}

int days_of(int month) {
    return month == 9 ? 30 : 20;
}

std::string cents(int64_t c) {
    char b[32];
    std::snprintf(b, sizeof b, "%s%lld.%02lld", c < 0 ? "-" : "", std::llabs(c) / 100LL,
                  std::llabs(c) % 100LL);
    return b;
}

// An amount of cents as the JSON API writes amounts ("12.5", "670").
std::string plain(int64_t c) {
    return to_plain_string(static_cast<Amount>(c) * (kUnit / 100));
}

std::string month_csv(int month) {
    std::string s = kHeader;
    int n = 0;
    for (int d = 1; d <= days_of(month); ++d) {
        char day[16];
        std::snprintf(day, sizeof day, "2026-%02d-%02d", month, d);
        for (const Item& it : items_of(month))
            s += "i" + std::to_string(month) + "-" + std::to_string(++n) + "," + it.payer +
                 ",2026-" + (month == 9 ? "09" : "10") + "-01T00:00:00Z," + it.account + ",Usage," +
                 day + "T05:00:00Z," + it.code + ",Usage:" + it.code + ",Run," +
                 std::to_string(it.usage) + "," + cents(it.unblended) + "," + cents(it.blended) +
                 "," + cents(it.net) + "," + cents(it.public_od) + ",Usage of " + it.name + "," +
                 it.name + "," + it.region + ",OnDemand," + it.unit + "," + it.team + "," + it.cc +
                 "\n";
    }
    return s;
}

// Goldens: the sum over the fixture's rows of `pick(item)` for the items `keep` accepts, in
// cents, over the months given.
int64_t golden(const std::vector<int>& months, const std::function<bool(const Item&)>& keep,
               const std::function<int64_t(const Item&)>& pick) {
    int64_t sum = 0;
    for (int m : months)
        for (const Item& it : items_of(m))
            if (keep(it)) sum += pick(it) * days_of(m);
    return sum;
}

const std::string kBoth = "from=2026-09-01&to=2026-10-31&as_of=2026-10-31";

struct ViewsWorld : Served {
    ViewsWorld() : Served(Files{{"sep.csv", month_csv(9)}, {"oct.csv", month_csv(10)}}) {}
};

// The first match of `re` in `s`, group 1; "" when none.
std::string first_match(const std::string& s, const std::string& re) {
    std::smatch m;
    return std::regex_search(s, m, std::regex(re)) ? m[1].str() : "";
}

}  // namespace

TEST(ServeViews, PickersOfferEveryAccountServiceAndRegionOfTheStore) {
    ViewsWorld w;
    auto r = w.get("/services?" + kBoth);
    ASSERT_EQ(r.status, 200);
    for (const std::string& s :
         {std::string("<input name=\"account\" value=\"\" placeholder=\"all\" size=\"14\" "
                      "autocomplete=\"off\" list=\"pick-account\">"),
          std::string("<datalist id=\"pick-account\"><option value=\"") + kWeb +
              "\"></option><option value=\"" + kData + "\"></option><option value=\"" + kBare +
              "\"></option></datalist>",
          std::string("<option value=\"AmazonEC2\" label=\"Amazon Elastic Compute Cloud "
                      "(AmazonEC2)\">"),
          std::string("<datalist id=\"pick-region\"><option value=\"eu-west-1\"></option>"
                      "<option value=\"us-east-1\"></option></datalist>")})
        EXPECT_NE(r.body.find(s), std::string::npos) << s << "\n" << r.body.substr(0, 6000);
    // The chosen values stay in the box.
    auto f = w.get("/services?" + kBoth + "&account=" + kWeb + "&account=" + kData);
    EXPECT_NE(
        f.body.find(std::string("<input name=\"account\" value=\"") + kWeb + "," + kData + "\""),
        std::string::npos);
}

namespace {

// Runs a script of tests/browser against the world, its output (one JSON line per step).
std::string run_browser(const ViewsWorld& w, const std::string& script, const std::string& query) {
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    fs::create_directories(shots);
    const std::string cmd = "node " + std::string(CURCRUNCH_SOURCE_DIR) + "/tests/browser/" +
                            script + " " + w.url("") + " " + shots.string() + " '" + query +
                            "' 2>&1";
    Shell r = sh(cmd);
    EXPECT_EQ(r.code, 0) << r.out;
    return r.out;
}

}  // namespace

TEST(ServeViews, ChromiumFindsEveryPageReadableAtPhoneWidth) {
    ViewsWorld w;
    const std::string out = run_browser(w, "views.mjs", kBoth);
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    for (const char* page :
         {"overview", "trends", "services", "compare", "accounts", "line-items"}) {
        // At 390 px: nothing wider than the screen, chart labels at 11 px or more as shown (the
        // phone's layout of the chart, 236 units across about 354 px), no link or control
        // smaller than 24 px, tables scrolling inside their box.
        const std::string phone =
            first_match(out, "(\\{\"step\":\"" + std::string(page) + "-phone\"[^\\n]*)");
        ASSERT_FALSE(phone.empty()) << page << "\n" << out;
        EXPECT_NE(phone.find("\"scroll_width\":390,"), std::string::npos) << phone;
        EXPECT_NE(phone.find("\"small_targets\":[],\"tables_inside\":true}"), std::string::npos)
            << phone;
        const std::string px = first_match(phone, "\"smallest_chart_text\":([0-9.]+|null)");
        if (std::string(page) != "line-items") {
            ASSERT_NE(px, "null") << phone;
            EXPECT_GE(std::stod(px), 11.0) << phone;
        }
        const std::string desk =
            first_match(out, "(\\{\"step\":\"" + std::string(page) + "-desktop\"[^\\n]*)");
        EXPECT_NE(desk.find("\"scroll_width\":1280,"), std::string::npos) << desk;
        for (const std::string suffix : {"desktop", "phone"})
            EXPECT_GT(fs::file_size(shots / ("views-" + std::string(page) + "-" + suffix + ".png")),
                      10000u)
                << page;
    }
    // Trends stacks the months by service: three charts there, at either width.
    EXPECT_NE(out.find("{\"step\":\"trends-phone\",\"scroll_width\":390,\"charts\":3,"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"errors\",\"errors\":[]}"), std::string::npos) << out;
}

TEST(ServeViews, TheFixtureTotalsAreTheGoldensSummedFromItsRows) {
    ViewsWorld w;
    auto all = [](const Item&) { return true; };
    auto unblended = [](const Item& it) { return it.unblended; };
    simdjson::dom::parser p;
    simdjson::dom::element j;
    auto r = w.get("/api/overview?" + kBoth);
    ASSERT_FALSE(p.parse(r.body).get(j)) << r.body;
    EXPECT_EQ(std::string_view(j["total"]), plain(golden({9, 10}, all, unblended)));
    EXPECT_EQ(golden({9, 10}, all, unblended), 67000);
}
