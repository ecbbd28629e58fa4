// The dashboard's archive as an auditor uses it: uploads verified against serve --trust-file as
// import-pdf does (valid, untrusted, refused without a valid signature when required), and each
// report's audit state — matches, changed, or no data any more — on the page and in its JSON.
#include <gtest/gtest.h>

#include "served_dashboard.hpp"
#include "test_pki.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

const std::string kBoundary = "curcrunch-archive-boundary";
const std::string kMultipart = "multipart/form-data; boundary=" + kBoundary;

// A report of `months` (YYYY-MM, EC2 cost) written by a store of its own.
std::string report_of(const TempDir& tmp, const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& months,
                      const std::vector<std::string>& extra = {}) {
    const std::string db = tmp / (name + ".db"), pdf = tmp / (name + ".pdf");
    std::vector<std::string> ingest = {"ingest", "--quiet", "--db", db};
    for (const auto& [m, cost] : months) {
        write_file(tmp / (name + "-" + m + ".csv"), known_month_csv(m, cost));
        ingest.push_back(tmp / (name + "-" + m + ".csv"));
    }
    EXPECT_EQ(run_cli(ingest).exit_code, 0);
    const std::string from = months.front().first + "-01", to = months.back().first + "-28";
    std::vector<std::string> args = {"report", "--db",    db, "--from", from, "--to",
                                     to,       "--as-of", to, "--out",  pdf};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_file(pdf);
}

std::string upload(Served& s, const std::string& name, const std::string& pdf) {
    const std::string csrf = csrf_of(s.get("/archive").body);
    auto r = s.post("/archive/upload",
                    multipart({{"csrf", "", csrf}, {"pdf", name, pdf}}, kBoundary), kMultipart);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
}

}  // namespace

TEST(ArchiveDashboard, UploadsAreVerifiedAgainstTheTrustFile) {
    TempDir keys;
    Pki pki(keys);
    Served s("", [&](serve::ServeOptions& o) { o.trust_file = pki.ca(); });
    const std::string signed_pdf = report_of(s.tmp, "signed", {{"2026-09", "10.00"}}, pki.leaf());
    const std::string mallory_pdf =
        report_of(s.tmp, "mallory", {{"2026-10", "12.00"}}, pki.mallory());
    EXPECT_NE(upload(s, "signed.pdf", signed_pdf).find("signed.pdf: imported as report"),
              std::string::npos);
    const std::string m = upload(s, "mallory.pdf", mallory_pdf);
    EXPECT_NE(m.find("mallory.pdf: imported as report"), std::string::npos) << m;
    EXPECT_NE(m.find("<p class=\"error\">mallory.pdf: imported as report"), std::string::npos) << m;
    EXPECT_NE(m.find("signature untrusted (CN=Mallory: the certificate does not chain to the "
                     "trust file"),
              std::string::npos)
        << m;
    EXPECT_EQ(query_one(s.db,
                        "SELECT group_concat(path || ' ' || signature || ' ' || signer, '; ') "
                        "FROM (SELECT * FROM archive_document ORDER BY path)"),
              "upload/mallory.pdf untrusted CN=Mallory; upload/signed.pdf valid CN=Finance "
              "Reports, O=Example Corp");
    const std::string page = s.get("/archive").body;
    EXPECT_NE(page.find("signature valid (CN=Finance Reports, O=Example Corp)"), std::string::npos)
        << page;
    EXPECT_NE(page.find("signature untrusted (CN=Mallory)"), std::string::npos) << page;
    const std::string api = s.get("/api/archive").body;
    EXPECT_NE(api.find("\"signature\":\"valid\",\"signer\":\"CN=Finance Reports, O=Example "
                       "Corp\""),
              std::string::npos)
        << api;
}

TEST(ArchiveDashboard, RequireSignatureRefusesUnsignedAndUntrustedReports) {
    TempDir keys;
    Pki pki(keys);
    Served s("", [&](serve::ServeOptions& o) {
        o.trust_file = pki.ca();
        o.require_signature = true;
    });
    const std::string plain =
        upload(s, "plain.pdf", report_of(s.tmp, "plain", {{"2026-09", "10.00"}}));
    EXPECT_NE(plain.find("plain.pdf: not imported:"), std::string::npos) << plain;
    EXPECT_NE(plain.find("unsigned, and --require-signature asks for a valid signature"),
              std::string::npos)
        << plain;
    const std::string mallory = upload(
        s, "mallory.pdf", report_of(s.tmp, "mallory", {{"2026-09", "10.00"}}, pki.mallory()));
    EXPECT_NE(mallory.find("mallory.pdf: not imported:"), std::string::npos) << mallory;
    EXPECT_EQ(query_one(s.db, "SELECT count(*) FROM archive_document"), "0");
    const std::string ok =
        upload(s, "signed.pdf", report_of(s.tmp, "signed", {{"2026-09", "10.00"}}, pki.leaf()));
    EXPECT_NE(ok.find("signed.pdf: imported as report"), std::string::npos) << ok;
    EXPECT_EQ(query_one(s.db, "SELECT count(*) FROM archive_document"), "1");
}

TEST(ArchiveDashboard, TrustOptionsAreCheckedBeforeTheServerStarts) {
    TempDir t;
    write_file(t / "oct.csv", known_month_csv("2026-10", "12.00"));
    const std::string db = t / "store.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, t / "oct.csv"}).exit_code, 0);
    auto alone = run_cli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--require-signature"});
    EXPECT_EQ(alone.exit_code, 2);
    EXPECT_NE(alone.err.find("--require-signature needs --trust-file"), std::string::npos)
        << alone.err;
    write_file(t / "empty.pem", "");
    auto empty =
        run_cli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--trust-file", t / "empty.pem"});
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_NE(empty.err.find("--trust-file " + (t / "empty.pem")), std::string::npos) << empty.err;
}

TEST(ArchiveDashboard, EachReportSaysWhetherItMatchesChangedOrLostItsData) {
    Served s;  // September $10 and October $12 of EC2
    // The same September: matches. September restated to $11: changed. August, which this
    // store never held: no data.
    upload(s, "same.pdf", report_of(s.tmp, "same", {{"2026-09", "10.00"}}));
    upload(s, "restated.pdf", report_of(s.tmp, "restated", {{"2026-09", "11.00"}}));
    upload(s, "august.pdf", report_of(s.tmp, "august", {{"2026-08", "9.00"}}));
    auto id_of = [&](const std::string& path) {
        return query_one(
            s.db, "SELECT report_id FROM archive_document WHERE path = 'upload/" + path + "'");
    };
    const std::string page = s.get("/archive").body;
    const std::string api = s.get("/api/archive").body;
    auto state_of = [&](const std::string& path) {
        const size_t at = api.find("\"report_id\":\"" + id_of(path) + "\"");
        if (at == std::string::npos) return std::string();
        const size_t st = api.find("\"audit_state\":", at);
        return api.substr(st, api.find(',', st) - st);
    };
    EXPECT_EQ(state_of("same.pdf"), "\"audit_state\":\"matches\"") << api;
    EXPECT_EQ(state_of("restated.pdf"), "\"audit_state\":\"changed\"") << api;
    EXPECT_EQ(state_of("august.pdf"), "\"audit_state\":\"no data\"") << api;
    EXPECT_NE(api.find("\"audit_data_loss\":\"no data any more: 2026-08 no longer in the store\""),
              std::string::npos)
        << api;
    EXPECT_NE(page.find("matches today's data"), std::string::npos);
    EXPECT_NE(page.find("<b>no data any more: 2026-08 no longer in the store</b>"),
              std::string::npos)
        << page;
    // The restated report: what it said, what the store says now; the list stops after eight.
    // (The month-over-month tables and the stacked monthly bars add 10 of the restated report's
    // 50 cells, 25 of the August report's 115. Neither report has a change chart: their previous
    // periods have no data.)
    EXPECT_NE(page.find("50 difference(s)</span> (50 changed)<br>total total: 380.8 \u2192 352.8 "
                        "(changed)<br>month 2026-09: 380.8 \u2192 352.8 (changed)"),
              std::string::npos)
        << page;
    EXPECT_NE(page.find("\u2026 and 42 more: curcrunch audit --report-id " + id_of("restated.pdf")),
              std::string::npos)
        << page;
    EXPECT_NE(page.find("115 difference(s)</span> (115 no data)"), std::string::npos) << page;
}

}  // namespace CURCRUNCH_UNITY_ID
