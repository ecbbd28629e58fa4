// The Organizations inventory on screen: after a real `fetch` against the AWS test server, the
// dashboard (over HTTP on 127.0.0.1) shows every account as "Name (id)" with its OU path,
// status, joined date and payer, groups accounts by OU with exact costs, names accounts in its
// breadcrumbs, overview and comparison, refuses a bad grouping with a 400; the PDF report names
// them too; and chromium renders the Accounts page at desktop and phone width.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <thread>

#include "curcrunch/net/http_client.hpp"
#include "curcrunch/report/report_table.hpp"
#include "curcrunch/serve/dashboard.hpp"
#include "fetch_world.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

const std::string kRange = "from=2026-09-01&to=2026-10-31&as_of=2026-10-31";

// A World fetched once, with root -> Workloads -> Prod -> accounts 0 and 1, root -> Workloads ->
// account 3, root -> Sandbox -> account 2 (suspended), account 4 (no costs) at the root; then a
// dashboard over its store.
struct FetchedDashboard {
    FetchedDashboard() {
        EXPECT_EQ(w.account_ids.size(), 4u);  // billed in the World's CUR exports (two payers)
        w.billing.add_account("222222222222", "Team 2222");  // no costs, at the root
        w.account_ids.push_back("222222222222");
        w.billing.org.add_ou("ou-ab12-aaaaaaaa", "Workloads", OrgTreeService::kRoot);
        w.billing.org.add_ou("ou-ab12-bbbbbbbb", "Prod", "ou-ab12-aaaaaaaa");
        w.billing.org.add_ou("ou-ab12-cccccccc", "Sandbox", OrgTreeService::kRoot);
        w.billing.org.place(w.account_ids[0], "ou-ab12-bbbbbbbb");
        w.billing.org.place(w.account_ids[1], "ou-ab12-bbbbbbbb");
        w.billing.org.place(w.account_ids[2], "ou-ab12-cccccccc");
        w.billing.org.place(w.account_ids[3], "ou-ab12-aaaaaaaa");
        w.billing.set_state(w.account_ids[2], "SUSPENDED");
        auto r = run_cli(w.args(), w.env());
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        serve::ServeOptions o;
        o.db_path = w.db;
        o.port = 0;
        dash = std::make_unique<serve::Dashboard>(o);
        port = dash->bind();
        thread = std::thread([this] { dash->run(); });
    }
    ~FetchedDashboard() {
        dash->stop();
        thread.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port) + path;
    }
    net::Response get(const std::string& path) {
        net::HttpClient http{net::ClientOptions{}};
        net::Request r;
        r.url = url(path);
        auto res = http.perform(r);
        EXPECT_TRUE(res.ok()) << res.error_text;
        return res.response;
    }
    std::string label(int i) const {
        const std::string& id = w.account_ids[static_cast<size_t>(i)];
        return "Team " + id.substr(0, 4) + " (" + id + ")";
    }

    World w;
    std::unique_ptr<serve::Dashboard> dash;
    int port = 0;
    std::thread thread;
};

std::string text_of(simdjson::dom::element e, const char* key) {
    std::string_view v;
    return e[key].get_string().get(v) ? "?" : std::string(v);
}

}  // namespace

TEST(OrgDashboard, AccountsPageShowsOuPathStatusJoinedAndPayerAndGroupsByOu) {
    FetchedDashboard f;
    auto page = f.get("/accounts?" + kRange);
    ASSERT_EQ(page.status, 200) << page.body;
    for (const char* head : {"Organizational unit", "Status", "Joined", "Payer"})
        EXPECT_NE(page.body.find(std::string(head) + "</a></th>"), std::string::npos) << head;
    // One row: name with id, OU path, status, joined date, payer (the management account).
    const std::string row2 = f.label(2) +
                             "</a></td><td>Root / Sandbox</td><td>SUSPENDED</td>"
                             "<td>2016-12-15</td><td>111111111111</td>";
    EXPECT_NE(page.body.find(row2), std::string::npos) << page.body;
    EXPECT_NE(page.body.find(f.label(0) + "</a></td><td>Root / Workloads / Prod</td>"),
              std::string::npos);

    auto by_ou = f.get("/accounts?" + kRange + "&group=ou");
    ASSERT_EQ(by_ou.status, 200);
    EXPECT_NE(by_ou.body.find("<caption>By organizational unit</caption>"), std::string::npos);
    // The OU links to its accounts; the groups keep the tree's order.
    const size_t root = by_ou.body.find(">Root</a></td><td>r-ab12</td><td class=\"num\">1<"),
                 sandbox = by_ou.body.find(
                     ">Root / Sandbox</a></td><td>ou-ab12-cccccccc</td><td class=\"num\">1<"),
                 prod = by_ou.body.find(
                     ">Root / Workloads / Prod</a></td><td>ou-ab12-bbbbbbbb</td><td "
                     "class=\"num\">2<");
    ASSERT_NE(root, std::string::npos) << by_ou.body;
    ASSERT_NE(sandbox, std::string::npos) << by_ou.body;
    ASSERT_NE(prod, std::string::npos) << by_ou.body;
    EXPECT_LT(root, sandbox);
    EXPECT_LT(sandbox, prod);
    const std::string& a = f.w.account_ids[0];
    const std::string& b = f.w.account_ids[1];
    EXPECT_NE(by_ou.body.find("account=" + std::min(a, b) + "&amp;account=" + std::max(a, b)),
              std::string::npos);

    // A bad grouping is a 400 naming the parameter, in HTML and JSON alike.
    auto bad = f.get("/accounts?" + kRange + "&group=team");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("group: expected account, ou or payer, got &#39;team&#39;"),
              std::string::npos)
        << bad.body;
    auto bad_api = f.get("/api/accounts?group=%3Cx%3E");
    EXPECT_EQ(bad_api.status, 400);
    EXPECT_NE(bad_api.body.find("group: expected account, ou or payer"), std::string::npos);

    // A later fetch that only changes accounts (the CUR files are unchanged, so nothing is
    // ingested) shows at once, on the Accounts page and in the cached figures of the overview.
    EXPECT_NE(f.get("/?" + kRange).body.find(f.label(1)), std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // stamps have whole seconds
    f.w.billing.rename_account(f.w.account_ids[1], "Renamed team");
    f.w.billing.org.place(f.w.account_ids[1], "ou-ab12-cccccccc");
    const std::string long_name = "Shared data platform for the analytics and reporting teams";
    f.w.billing.rename_account(f.w.account_ids[2], long_name);
    f.w.billing.org.add_ou("ou-ab12-dddddddd", "Payments platform", "ou-ab12-bbbbbbbb");
    f.w.billing.org.place(f.w.account_ids[0], "ou-ab12-dddddddd");
    auto again = run_cli(f.w.args(), f.w.env());
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("0 ingested, 4 unchanged"), std::string::npos) << again.out;
    const std::string renamed = "Renamed team (" + f.w.account_ids[1] + ")";
    EXPECT_NE(f.get("/accounts?" + kRange).body.find(renamed + "</a></td><td>Root / Sandbox</td>"),
              std::string::npos);
    EXPECT_NE(f.get("/?" + kRange).body.find(renamed), std::string::npos);

    // In the PDF's narrow columns a long name is shortened and keeps its id; a deep OU path
    // loses its outer OUs first. The embedded JSON keeps both whole.
    const std::string pdf = f.w.tmp / "long.pdf";
    ASSERT_EQ(run_cli({"report", "--db", f.w.db, "--from", "2026-09-01", "--to", "2026-10-31",
                       "--as-of", "2026-10-31", "--out", pdf})
                  .exit_code,
              0);
    ASSERT_EQ(std::system(("pdftotext -layout " + pdf + " " + pdf + ".txt").c_str()), 0);
    const std::string text = read_file(pdf + ".txt");
    EXPECT_NE(text.find("\u2026 (" + f.w.account_ids[2] + ")"), std::string::npos) << text;
    EXPECT_NE(text.find("\u2026 / Prod / Payments platform"), std::string::npos) << text;
    const std::string json = f.w.tmp / "long.json";
    ASSERT_EQ(
        std::system(("qpdf --show-attachment=curcrunch-report.json " + pdf + " > " + json).c_str()),
        0);
    const std::string meta = read_file(json);
    EXPECT_NE(meta.find(long_name + " (" + f.w.account_ids[2] + ")"), std::string::npos);
    EXPECT_NE(meta.find("Root / Workloads / Prod / Payments platform"), std::string::npos);
}

TEST(OrgDashboard, TheJsonTwinAddsUpAndEveryViewNamesAccountsWithTheirIds) {
    FetchedDashboard f;
    auto api = f.get("/api/accounts?" + kRange);
    ASSERT_EQ(api.status, 200);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_FALSE(parser.parse(api.body).get(doc)) << api.body;
    Amount total = 0, accounts_sum = 0, ous_sum = 0;
    ASSERT_EQ(parse_amount(text_of(doc, "total"), total), ParseStatus::ok);
    std::map<std::string, std::string> seen;
    for (simdjson::dom::element e : doc["accounts"].get_array()) {
        Amount c = 0;
        ASSERT_EQ(parse_amount(text_of(e, "cost"), c), ParseStatus::ok);
        accounts_sum += c;
        seen[text_of(e, "account")] = text_of(e, "label") + "|" + text_of(e, "ou_path") + "|" +
                                      text_of(e, "status") + "|" + text_of(e, "payer");
    }
    for (simdjson::dom::element e : doc["ous"].get_array()) {
        Amount c = 0;
        ASSERT_EQ(parse_amount(text_of(e, "cost"), c), ParseStatus::ok);
        ous_sum += c;
    }
    EXPECT_EQ(accounts_sum, total);
    EXPECT_EQ(ous_sum, total);
    EXPECT_EQ(seen[f.w.account_ids[2]], f.label(2) + "|Root / Sandbox|SUSPENDED|111111111111");

    // Breadcrumbs, the overview's top accounts and the comparison name accounts with ids.
    const std::string& a0 = f.w.account_ids[0];
    auto filtered = f.get("/services?" + kRange + "&account=" + a0);
    EXPECT_NE(filtered.body.find("<span>account " + f.label(0) + "</span>"), std::string::npos)
        << filtered.body;
    for (const char* path : {"/", "/compare"})
        EXPECT_NE(f.get(std::string(path) + "?" + kRange).body.find(f.label(1)), std::string::npos)
            << path;

    // The PDF report of the same view: its account page names them too, with their OU.
    const std::string pdf = f.w.tmp / "accounts.pdf";
    ASSERT_EQ(run_cli({"report", "--db", f.w.db, "--from", "2026-09-01", "--to", "2026-10-31",
                       "--as-of", "2026-10-31", "--out", pdf})
                  .exit_code,
              0);
    ASSERT_EQ(std::system(("pdftotext -layout " + pdf + " " + pdf + ".txt").c_str()), 0);
    const std::string text = read_file(pdf + ".txt");
    EXPECT_NE(text.find(f.label(0)), std::string::npos) << text;
    EXPECT_NE(text.find("Root / Workloads / Prod"), std::string::npos) << text;
    EXPECT_NE(text.find("Organizational unit"), std::string::npos) << text;
    // That page is the table account_breakdown: imported back, it audits clean against the
    // store that wrote it. Reports written before it hold "accounts", still known to audit.
    auto imp = run_cli({"import-pdf", "--db", f.w.db, pdf});
    ASSERT_EQ(imp.exit_code, 0) << imp.out << imp.err;
    auto audit = run_cli({"audit", "--db", f.w.db, "--format", "csv"});
    EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
    EXPECT_EQ(audit.out.find("account_breakdown"), std::string::npos) << audit.out;
    EXPECT_TRUE(report::known_table_kind("accounts"));
}

TEST(OrgDashboard, ChromiumRendersTheAccountsPageAtDesktopAndPhoneWidth) {
    FetchedDashboard f;
    const std::string script = std::string(CURCRUNCH_SOURCE_DIR) + "/tests/browser/accounts.mjs";
    const fs::path shots = fs::path(CURCRUNCH_BINARY).parent_path() / "screenshots";
    fs::create_directories(shots);
    const std::string cmd =
        "node " + script + " " + f.url("") + " " + shots.string() + " '" + kRange + "' 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ASSERT_EQ(::pclose(p), 0) << out;
    EXPECT_NE(out.find("[\"" + f.label(2) +
                       "\",\"Root / Sandbox\",\"SUSPENDED\",\"2016-12-15\","
                       "\"111111111111\","),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"by-ou\",\"url\":\"" + f.url("/accounts?") + kRange +
                       "&group=ou\",\"rows\":[[\"Root\",\"r-ab12\",\"1\","),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"ou-drill\",\"rows\":2,"), std::string::npos) << out;
    EXPECT_NE(
        out.find("{\"step\":\"accounts-phone\",\"overflow\":false,\"table_fits_screen\":true}"),
        std::string::npos)
        << out;
    EXPECT_NE(
        out.find("{\"step\":\"accounts-ou-phone\",\"overflow\":false,\"table_fits_screen\":true}"),
        std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"step\":\"errors\",\"errors\":[]}"), std::string::npos) << out;
    for (const char* png :
         {"accounts.png", "accounts-ou.png", "accounts-phone.png", "accounts-ou-phone.png"})
        EXPECT_GT(fs::file_size(shots / png), 10000u) << png;
}

}  // namespace CURCRUNCH_UNITY_ID
