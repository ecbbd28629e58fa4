// Views over what the store covers: windows end at the data-through day by default, days and
// months without data are absent (never $0), and every comparison is like for like or says
// why it is not ("n/a: no data for ...", "partial: N of M days") — in summary, the report and
// the dashboard alike.
#include <gtest/gtest.h>

#include <simdjson.h>

#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_json.hpp"
#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// $10 a day of EC2 on every day of [from, to].
std::string days_csv(const std::string& from, const std::string& to) {
    std::string s = kLegacyHeader;
    Day a = 0, b = 0;
    parse_utc_day(from, a);
    parse_utc_day(to, b);
    for (Day d = a; d <= b; ++d)
        s += known_row("d" + std::to_string(d), format_day(d), "111111111111", "AmazonEC2",
                       "Amazon Elastic Compute Cloud", "10");
    return s;
}

// The same rows billed to another payer.
std::string of_payer(std::string csv, const std::string& payer) {
    for (size_t at = 0; (at = csv.find(",000011112222,", at)) != std::string::npos; at += 14)
        csv.replace(at, 14, "," + payer + ",");
    return csv;
}

// A second payer, billed the ranges past the first `after` (none when `payer` is empty).
struct SecondPayer {
    std::string payer;
    size_t after = 0;
};

struct Store {
    // Each range is one file (one billing period per file).
    explicit Store(const std::vector<std::pair<std::string, std::string>>& ranges,
                   const SecondPayer& second = SecondPayer{}) {
        std::vector<std::string> args = {"ingest", "--quiet", "--db", db};
        int n = 0;
        for (const auto& [from, to] : ranges) {
            const std::string f = tmp / ("p" + std::to_string(++n) + ".csv");
            const std::string csv = days_csv(from, to);
            write_file(f, !second.payer.empty() && static_cast<size_t>(n) > second.after
                              ? of_payer(csv, second.payer)
                              : csv);
            args.push_back(f);
        }
        auto r = run_cli(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    report::ReportData gather(const std::string& from, const std::string& to) {
        store::Database database(db, store::Database::Mode::read_only);
        report::ReportParams p;
        parse_utc_day(from, p.from);
        parse_utc_day(to, p.to);
        p.as_of = store::default_as_of(database, today_utc());
        report::Sections s;
        s.line_items = s.reconciliation = s.recommendations = s.sources = false;
        return report::gather_report(database, p, nullptr, s);
    }
    TempDir tmp;
    std::string db = tmp / "store.db";
};

}  // namespace

// Data from 2026-08-01 through 2026-09-15: September is half there.
TEST(Coverage, AStoreEndingMidMonthComparesLikeForLike) {
    Store s({{"2026-08-01", "2026-08-31"}, {"2026-09-01", "2026-09-15"}});
    // The whole of September asked for: cut to the 15 days with data, against August 1-15.
    const auto sept = s.gather("2026-09-01", "2026-09-30");
    EXPECT_TRUE(sept.coverage.partial());
    EXPECT_EQ(sept.coverage.days_with_data, 15);
    EXPECT_TRUE(sept.vs_previous.like_for_like_cut);
    EXPECT_EQ(format_day(sept.vs_previous.previous.from), "2026-08-01");
    EXPECT_EQ(format_day(sept.vs_previous.previous.to), "2026-08-15");
    EXPECT_EQ(sept.vs_previous.verdict(), "+0.0%");  // $150 against $150
    EXPECT_EQ(sept.month_over_month.verdict(), "+0.0%");
    EXPECT_EQ(sept.month_over_month.current_label, "2026-09");
    // The months: September partial, nothing $0.
    const report::TrendPoint& m = sept.months.back();
    EXPECT_EQ(m.key, "2026-09");
    EXPECT_TRUE(m.partial());
    EXPECT_EQ(m.days_with_data, 15);
    EXPECT_TRUE(sept.months[sept.months.size() - 3].no_data());  // July
    // A view ending mid-month compares its month to date with the same days before.
    const auto part = s.gather("2026-09-01", "2026-09-10");
    EXPECT_EQ(format_day(part.month_over_month.previous.from), "2026-08-01");
    EXPECT_EQ(format_day(part.month_over_month.previous.to), "2026-08-10");
    EXPECT_EQ(part.month_over_month.verdict(), "+0.0%");
    // A year earlier there is nothing: said, not computed against $0.
    EXPECT_EQ(sept.vs_year_ago.verdict(), "n/a: no data for 2025-09-01 to 2025-09-15");

    // The summary page of the report says the same.
    const std::string pdf = s.tmp / "r.pdf";
    auto r = run_cli({"report", "--db", s.db, "--preset", "month-to-date", "--out", pdf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The preset ends at the data-through day, not today.
    EXPECT_NE(r.out.find("2026-09-01 to 2026-09-15"), std::string::npos) << r.out;
    const std::string text = sh("pdftotext -layout " + pdf + " -").out;
    EXPECT_NE(text.find("this period 2026-09-01 to 2026-09-15 ($150.00) vs previous period"),
              std::string::npos)
        << text;
    const report::ReportMeta meta =
        report::parse_report_json(sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out);
    EXPECT_EQ(format_day(meta.params.as_of), "2026-09-15");
}

// One payer's month not delivered yet: the days have data of the other payer only, so the month
// is partial, its comparison is not made, no forecast is made from one payer's month to date,
// and a table by payer compares each payer over its own days. The union of the payers' days
// made October 1-14 look whole and compared one payer's October with two payers' September.
TEST(Coverage, APayerWhoseMonthIsMissingMakesTheMonthPartial) {
    // Payer 000011112222: August through October 14th; payer 333344445555: August and September.
    Store s({{"2026-08-01", "2026-08-31"},
             {"2026-09-01", "2026-09-30"},
             {"2026-10-01", "2026-10-14"},
             {"2026-08-01", "2026-08-31"},
             {"2026-09-01", "2026-09-30"}},
            SecondPayer{"333344445555", 3});
    const auto oct = s.gather("2026-10-01", "2026-10-31");
    EXPECT_EQ(oct.coverage.days_with_data, 14);
    EXPECT_TRUE(oct.coverage.partial());
    EXPECT_EQ(oct.coverage.payers_short_text(), "payer 333344445555 lacks 14 of 31 days");
    EXPECT_EQ(oct.month_over_month.verdict(),
              "partial: payer 333344445555 lacks 14 of 14 days (2026-10)");
    EXPECT_FALSE(oct.forecast);
    EXPECT_EQ(oct.forecast_withheld, "payer 333344445555 lacks 14 of 14 days");
    EXPECT_EQ(oct.data_through_status, store::PeriodStatus::unknown);

    auto r = run_cli({"summary", "--db", s.db, "--preset", "month-to-date", "--by", "none"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("data for every day (2026-10-01 to 2026-10-14); partial: payer "
                         "333344445555 lacks 14 of 14 days"),
              std::string::npos)
        << r.out;
    // By payer: the payer with October compared like for like, the other without data.
    r = run_cli({"summary", "--db", s.db, "--mom", "1", "--by", "payer", "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2026-10,000011112222,000011112222,140,140,0,+0.0%,yes,"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("2026-10,333344445555,333344445555,,140,-140,n/a: no data for "
                         "2026-10-01 to 2026-10-14,no,no data,"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("2026-10,(total),Total,140,280,-140,partial: payer 333344445555 lacks "
                         "14 of 14 days (2026-10),yes,"),
              std::string::npos)
        << r.out;
    // The report's first page says it where it gave a percentage and a forecast.
    const std::string pdf = s.tmp / "r.pdf";
    r = run_cli({"report", "--db", s.db, "--preset", "month-to-date", "--out", pdf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string text = sh("pdftotext " + pdf + " -").out;
    EXPECT_NE(text.find("payer 333344445555 lacks 14 of 14"), std::string::npos) << text;
    EXPECT_EQ(text.find("Forecast for 2026-10 (estimate)"), std::string::npos) << text;
}

// A payer that left (its last month September) is expected in the month after, its next
// delivery, and no longer: November is whole with the other payer's days alone.
TEST(Coverage, APayerThatLeftIsNotExpectedForEver) {
    Store s({{"2026-08-01", "2026-08-31"},
             {"2026-09-01", "2026-09-30"},
             {"2026-10-01", "2026-10-31"},
             {"2026-11-01", "2026-11-10"},
             {"2026-08-01", "2026-08-31"},
             {"2026-09-01", "2026-09-30"}},
            SecondPayer{"333344445555", 4});
    const auto oct = s.gather("2026-10-01", "2026-10-31");
    EXPECT_EQ(oct.coverage.payers_short_text(), "payer 333344445555 lacks 31 of 31 days");
    // October's bar and table row say so though every day has data (of one payer).
    EXPECT_TRUE(oct.months.back().partial());
    EXPECT_EQ(oct.months.back().shortfall(), "a payer lacks days");
    const auto nov = s.gather("2026-11-01", "2026-11-10");
    EXPECT_TRUE(nov.coverage.complete()) << nov.coverage.payers_short_text();
    EXPECT_EQ(nov.month_over_month.verdict(),
              "partial: payer 333344445555 lacks 10 of 10 days (2026-10)");  // October 1-10
    EXPECT_TRUE(nov.forecast);
}

// A window half of whose comparison window has no data says so instead of a percentage.
TEST(Coverage, APartialSideIsSaidNotComputed) {
    Store s({{"2026-08-01", "2026-08-31"}, {"2026-09-01", "2026-09-15"}});
    // 08-16..09-15 against 07-16..08-15, of which only August 1-15 has data.
    const auto d = s.gather("2026-08-16", "2026-09-15");
    EXPECT_TRUE(d.vs_previous.previous.partial());
    EXPECT_EQ(d.vs_previous.verdict(), "partial: 15 of 31 days (previous period)");
    // The same days in the table rows: no percentage either.
    const report::ReportTable t = report::build_table(d, "changes", {{"of", "services"}});
    EXPECT_EQ(t.cell(t.rows[0], "change_pct"), "partial");
    // The 12 months to the data-through day: the year before has nothing.
    const auto year = s.gather("2025-10-01", "2026-09-15");
    EXPECT_EQ(year.vs_previous.verdict(), "n/a: no data for 2024-10-01 to 2025-09-15");
    EXPECT_TRUE(year.coverage.partial());
    // summary says how much of its range has data.
    auto summary = run_cli({"summary", "--db", s.db, "--from", "2026-07-01", "--to", "2026-09-30",
                            "--granularity", "total", "--by", "none"});
    ASSERT_EQ(summary.exit_code, 0) << summary.err;
    EXPECT_NE(summary.out.find("data for 46 of 92 days (2026-08-01 to 2026-09-15)"),
              std::string::npos)
        << summary.out;
    // ...and its presets end where the data ends.
    auto last30 = run_cli({"summary", "--db", s.db, "--preset", "last-30-days", "--granularity",
                           "total", "--by", "none", "--format", "json"});
    EXPECT_NE(last30.out.find("\"from\":\"2026-08-17\",\"to\":\"2026-09-15\""), std::string::npos)
        << last30.out;
    EXPECT_NE(last30.out.find("\"total\":\"300\""), std::string::npos) << last30.out;
}

// June and August, no July: July is a gap in every chart and "no data" in every table.
TEST(Coverage, AGapMonthIsAbsentNeverZero) {
    Store s({{"2026-06-01", "2026-06-30"}, {"2026-08-01", "2026-08-31"}});
    const auto d = s.gather("2026-06-01", "2026-08-31");
    bool july = false;
    for (const auto& m : d.months)
        if (m.key == "2026-07") {
            july = true;
            EXPECT_TRUE(m.no_data());
        }
    EXPECT_TRUE(july);
    // August against July: no data, no percentage.
    EXPECT_EQ(d.month_over_month.verdict(), "n/a: no data for 2026-07-01 to 2026-07-31");

    curcrunch::net::HttpClient http(curcrunch::net::ClientOptions{});
    curcrunch::serve::ServeOptions o;
    o.db_path = s.db;
    o.port = 0;
    curcrunch::serve::Dashboard dash(o);
    const int port = dash.bind();
    std::thread t([&] { dash.run(); });
    auto get = [&](const std::string& path) {
        curcrunch::net::Request r;
        r.url = "http://127.0.0.1:" + std::to_string(port) + path;
        return http.perform(r).response;
    };
    const auto trends = get("/api/trends?from=2026-06-01&to=2026-08-31&granularity=month");
    EXPECT_NE(trends.body.find("{\"month\":\"2026-07\",\"cost\":null,\"days\":31,"
                               "\"days_with_data\":0,\"first_day\":\"2026-07-01\","
                               "\"last_day\":\"2026-07-31\",\"partial\":false}"),
              std::string::npos)
        << trends.body;
    EXPECT_NE(trends.body.find("{\"bucket\":\"2026-07\",\"cost\":null,\"days\":31,"
                               "\"days_with_data\":0,\"first_day\":\"2026-07-01\","
                               "\"last_day\":\"2026-07-31\",\"partial\":false}"),
              std::string::npos)
        << trends.body;
    const auto page = get("/trends?from=2026-06-01&to=2026-08-31");
    EXPECT_NE(page.body.find("no data: 2026-07-01 to 2026-07-31"), std::string::npos);
    EXPECT_EQ(page.body.find("2026-07-15: $0.00"), std::string::npos);  // never a $0 point
    EXPECT_NE(page.body.find("<td>2026-07-15</td><td class=\"num\"></td><td>no data</td>"),
              std::string::npos);
    // Without dates the view ends at the data-through day.
    const auto overview = get("/api/overview");
    EXPECT_NE(overview.body.find("\"data_through\":\"2026-08-31\""), std::string::npos);
    EXPECT_NE(overview.body.find("\"to\":\"2026-08-31\""), std::string::npos) << overview.body;
    dash.stop();
    t.join();
}

}  // namespace CURCRUNCH_UNITY_ID
