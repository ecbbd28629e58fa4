// Filters name what the store holds: a mistyped account, service or region is a usage error
// naming it (it gave a report of $0.00), and any text a rollup holds can be chosen (a service
// code of unusual characters or 150 letters was refused, so its zoom link answered 400).
#include <gtest/gtest.h>

#include <regex>

#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

const std::string kOddCode = "Svc<b>&'(x)" + std::string(150, 'L');

// September's known month, and an odd service's three days.
Served::Files files_with_an_odd_service() {
    std::string odd = kLegacyHeader;
    for (int d = 1; d <= 3; ++d)
        odd += known_row("o" + std::to_string(d), "2026-09-0" + std::to_string(d), "111111111111",
                         kOddCode, "Odd <service> & 'co'", "3.00");
    return {{"sep.csv", known_month_csv("2026-09", "10.00")}, {"odd.csv", odd}};
}

// The first link of `html` whose target holds `needle`, its entities undone.
std::string link_with(const std::string& html, const std::string& needle) {
    const std::regex href_re("href=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), href_re);
         it != std::sregex_iterator(); ++it) {
        std::string href = (*it)[1].str();
        if (href.find(needle) == std::string::npos) continue;
        for (size_t at; (at = href.find("&amp;")) != std::string::npos;)
            href.replace(at, 5, "&");
        return href;
    }
    return "";
}

}  // namespace

TEST(FilterValues, TheCommandsRefuseValuesTheStoreDoesNotHold) {
    TempDir d;
    const std::string db = d / "s.db", csv = d / "sep.csv";
    write_file(csv, known_month_csv("2026-09", "10.00"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, csv}).exit_code, 0);
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"summary", "--service", "AmazonEC3"}, "--service: no service 'AmazonEC3' in the store"},
        {{"summary", "--account", "999999999999"},
         "--account: no account '999999999999' in the store"},
        {{"summary", "--region", "xx-east-9"}, "--region: no region 'xx-east-9' in the store"},
        {{"report", "--service", "AmazonEC2,AmazonEC3", "--out", d / "r.pdf"},
         "--service: no service 'AmazonEC3' in the store"},
        {{"report", "--account", "1' OR 1=1", "--out", d / "r.pdf"},
         "--account: no account '1' OR 1=1' in the store"},
    };
    for (const auto& [args, message] : cases) {
        std::vector<std::string> all = args;
        all.insert(all.end(), {"--db", db, "--from", "2026-09-01", "--to", "2026-09-30"});
        const RunResult r = run_cli(all);
        EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(d / "r.pdf"));
    // A code or a name the store holds is fine.
    for (const char* service : {"AmazonEC2", "Amazon Elastic Compute Cloud"}) {
        const RunResult r = run_cli({"summary", "--db", db, "--service", service, "--from",
                                     "2026-09-01", "--to", "2026-09-30", "--format", "csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
}

TEST(FilterValues, TheDashboardZoomsIntoAnyServiceItListsAndRefusesUnknownOnes) {
    Served s(files_with_an_odd_service());
    const std::string view = "from=2026-09-01&to=2026-09-30&as_of=2026-09-30";
    const auto services = s.get("/services?" + view);
    ASSERT_EQ(services.status, 200);
    const std::string zoom = link_with(services.body, "service=Svc");
    ASSERT_FALSE(zoom.empty()) << "no zoom link for the odd service";
    const auto zoomed = s.get(zoom);
    EXPECT_EQ(zoomed.status, 200) << zoom << "\n" << zoomed.body.substr(0, 400);
    EXPECT_NE(zoomed.body.find("Odd &lt;service&gt; &amp; &#39;co&#39;"), std::string::npos)
        << zoomed.body.substr(0, 400);
    EXPECT_EQ(zoomed.body.find("<service>"), std::string::npos);  // escaped, never raw
    const auto api = s.get("/api/overview?" + view + "&service=NoSuchService");
    EXPECT_EQ(api.status, 400);
    EXPECT_NE(api.body.find("service: no service 'NoSuchService' in the store"), std::string::npos)
        << api.body;
    const auto page = s.get("/accounts?" + view + "&account=123");
    EXPECT_EQ(page.status, 400);
    EXPECT_NE(page.body.find("account: no account &#39;123&#39; in the store"), std::string::npos)
        << page.body.substr(0, 2000);
    EXPECT_EQ(s.get("/report.pdf?" + view + "&region=xx-east-9").status, 400);
}

}  // namespace CURCRUNCH_UNITY_ID
