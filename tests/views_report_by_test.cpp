// report --by tag:KEY / category:KEY (issue 13): the "Cost by" page's figures against amounts
// summed by hand from the rows of views_fixture.hpp, the embedded JSON read back by import-pdf
// and recomputed by audit (an edited figure shows), and bad values as usage errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "curcrunch/store/database.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"
#include "views_fixture.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
using namespace views_fixture;

namespace {

struct ByWorld {
    TempDir tmp;
    std::string db = tmp / "s.db", pdf = tmp / "by.pdf";
    ByWorld() {
        write_file(tmp / "cur.csv", views_fixture_csv());
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "cur.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult report(std::vector<std::string> args) {
        args.insert(args.begin(), {"report", "--db", db, "--from", "2026-08-01", "--to",
                                   "2026-10-31", "--out", pdf});
        return run_cli(args);
    }
    std::string json() const {
        return sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out;
    }
};

// One table of the JSON, from its kind and params up to the end of its rows.
std::string table_of(const std::string& json, const std::string& head) {
    const size_t at = json.find(head);
    if (at == std::string::npos) return "";
    return json.substr(at, json.find("]}]}", json.find("\"rows\":", at)) + 4 - at);
}

}  // namespace

TEST(ViewsReportBy, TagAndCategoryPagesAddUpAndAudit) {
    ByWorld w;
    auto r = w.report({"--by", "tag:Team", "--by", "category:CostCenter"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Unblended, every row: 10+4+6 + 20+2+9+1+5 + 8+3 = 68.
    EXPECT_NE(r.out.find("total $68.00"), std::string::npos) << r.out;
    const std::string json = w.json();
    EXPECT_NE(json.find("\"by\":[\"tag:team\",\"category:cost_center\"]}"), std::string::npos)
        << json;
    // Team: web rows 1, 4, 5, 8 (10+20+2+5 = 37); data rows 3, 9, 10 (6+8+3 = 17); untagged
    // rows 2, 6, 7 (4+9+1 = 14), first; 14+37+17 = 68, the total.
    EXPECT_EQ(table_of(json, "{\"kind\":\"by_value\",\"params\":{\"by\":\"tag:team\""),
              "{\"kind\":\"by_value\",\"params\":{\"by\":\"tag:team\",\"limit\":\"25\"},"
              "\"columns\":[{\"key\":\"value\",\"kind\":\"text\"},{\"key\":\"cost\",\"kind\":"
              "\"money\"},{\"key\":\"share\",\"kind\":\"percent\"}],\"rows\":[{\"key\":"
              "\"untagged\",\"cells\":[\"untagged\",\"14\",\"20.6%\"]},{\"key\":\"value:web\","
              "\"cells\":[\"web\",\"37\",\"54.4%\"]},{\"key\":\"value:data\",\"cells\":[\"data\","
              "\"17\",\"25.0%\"]},{\"key\":\"total\",\"cells\":[\"Total\",\"68\",\"100.0%\"]}]}");
    // CostCenter: CC1 rows 1, 2, 4, 9 (10+4+20+8 = 42); CC2 rows 6, 10 (9+3 = 12); untagged
    // rows 3, 5, 7, 8 (6+2+1+5 = 14).
    EXPECT_NE(table_of(json, "{\"kind\":\"by_value\",\"params\":{\"by\":\"category:cost_center\"")
                  .find("\"rows\":[{\"key\":\"untagged\",\"cells\":[\"untagged\",\"14\","
                        "\"20.6%\"]},{\"key\":\"value:CC1\",\"cells\":[\"CC1\",\"42\",\"61.8%\"]},"
                        "{\"key\":\"value:CC2\",\"cells\":[\"CC2\",\"12\",\"17.6%\"]},{\"key\":"
                        "\"total\",\"cells\":[\"Total\",\"68\",\"100.0%\"]}]}"),
              std::string::npos)
        << json;
    // The stacked bars' table, CostCenter by month: CC1 Aug 10+4, Sep 20, Oct 8; CC2 Sep 9,
    // Oct 3; untagged Aug 6, Sep 2+1+5, Oct nothing; each column its month's total.
    EXPECT_NE(
        table_of(json, "{\"kind\":\"value_months\",\"params\":{\"by\":\"category:cost_center\"")
            .find("\"rows\":[{\"key\":\"untagged\",\"cells\":[\"untagged\",\"6\",\"8\","
                  "\"0\"]},{\"key\":\"value:CC1\",\"cells\":[\"CC1\",\"14\",\"20\",\"8\"]},"
                  "{\"key\":\"value:CC2\",\"cells\":[\"CC2\",\"0\",\"9\",\"3\"]},{\"key\":"
                  "\"total\",\"cells\":[\"Total\",\"20\",\"37\",\"11\"]}]}"),
        std::string::npos)
        << json;
    // Month over month by Team: October (data through the 15th) against September 1-15 like
    // for like: web Sep rows 4 (10th) and 8 (15th), 25, against nothing: -25; the total 11
    // against Sep 1-15's 25: -14. No percentage: payer A's data ends on October 4th, so
    // October 1-15 lacks eleven of A's days (it was -100% and -56.0%: one payer against two).
    const std::string mom =
        table_of(json,
                 "{\"kind\":\"month_over_month\",\"params\":{\"limit\":\"10\",\"months\":"
                 "\"2026-08,2026-09,2026-10\",\"of\":\"tag:team\"}");
    EXPECT_NE(mom.find("{\"key\":\"value:web\",\"cells\":[\"web\",\"10\",\"27\",\"0\",\"-25\","
                       "\"partial: payer 111111111111 lacks 11 of 15 days (2026-10)\"]}"),
              std::string::npos)
        << mom;
    EXPECT_NE(mom.find("{\"key\":\"total\",\"cells\":[\"Total\",\"20\",\"37\",\"11\",\"-14\","
                       "\"partial: payer 111111111111 lacks 11 of 15 days (2026-10)\"]}"),
              std::string::npos)
        << mom;

    EXPECT_EQ(sh("qpdf --check " + w.pdf).code, 0);
    const Shell render = sh("pdftoppm -r 40 -png " + w.pdf + " " + (w.tmp / "page"));
    EXPECT_EQ(render.code, 0);
    EXPECT_EQ(render.out, "");
    const std::string text = sh("pdftotext -layout " + w.pdf + " -").out;
    for (const char* s : {"Cost by tag team", "Cost by cost category cost_center",
                          "Monthly cost by tag team (top 6 values, the rest as Other)",
                          "Month over month by cost category cost_center", "2026-10\n"})
        EXPECT_NE(text.find(s), std::string::npos) << s;

    // Read back and recomputed: no difference; the JSON's tables are checked, not skipped.
    ASSERT_EQ(run_cli({"import-pdf", "--db", w.db, w.pdf}).exit_code, 0);
    auto audit = run_cli({"audit", "--db", w.db});
    EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
    EXPECT_NE(audit.out.find("1 report(s) audited, 0 with differences above 0.01"),
              std::string::npos)
        << audit.out;
    // Figures of the page edited in the store's copy (two, so the column still adds up to its
    // total): audit recomputes the table and names both.
    {
        store::Database db(w.db, store::Database::Mode::read_write_create);
        db.exec(
            "UPDATE report SET metadata = replace(replace(metadata, '\"cells\":[\"CC1\",\"42\",', "
            "'\"cells\":[\"CC1\",\"40\",'), '\"cells\":[\"CC2\",\"12\",', "
            "'\"cells\":[\"CC2\",\"14\",')");
    }
    audit = run_cli({"audit", "--db", w.db, "--all", "--format", "csv"});
    EXPECT_EQ(audit.exit_code, 7) << audit.out << audit.err;
    for (const char* line : {",2026-08-01..2026-10-31,by_value,value:CC1,cost,40,42,2,changed\n",
                             ",2026-08-01..2026-10-31,by_value,value:CC2,cost,14,12,-2,changed\n"})
        EXPECT_NE(audit.out.find(line), std::string::npos) << line << audit.out;
}

TEST(ViewsReportBy, ReportsWithoutAGroupingStillAudit) {
    ByWorld w;
    ASSERT_EQ(w.report({"--quiet"}).exit_code, 0);
    const std::string json = w.json();
    EXPECT_EQ(json.find("\"by\":"), std::string::npos);
    EXPECT_EQ(json.find("by_value"), std::string::npos);
    ASSERT_EQ(run_cli({"import-pdf", "--db", w.db, w.pdf}).exit_code, 0);
    auto audit = run_cli({"audit", "--db", w.db});
    EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
}

TEST(ViewsReportBy, BadValuesAreUsageErrors) {
    ByWorld w;
    const std::string before = dump_store(w.db);
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--by", "tag:"}, "--by: tag: needs a key (tag:KEY, e.g. tag:team)"},
        {{"--by", "category:"},
         "--by: category: needs a key (category:KEY, e.g. category:CostCenter)"},
        {{"--by", "tag:--"},
         "--by: tag key '--' has no letters or digits (keys are stored normalized: CostCenter is "
         "cost_center)"},
        {{"--by", "service"},
         "--by: a report groups by tag:KEY or category:KEY (its other pages are by service, "
         "account and payer already); got 'service'"},
        {{"--by", "tags:team"},
         "--by: expected service, account, payer, region, usage-type, line-item-type, operation, "
         "none, tag:KEY or category:KEY; got 'tags:team'"},
        {{"--by", "tag:a", "--by", "tag:b", "--by", "tag:c", "--by", "tag:d", "--by", "tag:e"},
         "--by: at most 4 per report"},
    };
    for (const auto& [args, message] : cases) {
        auto r = w.report(args);
        EXPECT_EQ(r.exit_code, 2) << args[1];
        EXPECT_EQ(r.err, "curcrunch: error: " + message + "\n");
        EXPECT_FALSE(std::filesystem::exists(w.pdf));
    }
    EXPECT_EQ(first_difference(dump_store(w.db), before), "");
}

}  // namespace CURCRUNCH_UNITY_ID
