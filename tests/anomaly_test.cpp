// Anomalous days on a real store: a day is judged against the days with data before it, so it
// has one score whatever the window; days the store has no data for are never anomalies; fees
// booked on the first of a month are judged apart from usage; each anomaly names what moved.
#include <gtest/gtest.h>

#include "curcrunch/report/report_data.hpp"
#include "curcrunch/store/store.hpp"
#include "served_dashboard.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// A legacy CUR row of any line item type.
std::string typed_row(const std::string& id, const std::string& day, const std::string& account,
                      const std::string& product, const std::string& usage_type,
                      const std::string& type, const std::string& cost) {
    return id + ",000011112222," + day.substr(0, 7) + "-01T00:00:00Z," + account + "," + type +
           "," + day + "T00:00:00Z," + product + "," + usage_type + ",Run,1.0," + cost + "," +
           cost + ",line," + product + ",us-east-1," + (type == "Usage" ? "OnDemand" : "") +
           ",Hrs,\n";
}

// July to mid-September 2026: EC2 around $100 a day and S3 $20, a $400 EC2 spike on 08-20,
// RI fees and tax on the first of each month. The store has no data after 2026-09-15.
std::string quarter_csv() {
    std::string s = kLegacyHeader;
    int n = 0;
    for (Day d = days_from_civil(2026, 7, 1); d <= days_from_civil(2026, 9, 15); ++d) {
        const std::string day = format_day(d);
        const int wobble = static_cast<int>(d % 5);
        const std::string ec2 = day == "2026-08-20" ? "500" : std::to_string(100 + wobble);
        s += typed_row("e" + std::to_string(++n), day, "111111111111", "AmazonEC2",
                       "BoxUsage:m5.large", "Usage", ec2);
        s += typed_row("s" + std::to_string(++n), day, "222222222222", "AmazonS3",
                       "TimedStorage-ByteHrs", "Usage", "20");
        if (civil_from_days(d).day == 1) {
            s += typed_row("f" + std::to_string(++n), day, "111111111111", "AmazonEC2",
                           "HeavyUsage:m5.large", "RIFee", "900");
            s += typed_row("t" + std::to_string(++n), day, "111111111111", "AmazonEC2", "", "Tax",
                           "50");
        }
    }
    return s;
}

struct QuarterStore {
    QuarterStore() {
        write_file(tmp / "q.csv", quarter_csv());
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "q.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    report::ReportData gather(const std::string& from, const std::string& to) {
        store::Database database(db, store::Database::Mode::read_only);
        report::ReportParams p;
        parse_utc_day(from, p.from);
        parse_utc_day(to, p.to);
        p.as_of = p.to;
        report::Sections s;
        s.line_items = s.reconciliation = s.recommendations = s.sources = false;
        return report::gather_report(database, p, nullptr, s);
    }
    TempDir tmp;
    std::string db = tmp / "store.db";
};

const report::Anomaly* find_day(const std::vector<report::Anomaly>& v, const std::string& day) {
    for (const auto& a : v)
        if (format_day(a.day) == day) return &a;
    return nullptr;
}

}  // namespace

TEST(Anomalies, ADayHasOneScoreInEveryWindow) {
    QuarterStore q;
    const auto quarter = q.gather("2026-07-01", "2026-09-30");
    const auto month = q.gather("2026-08-01", "2026-08-31");
    const auto week = q.gather("2026-08-18", "2026-08-24");
    ASSERT_EQ(quarter.anomalies.size(), 1u);
    ASSERT_EQ(month.anomalies.size(), 1u);
    ASSERT_EQ(week.anomalies.size(), 1u);  // a week can flag a day: its history is before it
    for (const auto* d : {&quarter, &month, &week}) {
        const report::Anomaly* a = find_day(d->anomalies, "2026-08-20");
        ASSERT_NE(a, nullptr);
        EXPECT_EQ(report::format_z(a->z), report::format_z(quarter.anomalies[0].z));
        EXPECT_EQ(a->value, 520 * kUnit);   // EC2 500 + S3 20
        EXPECT_EQ(a->median, 122 * kUnit);  // the median of the 28 days with data before
        EXPECT_EQ(a->history, 28u);
    }
}

TEST(Anomalies, DaysWithoutDataAndFeesAreNeverUsageAnomalies) {
    QuarterStore q;
    // September holds 15 days of data: the 15 empty days are not $0 days, so none is flagged.
    const auto sept = q.gather("2026-09-01", "2026-09-30");
    EXPECT_TRUE(sept.anomalies.empty());
    // RI fees and tax land on the first of each month; usage is judged without them...
    const auto quarter = q.gather("2026-07-01", "2026-09-30");
    for (const auto& a : quarter.anomalies)
        EXPECT_NE(civil_from_days(a.day).day, 1u) << format_day(a.day);
    // ...and the fees by themselves: the firsts of August and September (July has no history).
    ASSERT_EQ(quarter.fee_days.size(), 2u);
    EXPECT_EQ(format_day(quarter.fee_days[0].day), "2026-08-01");
    EXPECT_EQ(format_day(quarter.fee_days[1].day), "2026-09-01");
    EXPECT_EQ(quarter.fee_days[0].value, 900 * kUnit);
    ASSERT_FALSE(quarter.fee_days[0].drivers.empty());
    EXPECT_EQ(quarter.fee_days[0].drivers[0].usage_type, "HeavyUsage:m5.large");
}

TEST(Anomalies, EachAnomalyNamesWhatMoved) {
    QuarterStore q;
    const auto month = q.gather("2026-08-01", "2026-08-31");
    ASSERT_EQ(month.anomalies.size(), 1u);
    const auto& drivers = month.anomalies[0].drivers;
    ASSERT_EQ(drivers.size(), 1u);  // only EC2 moved up; S3 stayed at its median
    EXPECT_EQ(drivers[0].service, "AmazonEC2");
    EXPECT_EQ(drivers[0].account, "111111111111");
    EXPECT_EQ(drivers[0].usage_type, "BoxUsage:m5.large");
    EXPECT_EQ(drivers[0].amount, 500 * kUnit);
    EXPECT_EQ(drivers[0].median, 102 * kUnit);
    EXPECT_EQ(drivers[0].change(), 398 * kUnit);
}

// The dashboard and the report show the same score: through the JSON API for three windows,
// and in the PDF's embedded tables with week granularity (which keeps the section).
TEST(Anomalies, DashboardAndReportAgreeAndWeekGranularityKeepsTheSection) {
    QuarterStore q;
    std::string z;
    {
        curcrunch::serve::ServeOptions o;
        o.db_path = q.db;
        o.port = 0;
        curcrunch::serve::Dashboard dash(o);
        const int port = dash.bind();
        std::thread t([&] { dash.run(); });
        curcrunch::net::HttpClient http(curcrunch::net::ClientOptions{});
        for (const char* range : {"from=2026-07-01&to=2026-09-30", "from=2026-08-01&to=2026-08-31",
                                  "from=2026-08-18&to=2026-08-24&granularity=week"}) {
            curcrunch::net::Request r;
            r.url = "http://127.0.0.1:" + std::to_string(port) + "/api/overview?" + range +
                    "&as_of=2026-09-30";
            auto res = http.perform(r);
            ASSERT_TRUE(res.ok());
            const std::string& body = res.response.body;
            const size_t at = body.find("\"day\":\"2026-08-20\"");
            ASSERT_NE(at, std::string::npos) << range << ": " << body;
            const size_t zs = body.find("\"robust_z\":\"", at) + 12;
            const std::string this_z = body.substr(zs, body.find('"', zs) - zs);
            if (z.empty()) z = this_z;
            EXPECT_EQ(this_z, z) << range;
            EXPECT_NE(body.find("\"usage_type\":\"BoxUsage:m5.large\"", at), std::string::npos);
        }
        dash.stop();
        t.join();
    }
    const std::string pdf = q.tmp / "week.pdf";
    auto r = run_cli({"report", "--db", q.db, "--from", "2026-08-01", "--to", "2026-08-31",
                      "--as-of", "2026-08-31", "--granularity", "week", "--out", pdf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string json = sh("qpdf --show-attachment=curcrunch-report.json " + pdf).out;
    EXPECT_NE(
        json.find("{\"key\":\"2026-08-20\",\"cells\":[\"2026-08-20\",\"520\",\"122\",\"398\",\"" +
                  z + "\"]}"),
        std::string::npos)
        << json;
    const std::string text = sh("pdftotext -layout " + pdf + " -").out;
    EXPECT_NE(text.find("Anomalous days"), std::string::npos);
    EXPECT_NE(text.find("BoxUsage:m5.large"), std::string::npos);
    // summary lists the same day with the same score.
    auto s = run_cli({"summary", "--db", q.db, "--anomalies", "--from", "2026-08-18", "--to",
                      "2026-08-24", "--format", "csv"});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_NE(s.out.find("usage,2026-08-20,520,122," + z +
                         ",28,AmazonEC2,111111111111,BoxUsage:m5.large,500,398,USD\n"),
              std::string::npos)
        << s.out;
}

}  // namespace CURCRUNCH_UNITY_ID
