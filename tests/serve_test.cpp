// The dashboard over real HTTP (libcurl) on 127.0.0.1: every page and JSON endpoint, the
// filters, bad input, the token check, uploads with CSRF, the PDF export — and a browser test
// that drives Debian's chromium through it and keeps screenshots.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <regex>
#include <thread>

#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

const std::string kTwoMonths = "from=2026-09-01&to=2026-10-31&as_of=2026-10-31";

}  // namespace

// The compare page's form choosing a second period keeps every filter of the view: it kept only
// accounts, services and as_of, so a region, payer or measure was lost as soon as another
// period was chosen.
TEST(Serve, TheSecondPeriodFormKeepsEveryFilter) {
    Served s;
    auto r = s.get(
        "/compare?preset=month-to-date&as_of=2026-10-31&region=us-east-1&measure=amortized"
        "&service=AmazonEC2&currency=USD");
    ASSERT_EQ(r.status, 200) << r.body;
    const size_t form = r.body.rfind("<form", r.body.find("Compare with <input"));
    ASSERT_NE(form, std::string::npos) << r.body;
    const std::string f = r.body.substr(form, r.body.find("</form>", form) - form);
    for (const char* field :
         {"name=\"from\" value=\"2026-10-01\"", "name=\"to\" value=\"2026-10-31\"",
          "name=\"region\" value=\"us-east-1\"", "name=\"measure\" value=\"amortized\"",
          "name=\"service\" value=\"AmazonEC2\"", "name=\"currency\" value=\"USD\"",
          "name=\"as_of\" value=\"2026-10-31\""})
        EXPECT_NE(f.find(field), std::string::npos) << field << "\n" << f;
    EXPECT_EQ(f.find("name=\"preset\""), std::string::npos) << f;
    EXPECT_EQ(f.find("type=\"hidden\" name=\"vs_from\""), std::string::npos) << f;
}

TEST(Serve, EveryPageAnswersWithTheSameNumbersAsTheReport) {
    Served s;
    for (const char* path :
         {"/", "/trends", "/services", "/compare", "/accounts", "/line-items", "/archive"}) {
        auto r = s.get(std::string(path) + "?" + kTwoMonths);
        EXPECT_EQ(r.status, 200) << path;
        EXPECT_NE(r.body.find("<!doctype html>"), std::string::npos) << path;
        EXPECT_NE(r.body.find("aria-current=\"page\""), std::string::npos) << path;
        EXPECT_NE(*r.header("content-security-policy"), "") << path;
        EXPECT_EQ(*r.header("x-content-type-options"), "nosniff");
        EXPECT_EQ(*r.header("x-frame-options"), "DENY");
    }
    auto overview = s.get("/?" + kTwoMonths);
    EXPECT_NE(overview.body.find("$761.60"), std::string::npos);
    // Charts are inline SVG with titles and exact tooltips; a month links to its days.
    EXPECT_NE(overview.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    // The known months hold 28 days each: a month's tooltip says how much of it has data.
    EXPECT_NE(overview.body.find("<title>2026-10: $408.80 (28 of 31 days with data)</title>"),
              std::string::npos);
    EXPECT_NE(overview.body.find("<a href=\"/trends?as_of=2026-10-31&amp;from=2026-09-01&amp;"
                                 "to=2026-09-30\"><circle"),
              std::string::npos)
        << overview.body;
    // Bars link to their service.
    EXPECT_NE(overview.body.find("href=\"/services?from=2026-09-01&amp;to=2026-10-31&amp;as_of="
                                 "2026-10-31&amp;service=AmazonEC2\""),
              std::string::npos);

    auto api = s.get("/api/overview?" + kTwoMonths);
    EXPECT_EQ(api.status, 200);
    EXPECT_EQ(*api.header("content-type"), "application/json");
    simdjson::dom::parser p;
    simdjson::dom::element j;
    ASSERT_FALSE(p.parse(api.body).get(j)) << api.body;
    EXPECT_EQ(std::string_view(j["total"]), "761.6");
    EXPECT_EQ(std::string_view(j["top_services"].at(0)["service"]), "AmazonEC2");
    EXPECT_EQ(std::string_view(j["top_services"].at(0)["cost"]), "616");
    for (const char* path : {"/api/trends", "/api/services", "/api/compare", "/api/accounts",
                             "/api/line-items", "/api/archive"}) {
        auto r = s.get(std::string(path) + "?" + kTwoMonths);
        EXPECT_EQ(r.status, 200) << path;
        simdjson::dom::element e;
        EXPECT_FALSE(p.parse(r.body).get(e)) << path << ": " << r.body;
    }
    EXPECT_NE(s.get("/api/trends?" + kTwoMonths + "&granularity=month")
                  .body.find("{\"bucket\":\"2026-09\",\"cost\":\"352.8\",\"days\":30,"
                             "\"days_with_data\":28,\"first_day\":\"2026-09-01\","
                             "\"last_day\":\"2026-09-30\",\"partial\":true}"),
              std::string::npos);
}

TEST(Serve, FiltersSortingAndPagingAreInTheUrl) {
    Served s;
    auto total = [&](const std::string& q) {
        simdjson::dom::parser p;
        simdjson::dom::element j;
        auto r = s.get("/api/overview?" + q);
        EXPECT_FALSE(p.parse(r.body).get(j)) << r.body;
        return std::string(std::string_view(j["total"]));
    };
    EXPECT_EQ(total(kTwoMonths + "&account=111111111111"), "616");
    EXPECT_EQ(total(kTwoMonths + "&service=AmazonS3,AmazonKMS"), "145.6");
    EXPECT_EQ(total(kTwoMonths + "&service=Amazon%20Simple%20Storage%20Service"), "140");
    EXPECT_EQ(total(kTwoMonths + "&region=us-east-1"), "761.6");
    // A region the store does not hold is a 400 naming it, not a total of 0.
    EXPECT_EQ(s.get("/api/overview?" + kTwoMonths + "&region=eu-west-1").status, 400);
    EXPECT_EQ(total("from=2026-10-01&to=2026-10-31&as_of=2026-10-31"), "408.8");
    EXPECT_EQ(total("preset=month-to-date&as_of=2026-10-15"), "219");  // 15 days x 14.60
    // A threshold hides rows, not money.
    auto hidden = s.get("/api/services?" + kTwoMonths + "&min_cost=100");
    EXPECT_EQ(hidden.body.find("AmazonKMS"), std::string::npos);
    EXPECT_NE(hidden.body.find("\"total\":\"761.6\""), std::string::npos);
    // Line items: sorted by any column, 50 to a page.
    auto asc = s.get("/line-items?" + kTwoMonths + "&sort=cost&dir=asc");
    EXPECT_NE(asc.body.find("aria-sort=\"ascending\""), std::string::npos);
    EXPECT_LT(asc.body.find("Usage of AWS Key Management Service"),
              asc.body.find("Usage of Amazon Elastic Compute Cloud"));
    auto desc = s.get("/line-items?" + kTwoMonths + "&sort=cost&dir=desc");
    EXPECT_GT(desc.body.find("Usage of AWS Key Management Service"),
              desc.body.find("Usage of Amazon Elastic Compute Cloud"));
    auto page2 = s.get("/api/line-items?" + kTwoMonths + "&page=2");
    EXPECT_NE(page2.body.find("\"rows\":3,\"page\":2,\"line_items\":[]"), std::string::npos)
        << page2.body;
    // Any two periods compare; tables on every page sort by their headers.
    auto cmp = s.get(
        "/api/compare?from=2026-10-01&to=2026-10-31&vs_from=2026-09-01&vs_to=2026-09-30"
        "&as_of=2026-10-31");
    // October has data through the 28th: the comparison is cut to 28 days on both sides.
    EXPECT_NE(
        cmp.body.find("\"current\":\"408.8\",\"previous\":{\"from\":\"2026-09-01\",\"to\":"
                      "\"2026-09-28\",\"days\":28,\"days_with_data\":28,\"total\":\"352.8\"}"),
        std::string::npos)
        << cmp.body;
    EXPECT_NE(cmp.body.find("{\"service\":\"AmazonEC2\",\"current\":\"336\",\"previous\":\"280\","
                            "\"change\":\"56\"}"),
              std::string::npos);
    EXPECT_EQ(s.get("/api/compare?vs_from=2026-09-01").status, 400);
    auto in_table = [](const std::string& body, const std::string& what) {
        return body.find(what, body.find("<caption>Top services"));
    };
    auto up = s.get("/?" + kTwoMonths + "&sort=cost&dir=asc");
    EXPECT_LT(in_table(up.body, ">AWS Key Management Service"),
              in_table(up.body, ">Amazon Elastic Compute"));
    auto down = s.get("/?" + kTwoMonths);
    EXPECT_GT(in_table(down.body, ">AWS Key Management Service"),
              in_table(down.body, ">Amazon Elastic Compute"));
    // Breadcrumbs lead back out of a zoom.
    auto zoomed =
        s.get("/services?from=2026-09-01&to=2026-09-30&as_of=2026-10-31&service=AmazonEC2");
    EXPECT_NE(zoomed.body.find("<span>service AmazonEC2</span>"), std::string::npos);
    EXPECT_NE(zoomed.body.find(">2026-09</a>"), std::string::npos) << zoomed.body;
}

TEST(Serve, BadFiltersAre400WithAMessageAndNeverReachSql) {
    Served s;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"from=2026-13-01", "from: expected a date YYYY-MM-DD, got '2026-13-01'"},
        {"from=2026-10-05&to=2026-10-01", "from: is after to (2026-10-01)"},
        {"preset=forever",
         "preset: expected last-7-days, last-30-days, month-to-date, "
         "last-12-months, year or last-year, got 'forever'"},
        {"min_cost=-5", "min_cost: expected a non-negative amount, got '-5'"},
        {"account=1%27%20OR%201%3D1", "account: no account '1' OR 1=1' in the store"},
        {"service=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
         "service: no service '<script>alert(1)</script>' in the store"},
        {"service=a%01b", "service: expected a service name"},
        {"sort=cost%3BDROP%20TABLE%20dim", "sort: expected a column name"},
        {"page=0", "page: expected a page number"},
        {"granularity=hour", "granularity: expected day, week, month or year, got 'hour'"},
        {"colour=red", "colour: unknown parameter"}};
    for (const auto& [q, msg] : cases) {
        auto api = s.get("/api/overview?" + q);
        EXPECT_EQ(api.status, 400) << q;
        EXPECT_NE(api.body.find(msg), std::string::npos) << q << " -> " << api.body;
        auto html = s.get("/services?" + q);
        EXPECT_EQ(html.status, 400) << q;
        EXPECT_NE(html.body.find("class=\"error\" role=\"alert\""), std::string::npos);
        EXPECT_EQ(html.body.find("<script>alert"), std::string::npos);  // escaped, never raw
    }
    EXPECT_EQ(query_one(s.db, "SELECT count(*) FROM dim WHERE value = 'AmazonEC2'"), "1");
}

TEST(Serve, UploadsNeedTheFormTokenAndEachFileGetsItsVerdict) {
    Served s;
    // A report PDF of the same store, to upload.
    ASSERT_EQ(run_cli({"report", "--db", s.db, "--from", "2026-09-01", "--to", "2026-10-31",
                       "--as-of", "2026-10-31", "--out", s.tmp / "r.pdf"})
                  .exit_code,
              0);
    const std::string pdf = read_file(s.tmp / "r.pdf");
    const std::string csrf = csrf_of(s.get("/archive").body);
    ASSERT_EQ(csrf.size(), 64u);
    const std::string boundary = "curcrunch-test-boundary";
    const std::string type = "multipart/form-data; boundary=" + boundary;
    // Without the token: 403, nothing stored.
    auto forged = s.post("/archive/upload", multipart({{"pdf", "r.pdf", pdf}}, boundary), type);
    EXPECT_EQ(forged.status, 403);
    EXPECT_EQ(query_one(s.db, "SELECT count(*) FROM archive_document"), "0");
    // From another origin: 403.
    auto cross =
        s.post("/archive/upload", multipart({{"csrf", "", csrf}, {"pdf", "r.pdf", pdf}}, boundary),
               type, {{"Origin", "http://evil.example"}});
    EXPECT_EQ(cross.status, 403);
    // A 0-page PDF and a PDF that is not a curcrunch report: the same verdicts as import-pdf.
    ASSERT_EQ(sh("qpdf --empty " + (s.tmp / "empty.pdf")).code, 0);
    ASSERT_EQ(
        sh("qpdf --empty --pages " + (s.tmp / "r.pdf") + " 1 -- " + (s.tmp / "page.pdf")).code, 0);
    // Five files: a report (with a hostile name), a non-PDF, an oversized one, those two.
    auto ok = s.post("/archive/upload",
                     multipart({{"csrf", "", csrf},
                                {"pdf", "../../etc/passwd.pdf", pdf},
                                {"pdf", "notes.pdf", "just text"},
                                {"pdf", "big.pdf", "%PDF-1.4\n" + std::string(2u << 20, 'x')},
                                {"pdf", "empty.pdf", read_file(s.tmp / "empty.pdf")},
                                {"pdf", "page.pdf", read_file(s.tmp / "page.pdf")}},
                               boundary),
                     type);
    EXPECT_NE(ok.body.find("empty.pdf: not imported: the PDF has no pages (a 0-page file is not a "
                           "document)"),
              std::string::npos)
        << ok.body;
    EXPECT_NE(ok.body.find("page.pdf: imported as pdf, signature unsigned; not a curcrunch report: "
                           "stored as a document"),
              std::string::npos)
        << ok.body;
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_NE(ok.body.find("passwd.pdf: imported as report"), std::string::npos) << ok.body;
    EXPECT_NE(ok.body.find("notes.pdf: not imported: not a PDF (no %PDF- header)"),
              std::string::npos);
    EXPECT_NE(ok.body.find("big.pdf: larger than the upload limit"), std::string::npos);
    EXPECT_EQ(query_one(s.db,
                        "SELECT group_concat(path, ' ') FROM (SELECT path FROM "
                        "archive_document ORDER BY path)"),
              "upload/page.pdf upload/passwd.pdf");
    // The archive shows the audit of the imported report.
    EXPECT_NE(s.get("/archive").body.find("matches today's data"), std::string::npos);
    EXPECT_NE(s.get("/api/archive").body.find("\"audit_differences\":0"), std::string::npos);
    EXPECT_NE(s.get("/archive?sort=pages&dir=asc")
                  .body.find("aria-sort=\"ascending\"><a "
                             "href=\"/archive?preset=last-12-months"
                             "&amp;dir=desc&amp;sort=pages\">Pages"),
              std::string::npos);
}

TEST(Serve, ThePdfExportIsTheReportOfTheView) {
    Served s;
    auto r = s.get("/report.pdf?" + kTwoMonths + "&service=AmazonEC2");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(*r.header("content-type"), "application/pdf");
    EXPECT_NE(r.header("content-disposition")->find("curcrunch-report-2026-09-01-2026-10-31.pdf"),
              std::string::npos);
    write_file(s.tmp / "view.pdf", r.body);
    EXPECT_EQ(std::system(("qpdf --check " + (s.tmp / "view.pdf") + " >/dev/null").c_str()), 0);
    const std::string json =
        run_cli({"import-pdf", "--db", s.db, s.tmp / "view.pdf"}).out;  // valid metadata
    EXPECT_NE(json.find("imported"), std::string::npos) << json;
    EXPECT_EQ(query_one(s.db, "SELECT total FROM report"), "6160000000000");  // EC2 only
}

TEST(Serve, ATokenGuardsEveryRequestAndALoginSetsTheCookie) {
    TempDir t;
    write_file(t / "token", "s3cret-token-for-the-dashboard\n");
    Served s(t / "token");
    EXPECT_TRUE(s.dash->token_required());
    EXPECT_EQ(s.get("/").status, 401);
    EXPECT_NE(s.get("/").body.find("Access token"), std::string::npos);
    EXPECT_EQ(s.get("/api/overview").status, 401);
    EXPECT_EQ(s.get("/report.pdf").status, 401);
    EXPECT_EQ(s.post("/archive/upload", "x", "text/plain").status, 401);
    EXPECT_EQ(s.post("/login", "token=wrong", "application/x-www-form-urlencoded").status, 401);
    auto in = s.post("/login", "token=s3cret-token-for-the-dashboard",
                     "application/x-www-form-urlencoded");
    EXPECT_EQ(in.status, 303);
    const std::string cookie = *in.header("set-cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    const std::string value = cookie.substr(0, cookie.find(';'));
    EXPECT_EQ(s.get("/api/overview?" + kTwoMonths, {{"Cookie", value}}).status, 200);
    EXPECT_EQ(s.get("/", {{"Cookie", "curcrunch_session=guess"}}).status, 401);
}

TEST(Serve, ABrowserCanUseTheDashboard) {
    Served s;
    ASSERT_EQ(run_cli({"report", "--db", s.db, "--from", "2026-09-01", "--to", "2026-10-31",
                       "--as-of", "2026-10-31", "--out", s.tmp / "upload.pdf"})
                  .exit_code,
              0);
    const std::string script = std::string(CURCRUNCH_SOURCE_DIR) + "/tests/browser/dashboard.mjs";
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    fs::create_directories(shots);
    const std::string cmd = "node " + script + " " + s.url("") + " " + shots.string() + " " +
                            (s.tmp / "upload.pdf") + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ASSERT_EQ(::pclose(p), 0) << out;
    EXPECT_NE(
        out.find(
            "{\"step\":\"overview\",\"title\":\"Overview · curcrunch\",\"total\":\"$761.60\"}"),
        std::string::npos)
        << out;
    EXPECT_NE(out.find("\"step\":\"range\",\"url\":\"" + s.url("/") +
                       "?range=dates&from=2026-10-01&to=2026-10-31&as_of=2026-10-31\""),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("\"total\":\"$408.80\"}"), std::string::npos) << out;
    EXPECT_NE(out.find("\"crumbs\":\"All costs › 2026-09\",\"total\":\"$352.80\""),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("\"first_before\":\"$616.00\",\"first_after\":\"$5.60\","
                       "\"aria\":\"ascending\""),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"upload\",\"notice\":true}"), std::string::npos) << out;
    EXPECT_NE(out.find("{\"step\":\"narrow\",\"overflow\":false}"), std::string::npos) << out;
    EXPECT_NE(out.find("{\"step\":\"errors\",\"errors\":[]}"), std::string::npos) << out;
    EXPECT_EQ(
        std::system(("qpdf --check " + (shots / "report.pdf").string() + " >/dev/null").c_str()),
        0);
    for (const char* png : {"overview.png", "zoom-september.png", "line-items.png", "archive.png",
                            "narrow-services.png"})
        EXPECT_GT(fs::file_size(shots / png), 10000u) << png;
}

}  // namespace CURCRUNCH_UNITY_ID
