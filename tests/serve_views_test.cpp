// The dashboard's views of many payers, tags, cost categories and measures, over real HTTP on
// 127.0.0.1: the pickers, the payer filter, the measure toggle, the Categories and month-over-
// month pages and their JSON twins, each amount checked against goldens summed here from the
// fixture's rows; every bad value of a new filter is a 400 naming it; and chromium at desktop
// and phone width (390 px), with screenshots.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <functional>
#include <regex>

#include "curcrunch/store/query.hpp"
#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

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
std::string run_browser(const ViewsWorld& w, const std::string& script, const std::string& query,
                        const std::string& extra = "") {
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    fs::create_directories(shots);
    const std::string cmd = "node " + std::string(CURCRUNCH_SOURCE_DIR) + "/tests/browser/" +
                            script + " " + w.url("") + " " + shots.string() + " '" + query + "'" +
                            (extra.empty() ? "" : " '" + extra + "'") + " 2>&1";
    Shell r = sh(cmd);
    EXPECT_EQ(r.code, 0) << r.out;
    return r.out;
}

}  // namespace

TEST(ServeViews, ChromiumFindsEveryPageReadableAtPhoneWidth) {
    ViewsWorld w;
    // The compare page shows October against September (the default, September and October
    // against July and August, has no previous data and so, rightly, no change chart).
    const std::string out =
        run_browser(w, "views.mjs", kBoth, "from=2026-10-01&to=2026-10-31&as_of=2026-10-31");
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    for (const char* page : {"overview", "trends", "services", "compare", "accounts", "line-items",
                             "month-over-month", "categories"}) {
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
        if (std::string(page) != "line-items" && std::string(page) != "month-over-month") {
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
    // A month's dot is drawn 7 px wide, but a tap 10 px from its centre opens that month.
    EXPECT_NE(out.find("{\"step\":\"tap\",\"dot_px\":7,\"hits_link\":true}"), std::string::npos)
        << out;
    // A click on the toggle and a payer from the picker narrow the view, and say so.
    const std::string q = "from=2026-09-01&to=2026-10-31&as_of=2026-10-31";
    EXPECT_NE(out.find("{\"step\":\"toggle\",\"url\":\"" + w.url("/?") + q +
                       "&measure=net\",\"total\":\"$557.50\",\"stated\":\"Net unblended "
                       "cost\"}"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"payer\",\"url\":\"" + w.url("/?") +
                       "range=dates&from=2026-09-01&to=2026-10-31&payer=" + kPayerA +
                       "&as_of=2026-10-31&measure=net\",\"total\":\"$440.00\"}"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"category\",\"url\":\"" + w.url("/categories?") + q +
                       "&by=tag%3Ateam\",\"first\":[\"web\",\"$540.00\",\"80.6%\"]}"),
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

namespace {

using Pick = std::function<int64_t(const Item&)>;
using Keep = std::function<bool(const Item&)>;

const Keep kAll = [](const Item&) { return true; };

// Every measure's amount of an item, in cents (usage as hundredths of its units). Amortized
// cost is unblended cost on Usage rows, and net amortized the net unblended.
const std::vector<std::pair<std::string, Pick>>& measures() {
    using store::Measure;
    static const std::vector<std::pair<std::string, Pick>> m = {
        {store::measure_name(Measure::unblended), [](const Item& it) { return it.unblended; }},
        {store::measure_name(Measure::net_unblended), [](const Item& it) { return it.net; }},
        {store::measure_name(Measure::amortized), [](const Item& it) { return it.unblended; }},
        {store::measure_name(Measure::net_amortized), [](const Item& it) { return it.net; }},
        {store::measure_name(Measure::blended), [](const Item& it) { return it.blended; }},
        {store::measure_name(Measure::public_on_demand),
         [](const Item& it) { return it.public_od; }},
        {store::measure_name(Measure::usage), [](const Item& it) { return it.usage * 100; }},
    };
    return m;
}

std::string json_text(simdjson::dom::element e, const char* field) {
    std::string_view v;
    return e[field].get(v) ? std::string("?") : std::string(v);
}

}  // namespace

TEST(ServeViews, EveryMeasureAndPayerTotalsTheFixtureRows) {
    ViewsWorld w;
    simdjson::dom::parser p;
    for (const auto& [name, pick] : measures()) {
        auto r = w.get("/api/overview?" + kBoth + "&measure=" + name);
        ASSERT_EQ(r.status, 200) << name << r.body;
        simdjson::dom::element j;
        ASSERT_FALSE(p.parse(r.body).get(j)) << r.body;
        EXPECT_EQ(json_text(j, "total"), plain(golden({9, 10}, kAll, pick))) << name;
        EXPECT_EQ(json_text(j["parameters"], "measure"), name);
        // The page says which measure its amounts are, and offers the others.
        auto page = w.get("/?" + kBoth + "&measure=" + name);
        EXPECT_NE(page.body.find("<nav class=\"toggle\" aria-label=\"Measure\">"),
                  std::string::npos);
        EXPECT_NE(page.body.find("Amounts on this page: <strong>"), std::string::npos);
    }
    // Hand-checked: 30 days of 10.00 + 20 of 12.00 on EC2, 50 of 2.50 on S3, 50 of 0.10 on KMS.
    EXPECT_EQ(golden({9, 10}, kAll, measures()[0].second), 67000);
    EXPECT_EQ(golden({9, 10}, kAll, measures()[1].second), 55750);
    auto unblended = measures()[0].second;
    for (const auto& [payers, keep] : std::vector<std::pair<std::string, Keep>>{
             {std::string("payer=") + kPayerA,
              [](const Item& it) { return std::string(it.payer) == kPayerA; }},
             {std::string("payer=") + kPayerB,
              [](const Item& it) { return std::string(it.payer) == kPayerB; }},
             {std::string("payer=") + kPayerA + "," + kPayerB, kAll}}) {
        auto r = w.get("/api/overview?" + kBoth + "&" + payers);
        simdjson::dom::element j;
        ASSERT_FALSE(p.parse(r.body).get(j)) << r.body;
        EXPECT_EQ(json_text(j, "total"), plain(golden({9, 10}, keep, unblended))) << payers;
    }
    // Every link of a page keeps the payer and the measure: navigation, sorting, the PDF.
    auto page = w.get("/services?" + kBoth + "&measure=net&payer=" + kPayerB);
    EXPECT_NE(page.body.find("<strong>Net unblended cost</strong>"), std::string::npos);
    const std::string kept = std::string("payer=") + kPayerB + "&amp;measure=net";
    for (const std::string& href :
         {"href=\"/trends?from=2026-09-01&amp;to=2026-10-31&amp;" + kept,
          "href=\"/report.pdf?from=2026-09-01&amp;to=2026-10-31&amp;" + kept,
          "href=\"/services?from=2026-09-01&amp;to=2026-10-31&amp;" + kept})
        EXPECT_NE(page.body.find(href), std::string::npos) << href;
    EXPECT_NE(page.body.find("<input type=\"hidden\" name=\"measure\" value=\"net\">"),
              std::string::npos);
    EXPECT_NE(page.body.find(std::string("<input name=\"payer\" value=\"") + kPayerB + "\""),
              std::string::npos);
    // The PDF of that view is of payer B in net unblended cost.
    auto pdf = w.get("/report.pdf?" + kBoth + "&measure=net&payer=" + kPayerB);
    ASSERT_EQ(pdf.status, 200);
    write_file(w.tmp / "view.pdf", pdf.body);
    Shell text = sh("pdftotext -layout " + (w.tmp / "view.pdf") + " -");
    ASSERT_EQ(text.code, 0) << text.out;
    const int64_t net_b = golden(
        {9, 10}, [](const Item& it) { return std::string(it.payer) == kPayerB; },
        measures()[1].second);
    EXPECT_NE(text.out.find("$" + cents(net_b)), std::string::npos) << cents(net_b) << text.out;
}

TEST(ServeViews, CategoriesSplitTheCostByTagAndCostCategoryWithTheUntaggedPart) {
    ViewsWorld w;
    simdjson::dom::parser p;
    auto is_team = [](const char* team) {
        return Keep([team](const Item& it) { return std::string(it.team) == team; });
    };
    for (const std::string by : {"tag:team", "category:CostCenter", "category:cost_center"}) {
        for (const auto& [name, pick] : measures()) {
            auto r = w.get("/api/categories?" + kBoth + "&by=" + by + "&measure=" + name);
            ASSERT_EQ(r.status, 200) << by << " " << r.body;
            simdjson::dom::element j;
            ASSERT_FALSE(p.parse(r.body).get(j)) << r.body;
            EXPECT_EQ(json_text(j, "total"), plain(golden({9, 10}, kAll, pick))) << by << name;
            EXPECT_EQ(json_text(j["untagged"], "amount"), plain(golden({9, 10}, is_team(""), pick)))
                << by << name;
            // web and CC-1 are the same rows, as are data and CC-2.
            const bool tag = by == "tag:team";
            std::map<std::string, std::string> got;
            for (simdjson::dom::element v : j["values"].get_array())
                got[json_text(v, "key")] = json_text(v, "amount");
            EXPECT_EQ(got[tag ? "web" : "CC-1"], plain(golden({9, 10}, is_team("web"), pick)));
            EXPECT_EQ(got[tag ? "data" : "CC-2"], plain(golden({9, 10}, is_team("data"), pick)));
            EXPECT_EQ(got.size(), 3u) << r.body;
        }
    }
    // The page: the key picker lists the store's keys, the untagged share is stated, the
    // values' table ties out to the total.
    auto page = w.get("/categories?" + kBoth + "&by=tag:team");
    ASSERT_EQ(page.status, 200);
    for (const std::string& s :
         {std::string("<option value=\"tag:team\" selected>Tag team</option>"),
          std::string("<option value=\"category:cost_center\">Cost category cost_center</option>"),
          std::string("<datalist id=\"pick-value\"><option value=\"data\"></option><option "
                      "value=\"web\"></option><option value=\"untagged\"></option></datalist>"),
          std::string("<div class=\"value\">$5.00</div><div class=\"note\">0.7% of the total "
                      "carries no tag team</div>"),
          std::string("<strong>$670.00</strong>")})
        EXPECT_NE(page.body.find(s), std::string::npos) << s;
    // The page's PDF has its grouping: the download link carries by=, the PDF a "Cost by" page
    // whose untagged row is the page's.
    auto pdf_link = [](const std::string& body) {
        const size_t link = body.find("href=\"/report.pdf?");
        if (link == std::string::npos) return std::string();
        std::string href = body.substr(link + 6, body.find('"', link + 6) - link - 6);
        for (size_t at; (at = href.find("&amp;")) != std::string::npos;)
            href.replace(at, 5, "&");
        return href;
    };
    const std::string href = pdf_link(page.body);
    EXPECT_NE(href.find("&by=tag%3Ateam"), std::string::npos) << href;
    auto pdf = w.get(href);
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    write_file(w.tmp / "categories.pdf", pdf.body);
    EXPECT_EQ(sh("qpdf --check " + (w.tmp / "categories.pdf")).code, 0);
    const Shell text = sh("pdftotext -layout " + (w.tmp / "categories.pdf") + " -");
    const size_t by_page = text.out.find("Cost by tag team");
    ASSERT_NE(by_page, std::string::npos) << text.out;
    EXPECT_NE(text.out.find("untagged", by_page), std::string::npos);
    EXPECT_NE(text.out.find("$5.00", by_page), std::string::npos);
    // Other pages' links carry no grouping.
    const std::string services = pdf_link(w.get("/services?" + kBoth + "&by=tag:team").body);
    EXPECT_NE(services, "");
    EXPECT_EQ(services.find("by="), std::string::npos) << services;
    // Narrowed to one value: its row, the rest as "Other values", the same total.
    auto one = w.get("/categories?" + kBoth + "&by=tag:team&value=untagged");
    EXPECT_NE(one.body.find("<td>Other values (2)</td><td class=\"num\">$665.00</td>"),
              std::string::npos)
        << one.body;
}

TEST(ServeViews, MonthOverMonthComparesLikeForLikeAndFlagsPartialMonths) {
    ViewsWorld w;
    simdjson::dom::parser p;
    auto ec2 = [](const Item& it) { return std::string(it.code) == "AmazonEC2"; };
    auto unblended = measures()[0].second;
    // The view ends where the data does (2026-10-20): October's 20 days against September's
    // first 20.
    auto r = w.get("/api/month-over-month?from=2026-09-01&to=2026-10-20&months=2&by=service");
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::element j;
    ASSERT_FALSE(p.parse(r.body).get(j)) << r.body;
    simdjson::dom::element mom = j["month_over_month"];
    EXPECT_EQ(json_text(mom["months"].at(0), "month"), "2026-09");
    EXPECT_EQ(json_text(mom["months"].at(1), "month"), "2026-10");
    simdjson::dom::element first = mom["rows"].at(0);
    EXPECT_EQ(json_text(first, "key"), "AmazonEC2");
    EXPECT_EQ(json_text(first["months"].at(0), "amount"), plain(golden({9}, ec2, unblended)));
    const int64_t oct = golden({10}, ec2, unblended);
    const int64_t sep20 = golden({9}, ec2, unblended) * 20 / 30;
    EXPECT_EQ(json_text(first["months"].at(1), "amount"), plain(oct));
    EXPECT_EQ(json_text(first["months"].at(1), "previous"), plain(sep20));
    EXPECT_EQ(json_text(first["months"].at(1), "change"), plain(oct - sep20));
    EXPECT_EQ(json_text(first["months"].at(1), "percent"), "+20.0%") << r.body;
    // By payer, in net unblended cost.
    auto byp =
        w.get("/api/month-over-month?from=2026-09-01&to=2026-10-20&months=2&by=payer&measure=net");
    ASSERT_FALSE(p.parse(byp.body).get(j)) << byp.body;
    std::map<std::string, std::string> sep;
    for (simdjson::dom::element row : j["month_over_month"]["rows"].get_array())
        sep[json_text(row, "key")] = json_text(row["months"].at(0), "amount");
    auto net = measures()[1].second;
    EXPECT_EQ(sep[kPayerA],
              plain(golden(
                  {9}, [](const Item& it) { return std::string(it.payer) == kPayerA; }, net)));
    EXPECT_EQ(sep[kPayerB],
              plain(golden(
                  {9}, [](const Item& it) { return std::string(it.payer) == kPayerB; }, net)));
    // The page: a heading per month, the partial one flagged when the view runs past the data.
    auto page = w.get("/month-over-month?" + kBoth + "&months=2");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<th scope=\"col\" class=\"num flag\">2026-10<small>partial: 20 of "
                             "31 days</small></th>"),
              std::string::npos)
        << page.body;
}

TEST(ServeViews, EveryBadValueOfTheNewFiltersIsA400NamingIt) {
    ViewsWorld w;
    for (const auto& [query, message] : std::vector<std::pair<std::string, std::string>>{
             {"measure=gross", "measure: expected one of unblended, net, amortized"},
             {"measure=net&measure=usage", "measure: given more than once"},
             // A payer is any printable id (FOCUS's BillingAccountId is free-form), and must be
             // one the store holds: a mistyped one answered 200 with a total of 0.
             {"payer=1234%3B--", "payer: no payer '1234;--' in the store (its payers: " +
                                     std::string(kPayerA) + ", " + kPayerB + ")"},
             {"payer=abc", "payer: no payer 'abc' in the store"},
             {"payer=12%0134",
              "payer: expected a payer id (an AWS account's 12 digits, or a "
              "FOCUS BillingAccountId), got '12"},
             {"by=region", "by: expected service, account, payer, tag:KEY or category:KEY"},
             {"by=tag:", "by: expected a tag key or cost category after 'tag:'"},
             {"by=category:%3Cb%3E", "by: expected a tag key or cost category after 'category:'"},
             {"by=tag:%FFteam", "by: expected a tag key or cost category after 'tag:'"},
             {"months=1", "months: expected a number of months from 2 to 24, got '1'"},
             {"months=x", "months: expected a number of months from 2 to 24"},
             {"value=a%01b", "value: expected a tag or cost category value"}}) {
        for (const char* path : {"/", "/month-over-month", "/categories", "/api/overview",
                                 "/api/month-over-month", "/api/categories"}) {
            auto r = w.get(std::string(path) + "?" + kBoth + "&" + query);
            EXPECT_EQ(r.status, 400) << path << "?" << query;
            // HTML escapes the quotes around the value; JSON keeps them.
            std::string shown = message;
            if (std::string(path).rfind("/api/", 0) != 0)
                for (size_t at; (at = shown.find('\'')) != std::string::npos;)
                    shown.replace(at, 1, "&#39;");
            EXPECT_NE(r.body.find(shown), std::string::npos) << path << "?" << query << r.body;
        }
    }
    // A key in another script is a key (AWS's may hold any letters): answered, not refused.
    auto cjk = w.get("/api/categories?" + kBoth + "&by=tag:%E3%83%81%E3%83%BC%E3%83%A0");
    EXPECT_EQ(cjk.status, 200) << cjk.body;
    // The Categories page groups by a tag key or cost category only, and the tag rollup keeps
    // no region: the page answers 400 with its form around the message, to change the view.
    for (const auto& [query, message] : std::vector<std::pair<std::string, std::string>>{
             {"by=service", "by: the Categories page shows a tag key or cost category"},
             {"region=us-east-1",
              "a region filter cannot be combined with grouping by cost "
              "category"}}) {
        for (const char* path : {"/categories", "/api/categories"}) {
            auto r = w.get(std::string(path) + "?" + kBoth + "&" + query);
            EXPECT_EQ(r.status, 400) << path;
            EXPECT_NE(r.body.find(message), std::string::npos) << r.body;
            if (std::string(path) == "/categories") {
                EXPECT_NE(r.body.find("<form class=\"filters\" method=\"get\" "
                                      "action=\"/categories\">"),
                          std::string::npos);
            }
        }
    }
}

TEST(ServeViews, TheAccountsPageGroupsByPayer) {
    ViewsWorld w;
    auto unblended = measures()[0].second;
    auto of = [](const char* payer) {
        return Keep([payer](const Item& it) { return std::string(it.payer) == payer; });
    };
    auto r = w.get("/accounts?" + kBoth + "&group=payer");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<span aria-current=\"true\">Payers</span>"), std::string::npos);
    for (const auto& [payer, accounts] :
         std::vector<std::pair<const char*, std::string>>{{kPayerA, "1"}, {kPayerB, "2"}}) {
        const int64_t cost = golden({9, 10}, of(payer), unblended);
        const std::string row =
            std::string(
                "<a href=\"/accounts?from=2026-09-01&amp;to=2026-10-31&amp;as_of=2026-10-"
                "31&amp;group=account&amp;payer=") +
            payer + "\">" + payer + "</a></td><td class=\"num\">" + accounts +
            "</td><td class=\"num\">$" + cents(cost) + "</td>";
        EXPECT_NE(r.body.find(row), std::string::npos) << row << "\n" << r.body;
    }
}

namespace {

// `s` as a regular expression matching exactly it.
std::string quoted(const std::string& s) {
    std::string o;
    for (char ch : s) {
        if (std::string("\\^$.|?*+()[]{}").find(ch) != std::string::npos) o += '\\';
        o += ch;
    }
    return o;
}

}  // namespace

TEST(ServeViews, TrendsStacksTheMonthsByServiceEachLinkingToItsTrend) {
    ViewsWorld w;
    auto r = w.get("/trends?" + kBoth + "&measure=blended");
    ASSERT_EQ(r.status, 200);
    auto blended = [](const Item& it) { return it.blended; };
    for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
             {"AmazonEC2", "Amazon Elastic Compute Cloud"},
             {"AmazonS3", "Amazon Simple Storage Service"},
             {"AmazonKMS", "AWS Key Management Service"}}) {
        // A copy: clang 14 cannot capture a structured binding (C++20 allows it; GCC does).
        auto of = [code = std::string(code)](const Item& it) { return it.code == code; };
        // September in full; October with 20 of its 31 days, which its tooltip says. Both the
        // desktop and the phone layout carry them.
        for (const auto& [month, note] :
             std::vector<std::pair<int, std::string>>{{9, ""}, {10, " (data for 20 of 31 days)"}}) {
            const std::string href =
                "<a href=\"/trends?from=2026-09-01&amp;to=2026-10-31&amp;measure=blended&amp;"
                "as_of=2026-10-31&amp;service=" +
                code + "\"><rect ";
            const std::string title = "><title>" + name + ", 2026-" + (month == 9 ? "09" : "10") +
                                      ": $" + cents(golden({month}, of, blended)) + note +
                                      "</title></rect></a>";
            const std::string segment = quoted(href) + "[^>]+" + quoted(title);
            std::regex re(segment);
            const auto n = std::distance(std::sregex_iterator(r.body.begin(), r.body.end(), re),
                                         std::sregex_iterator());
            EXPECT_EQ(n, 2) << segment;
        }
    }
}

}  // namespace CURCRUNCH_UNITY_ID
