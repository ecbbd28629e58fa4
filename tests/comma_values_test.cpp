// Filter values holding a comma or a backslash (core/value_list.hpp). Every list was split at
// commas, so a tag value "Smith, J" or a service "Svc,Comma" could not be chosen: on the command
// line and in the API it filtered by two values (a usage error, or the wrong value's rows), and
// the dashboard's own links and pickers wrote it that way. A backslash now escapes a comma or a
// backslash inside a value, everything that writes a list escapes its values, and a backslash
// before anything else is refused.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <regex>

#include "curcrunch/core/value_list.hpp"
#include "curcrunch/serve/view_params.hpp"
#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

const std::string kView = "from=2026-09-01&to=2026-09-30&as_of=2026-09-30";
const std::string kRule = "in a list a backslash escapes a comma or a backslash only (\\, or \\\\)";

// A CSV field, quoted when it holds a comma.
std::string field(const std::string& v) {
    return v.find(',') == std::string::npos ? v : "\"" + v + "\"";
}

// A row of kLegacyHeader: one usage line of `product` (named `name`) tagged Team=`team`.
std::string tagged_row(const std::string& id, const std::string& day, const std::string& product,
                       const std::string& name, const std::string& cost, const std::string& team) {
    return id + ",000011112222,2026-09-01T00:00:00Z,111111111111,Usage," + day + "T05:00:00Z," +
           field(product) + ",Usage:x,Run,1.0," + cost + "," + cost + ",Usage," + field(name) +
           ",us-east-1,OnDemand,Hrs," + field(team) + "\n";
}

// September's known month (EC2 280.00, S3 70.00, KMS 2.80), a service whose code and name hold
// commas (8.35), and a Team tag whose values hold a comma (3.50 over two services), a backslash
// (1.10) and neither ("Smith", 4.25: what "Smith, J" split at its comma would pick).
Served::Files files() {
    std::string odd = kLegacyHeader;
    odd += tagged_row("c1", "2026-09-01", "Svc,Comma", "Comma, Inc. Service", "3.00", "Smith, J");
    odd += tagged_row("c2", "2026-09-02", "Svc,Comma", "Comma, Inc. Service", "4.25", "Smith");
    odd += tagged_row("c3", "2026-09-03", "Svc,Comma", "Comma, Inc. Service", "1.10", "dom\\user");
    odd += tagged_row("c4", "2026-09-04", "AmazonEC2", "Amazon Elastic Compute Cloud", "0.50",
                      "Smith, J");
    return {{"sep.csv", known_month_csv("2026-09", "10.00")}, {"odd.csv", odd}};
}

// The first link of `html` whose target holds `needle` (ends with it, `at_end`), its entities
// undone ("" without one).
std::string link_with(const std::string& html, const std::string& needle, bool at_end = false) {
    const std::regex href_re("href=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), href_re);
         it != std::sregex_iterator(); ++it) {
        std::string href = (*it)[1].str();
        const size_t at = href.rfind(needle);
        if (at == std::string::npos || (at_end && at + needle.size() != href.size())) continue;
        for (size_t at; (at = href.find("&amp;")) != std::string::npos;)
            href.replace(at, 5, "&");
        return href;
    }
    return "";
}

// The query string of a link ("" without one).
std::string query_of(const std::string& href) {
    const size_t q = href.find('?');
    return q == std::string::npos ? "" : href.substr(q + 1);
}

// The strings of a JSON array.
std::vector<std::string> strings_of(simdjson::dom::element array) {
    std::vector<std::string> out;
    for (simdjson::dom::element e : array.get_array())
        out.emplace_back(std::string_view(e));
    return out;
}

// /api/overview's total and the services it says it filtered by.
struct Overview {
    long status = 0;
    std::string total, body;
    std::vector<std::string> services;
};

Overview overview(Served& s, const std::string& query) {
    const auto r = s.get("/api/overview?" + query);
    Overview o{r.status, "", r.body, {}};
    if (r.status != 200) return o;
    simdjson::dom::parser p;
    simdjson::dom::element j;
    if (p.parse(r.body).get(j)) return o;
    o.total = std::string(std::string_view(j["total"]));
    o.services = strings_of(j["parameters"]["services"]);
    return o;
}

// /api/categories' values ("key=amount") for a query.
std::vector<std::string> category_values(Served& s, const std::string& query) {
    const auto r = s.get("/api/categories?" + query);
    EXPECT_EQ(r.status, 200) << query << "\n" << r.body;
    simdjson::dom::parser p;
    simdjson::dom::element j;
    std::vector<std::string> out;
    if (r.status != 200 || p.parse(r.body).get(j)) return out;
    for (simdjson::dom::element v : j["values"].get_array())
        out.push_back(std::string(std::string_view(v["key"])) + "=" +
                      std::string(std::string_view(v["amount"])));
    return out;
}

}  // namespace

TEST(CommaValues, ListsReadBackslashEscapesAndRefuseOthers) {
    using curcrunch::split_value_list;
    std::vector<std::string> v;
    ASSERT_TRUE(split_value_list("a,,b,", v));
    EXPECT_EQ(v, (std::vector<std::string>{"a", "b"}));  // as before: empty values dropped
    v.clear();
    ASSERT_TRUE(split_value_list("Smith\\, J,dom\\\\user,\\,", v));
    EXPECT_EQ(v, (std::vector<std::string>{"Smith, J", "dom\\user", ","}));
    for (const char* bad : {"a\\b", "a\\", "\\", "x,\\n"}) {
        v = {"kept"};
        EXPECT_FALSE(split_value_list(bad, v)) << bad;
        EXPECT_EQ(v, std::vector<std::string>{"kept"}) << bad;
    }
    const std::vector<std::string> odd = {"Smith, J", "dom\\user", "a\\,b", ",", "plain"};
    EXPECT_EQ(curcrunch::join_value_list(odd), "Smith\\, J,dom\\\\user,a\\\\\\,b,\\,,plain");
    v.clear();
    ASSERT_TRUE(split_value_list(curcrunch::join_value_list(odd), v));
    EXPECT_EQ(v, odd);
}

TEST(CommaValues, TheCommandLineFiltersByAValueHoldingACommaAndRefusesABadEscape) {
    TempDir d;
    const std::string db = d / "s.db";
    std::vector<std::string> ingest = {"ingest", "--quiet", "--db", db};
    for (const auto& [name, content] : files()) {
        write_file(d / name, content);
        ingest.push_back(d / name);
    }
    ASSERT_EQ(run_cli(ingest).exit_code, 0);
    auto total = [&](const std::vector<std::string>& filter) {
        std::vector<std::string> args = {"summary",    "--db",          db,           "--from",
                                         "2026-09-01", "--to",          "2026-09-30", "--format",
                                         "json",       "--granularity", "total"};
        args.insert(args.end(), filter.begin(), filter.end());
        const RunResult r = run_cli(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        const size_t at = r.out.rfind("\"total\":\"");
        return at == std::string::npos ? "(none) " + r.err
                                       : r.out.substr(at + 9, r.out.find('"', at + 9) - at - 9);
    };
    // By code and by name, alone, in a list and beside a repeated option.
    EXPECT_EQ(total({"--service", "Svc\\,Comma"}), "8.35");
    EXPECT_EQ(total({"--service=Comma\\, Inc. Service"}), "8.35");
    EXPECT_EQ(total({"--service", "AmazonS3,Svc\\,Comma"}), "78.35");
    EXPECT_EQ(total({"--service", "AmazonS3", "--service", "Svc\\,Comma,AmazonKMS"}), "81.15");
    // Lists without a backslash read as they always did.
    EXPECT_EQ(total({"--service", "AmazonS3,AmazonKMS"}), "72.8");
    EXPECT_EQ(total({"--service", "AmazonS3,,AmazonKMS,"}), "72.8");
    // The tag's values hold the comma as the store does: a grouping by the tag shows them whole.
    const RunResult by_team = run_cli({"summary", "--db", db, "--from", "2026-09-01", "--to",
                                       "2026-09-30", "--format", "csv", "--granularity", "total",
                                       "--by", "tag:team", "--service", "Svc\\,Comma,AmazonEC2"});
    ASSERT_EQ(by_team.exit_code, 0) << by_team.err;
    EXPECT_NE(by_team.out.find(",\"Smith, J\",\"Smith, J\",3.5,"), std::string::npos)
        << by_team.out;
    // A backslash before anything but a comma or a backslash is a usage error naming the option
    // and the value, for every command with lists, and writes nothing.
    const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
        {{"summary", "--service", "Svc\\Comma"},
         "summary: --service: " + kRule + ", got 'Svc\\Comma'; see `curcrunch summary --help`"},
        {{"summary", "--account=111111111111\\"},
         "summary: --account: " + kRule + ", got '111111111111\\'"},
        {{"report", "--region", "us-east-1,eu\\-west-1", "--out", d / "r.pdf"},
         "report: --region: " + kRule + ", got 'us-east-1,eu\\-west-1'"},
    };
    for (const auto& [args, message] : bad) {
        std::vector<std::string> all = args;
        all.insert(all.end(), {"--db", db, "--from", "2026-09-01", "--to", "2026-09-30"});
        const RunResult r = run_cli(all);
        EXPECT_EQ(r.exit_code, 2) << args[1] << ": " << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "");
    }
    EXPECT_FALSE(std::filesystem::exists(d / "r.pdf"));
}

TEST(CommaValues, TheApiFiltersByAValueHoldingACommaAndAnswers400ToABadEscape) {
    Served s(files());
    // Services: the value whole, escaped in a list, beside a repeated parameter.
    for (const auto& [query, total] : std::vector<std::pair<std::string, std::string>>{
             {"service=Svc%5C%2CComma", "8.35"},
             {"service=Svc%5C,Comma", "8.35"},
             {"service=Comma%5C%2C%20Inc.%20Service", "8.35"},
             {"service=AmazonS3,Svc%5C%2CComma", "78.35"},
             {"service=AmazonS3&service=Svc%5C%2CComma,AmazonKMS", "81.15"},
             {"service=AmazonS3,AmazonKMS", "72.8"}}) {
        const Overview o = overview(s, kView + "&" + query);
        EXPECT_EQ(o.status, 200) << query << "\n" << o.body;
        EXPECT_EQ(o.total, total) << query;
    }
    // The answer's parameters list the value as it is: a JSON array needs no escape.
    EXPECT_EQ(overview(s, kView + "&service=Svc%5C%2CComma").services,
              std::vector<std::string>{"Svc,Comma"});
    // Tag values: exactly the one asked for, not "Smith" (what the split value picked).
    const std::string team = kView + "&by=tag:team";
    EXPECT_EQ(category_values(s, team + "&value=Smith%5C%2C%20J"),
              std::vector<std::string>{"Smith, J=3.5"});
    EXPECT_EQ(category_values(s, team + "&value=dom%5C%5Cuser"),
              std::vector<std::string>{"dom\\user=1.1"});
    EXPECT_EQ(category_values(s, team + "&value=Smith"), std::vector<std::string>{"Smith=4.25"});
    // A bad escape: 400 naming the parameter, in JSON and on the page.
    for (const auto& [query, message] : std::vector<std::pair<std::string, std::string>>{
             {"service=Svc%5CComma", "service: " + kRule + ", got 'Svc\\Comma'"},
             {"account=111111111111%5C", "account: " + kRule + ", got '111111111111\\'"},
             {"by=tag:team&value=Smith%5C%20J", "value: " + kRule + ", got 'Smith\\ J'"}}) {
        for (const char* path : {"/api/overview", "/api/categories"}) {
            const auto r = s.get(std::string(path) + "?" + kView + "&" + query);
            EXPECT_EQ(r.status, 400) << path << "?" << query;
            // JSON quotes a backslash as two.
            std::string quoted = message;
            for (size_t at = 0; (at = quoted.find('\\', at)) != std::string::npos; at += 2)
                quoted.insert(at, "\\");
            EXPECT_NE(r.body.find(quoted), std::string::npos) << r.body;
        }
    }
    const auto page = s.get("/services?" + kView + "&service=Svc%5CComma");
    EXPECT_EQ(page.status, 400);
    EXPECT_NE(page.body.find("service: in a list a backslash escapes a comma"), std::string::npos)
        << page.body.substr(0, 400);
}

TEST(CommaValues, TheDashboardsLinksAndPickersWriteTheValueSoItComesBack) {
    Served s(files());
    // The Services page's zoom link for the service: followed, it filters by that service.
    const auto services = s.get("/services?" + kView);
    ASSERT_EQ(services.status, 200);
    const std::string zoom = link_with(services.body, "service=Svc");
    EXPECT_NE(zoom.find("&service=Svc%5C%2CComma"), std::string::npos) << zoom;
    const auto zoomed = s.get(zoom);
    ASSERT_EQ(zoomed.status, 200) << zoom << "\n" << zoomed.body.substr(0, 400);
    Overview o = overview(s, query_of(zoom));
    EXPECT_EQ(o.total, "8.35") << zoom;
    EXPECT_EQ(o.services, std::vector<std::string>{"Svc,Comma"});
    // The zoomed page's own links keep the filter: the nav, a sort header, the PDF download.
    for (const char* needle : {"/trends?", "sort=", "/report.pdf?"}) {
        const std::string href = link_with(zoomed.body, needle);
        ASSERT_FALSE(href.empty()) << needle;
        EXPECT_EQ(overview(s, query_of(href)).services, std::vector<std::string>{"Svc,Comma"})
            << href;
    }
    // The filter form's box holds the value escaped, and the picker suggests it so; the form
    // sent as it is (no script: the box's text is the parameter) filters by it.
    EXPECT_NE(zoomed.body.find("<input name=\"service\" value=\"Svc\\,Comma\""), std::string::npos)
        << zoomed.body.substr(0, 3000);
    EXPECT_NE(zoomed.body.find("<option value=\"Svc\\,Comma\" label=\"Comma, Inc. Service "
                               "(Svc,Comma)\">"),
              std::string::npos);
    EXPECT_EQ(overview(s, kView + "&service=" + curcrunch::serve::url_encode("Svc\\,Comma")).total,
              "8.35");
    // The compare page's form for a second period keeps the filter in a hidden field, escaped.
    const auto compare = s.get("/compare?" + kView + "&service=Svc%5C%2CComma");
    ASSERT_EQ(compare.status, 200) << compare.body.substr(0, 400);
    EXPECT_NE(compare.body.find("<input type=\"hidden\" name=\"service\" value=\"Svc\\,Comma\">"),
              std::string::npos);
    // Categories: each value's link narrows the page to that value alone.
    const std::string team = kView + "&by=tag:team";
    const auto categories = s.get("/categories?" + team);
    ASSERT_EQ(categories.status, 200);
    for (const auto& [needle, expected] :
         std::vector<std::pair<std::string, std::string>>{{"value=Smith%5C%2C%20J", "Smith, J=3.5"},
                                                          {"value=dom%5C%5Cuser", "dom\\user=1.1"},
                                                          {"value=Smith", "Smith=4.25"}}) {
        const std::string href = link_with(categories.body, needle, true);
        ASSERT_FALSE(href.empty()) << needle << "\n" << categories.body.substr(0, 3000);
        EXPECT_EQ(category_values(s, query_of(href)), std::vector<std::string>{expected}) << href;
    }
    // The value picker suggests the values escaped, labelled as they are; the narrowed page's
    // box holds its value escaped, and its grouping form keeps it in a hidden field so.
    EXPECT_NE(categories.body.find("<option value=\"Smith\\, J\" label=\"Smith, J\"></option>"),
              std::string::npos);
    EXPECT_NE(categories.body.find("<option value=\"dom\\\\user\" label=\"dom\\user\"></option>"),
              std::string::npos);
    const auto narrowed = s.get("/categories?" + team + "&value=Smith%5C%2C%20J&sort=cost");
    ASSERT_EQ(narrowed.status, 200);
    EXPECT_NE(narrowed.body.find("<input name=\"value\" value=\"Smith\\, J\""), std::string::npos);
    EXPECT_NE(narrowed.body.find("<input type=\"hidden\" name=\"value\" value=\"Smith\\, J\">"),
              std::string::npos);
    const std::string sorted = link_with(narrowed.body, "sort=value");
    EXPECT_EQ(category_values(s, query_of(sorted)), std::vector<std::string>{"Smith, J=3.5"})
        << sorted;
}

}  // namespace CURCRUNCH_UNITY_ID
