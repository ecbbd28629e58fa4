// import-pdf and the dashboard upload against hostile PDFs: whatever qpdf throws stays with its
// file, and what a file can make us read and store is capped (a 100 MB /Title, a million Info
// keys or objects); the report JSON's sums are checked.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "curcrunch/net/http_client.hpp"
#include "curcrunch/report/report_json.hpp"
#include "curcrunch/serve/dashboard.hpp"
#include "hostile_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// 45 bytes: startxref with a number qpdf cannot convert (it throws std::range_error).
const std::string kRangeErrorPdf = "%PDF-1.0\nstartxref\n99999999999999999999\n%%EOF";

std::string known_report(const TempDir& t, const std::string& db) {
    write_file(t / "oct.csv", known_month_csv("2026-10", "12.00"));
    EXPECT_EQ(run_cli({"ingest", "--quiet", "--db", db, t / "oct.csv"}).exit_code, 0);
    const std::string pdf = t / "good.pdf";
    EXPECT_EQ(run_cli({"report", "--db", db, "--from", "2026-10-01", "--to", "2026-10-31",
                       "--as-of", "2026-10-31", "--out", pdf})
                  .exit_code,
              0);
    return pdf;
}

std::string info_pdf(const std::string& info_body) {
    auto objects = one_page_objects();
    objects.push_back(info_body);
    return tiny_pdf(objects, 4);
}

}  // namespace

TEST(PdfHostile, AQpdfRangeErrorFailsItsFileAndTheBatchGoesOn) {
    TempDir t;
    const std::string db = t / "s.db";
    const std::string good = known_report(t, db);
    write_file(t / "a-range.pdf", kRangeErrorPdf);
    RunResult r = run_cli({"import-pdf", "--db", db, t / "a-range.pdf", good});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(t / "a-range.pdf" + ": not imported: damaged PDF: "), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("1 imported, 0 already in the archive, 1 failed"), std::string::npos)
        << r.out;
    EXPECT_EQ(query_one(db, "SELECT path FROM archive_document"), good);
}

TEST(PdfHostile, TheUploadGivesEachFileItsVerdictWhateverQpdfThrows) {
    TempDir t;
    const std::string db = t / "s.db";
    const std::string good = read_file(known_report(t, db));
    serve::ServeOptions o;
    o.db_path = db;
    o.port = 0;
    serve::Dashboard dash(o);
    const int port = dash.bind();
    std::thread server([&] { dash.run(); });
    {
        net::HttpClient http{net::ClientOptions{}};
        const std::string base = "http://127.0.0.1:" + std::to_string(port);
        net::Request page;
        page.url = base + "/archive";
        auto archive = http.perform(page);
        ASSERT_TRUE(archive.ok());
        std::smatch m;
        ASSERT_TRUE(std::regex_search(archive.response.body, m,
                                      std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
        const std::string boundary = "hostile-boundary";
        std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" +
                           m[1].str() + "\r\n";
        for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
                 {"range.pdf", kRangeErrorPdf}, {"good.pdf", good}})
            body += "--" + boundary +
                    "\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"" + name +
                    "\"\r\nContent-Type: application/pdf\r\n\r\n" + content + "\r\n";
        body += "--" + boundary + "--\r\n";
        net::Request up;
        up.method = "POST";
        up.url = base + "/archive/upload";
        up.body = body;
        up.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
        auto res = http.perform(up);
        ASSERT_TRUE(res.ok()) << res.error_text;
        EXPECT_EQ(res.response.status, 200) << res.response.body;
        EXPECT_NE(res.response.body.find("range.pdf: not imported: damaged PDF: "),
                  std::string::npos)
            << res.response.body;
        EXPECT_NE(res.response.body.find("good.pdf: imported as report"), std::string::npos);
    }
    dash.stop();
    server.join();
    EXPECT_EQ(query_one(db, "SELECT path FROM archive_document"), "upload/good.pdf");
}

TEST(PdfHostile, WhatAFileCanMakeUsReadAndStoreIsCapped) {
    TempDir t;
    const std::string db = t / "s.db";
    write_file(t / "x.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-01-03", "1"));
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db, t / "x.csv"}).exit_code, 0);
    // A 100 MB /Title: over the 64 MiB file limit, refused before it is read.
    write_file(t / "title-100m.pdf", info_pdf("<</Title (" + std::string(100u << 20, 'A') + ")>>"));
    // A 1 MB /Title within the file limit: refused before qpdf parses it.
    write_file(t / "title-1m.pdf", info_pdf("<</Title (" + std::string(1u << 20, 'A') + ")>>"));
    // A million Info keys.
    std::string keys = "<<";
    char key[24];
    for (int i = 0; i < 1000000; ++i)
        keys.append(key, std::snprintf(key, sizeof key, "/K%d (v)", i));
    write_file(t / "keys-1m.pdf", info_pdf(keys + ">>"));
    // A million objects.
    auto objects = one_page_objects();
    objects.push_back("<</Title (t)>>");
    objects.resize(1000004, "(x)");
    write_file(t / "objects-1m.pdf", tiny_pdf(objects, 4));
    // 300 small Info keys: within the object limits, over the Info entry limit.
    std::string some = "<<";
    for (int i = 0; i < 300; ++i)
        some += "/K" + std::to_string(i) + " (v)";
    write_file(t / "keys-300.pdf", info_pdf(some + ">>"));
    // A small, plain one is imported, Info and all.
    write_file(t / "plain.pdf", info_pdf("<</Title (Invoice 42) /Author (AWS)>>"));

    const std::vector<std::pair<std::string, std::string>> expected = {
        {"title-100m.pdf", "larger than the import limit"},
        {"title-1m.pdf", "too large to read: object 4 holds a string longer than 64 KiB"},
        {"keys-1m.pdf", "too large to read: object 4 has more than 100000 parts"},
        {"objects-1m.pdf", "too large to read: 1000005 objects; at most 100000 are read"},
        {"keys-300.pdf", "the Info dictionary has 300 entries; at most 256 are read"}};
    // What import-pdf takes for a small file in this build (ASan: more), the base of the bound.
    const long base =
        run_cli_measured({"import-pdf", "--db", t / "base.db", t / "plain.pdf"}).max_rss_kib;
    for (const auto& [file, why] : expected) {
        MeasuredRun m = run_cli_measured({"import-pdf", "--db", db, t / file});
        EXPECT_EQ(m.run.exit_code, 3) << file << ": " << m.run.err;
        EXPECT_NE(m.run.err.find(t / file + ": not imported: " + why), std::string::npos)
            << m.run.err;
        // Before: 940, 300, 870 and 680 MB for the first four; now 20 to 60 MB (Release).
        EXPECT_LT(m.max_rss_kib, base + 160 * 1024) << file << ": " << m.max_rss_kib << " KiB";
    }
    EXPECT_EQ(query_one(db, "SELECT count(*) FROM archive_document"), "0");
    RunResult ok = run_cli({"import-pdf", "--db", db, t / "plain.pdf"});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(query_one(db, "SELECT title || ' ' || info FROM archive_document"),
              "Invoice 42 {\"Author\":\"AWS\",\"Title\":\"Invoice 42\"}");
}

namespace {

std::string report_doc(const std::string& total, const std::string& by_month) {
    return "{\"schema\":\"curcrunch-report\",\"schema_version\":1,\"report_id\":"
           "\"0b8e8f52-3c55-4d2b-9b1e-1f4b1a9d2c11\",\"generated_at\":\"2026-11-01T00:00:00Z\","
           "\"tool_version\":\"0.1.0\",\"currency\":\"USD\",\"fingerprint\":\"f\","
           "\"parameters\":{\"from\":\"2026-09-01\",\"to\":\"2026-10-31\",\"as_of\":"
           "\"2026-10-31\",\"preset\":\"\",\"accounts\":[],\"services\":[]},"
           "\"totals\":{\"total\":\"" +
           total + "\",\"by_month\":" + by_month + ",\"by_service\":{\"AmazonEC2\":\"" + total +
           "\"},\"by_account\":{\"111111111111\":\"" + total + "\"}}}";
}

// A version-2 document (tables, pages digest) totalling 1 with one top_services table.
std::string report_doc_v2(const std::string& rows) {
    return "{\"schema\":\"curcrunch-report\",\"schema_version\":2,\"report_id\":"
           "\"0b8e8f52-3c55-4d2b-9b1e-1f4b1a9d2c11\",\"generated_at\":\"2026-11-01T00:00:00Z\","
           "\"tool_version\":\"0.1.0\",\"currency\":\"USD\",\"fingerprint\":\"f\","
           "\"parameters\":{\"from\":\"2026-09-01\",\"to\":\"2026-09-30\",\"as_of\":"
           "\"2026-10-31\",\"preset\":\"\",\"accounts\":[],\"services\":[],\"regions\":[]},"
           "\"totals\":{\"total\":\"1\",\"by_month\":{\"2026-09\":\"1\"},\"by_service\":"
           "{\"AmazonEC2\":\"1\"},\"by_account\":{\"111111111111\":\"1\"}},\"pages_sha256\":\"" +
           std::string(64, 'a') +
           "\",\"data_periods\":[\"2026-09\"],\"tables\":[{\"kind\":\"top_services\","
           "\"params\":{},\"columns\":[{\"key\":\"service\",\"kind\":\"text\"},{\"key\":"
           "\"code\",\"kind\":\"text\"},{\"key\":\"cost\",\"kind\":\"money\"},{\"key\":"
           "\"share\",\"kind\":\"percent\"}],\"rows\":[" +
           rows + "]}]}";
}

std::string service_row(const std::string& key, const std::string& cost) {
    return "{\"key\":\"" + key + "\",\"cells\":[\"s\",\"c\",\"" + cost + "\",\"\"]}";
}

}  // namespace

TEST(PdfHostile, ReportJsonSumsNeverOverflow) {
    using report::parse_report_json;
    EXPECT_NO_THROW(parse_report_json(report_doc("3", "{\"2026-09\":\"1\",\"2026-10\":\"2\"}")));
    // Amounts whose sum passed 2^127 (signed overflow under UBSan).
    EXPECT_NE(error_text([] {
                  parse_report_json(
                      report_doc("1",
                                 "{\"2026-09\":\"9000000000000000000000000000\",\"2026-10\":"
                                 "\"9000000000000000000000000000\"}"));
              }).find("totals.by_month.2026-09: out of range (at most 10^14 in magnitude)"),
              std::string::npos);
    // Each in range, the sum not: refused as not adding up, with no overflow on the way.
    std::string months = "{";
    for (int m = 1; m <= 12; ++m)
        months += std::string(m > 1 ? "," : "") + "\"2026-" + (m < 10 ? "0" : "") +
                  std::to_string(m) + "\":\"90000000000000\"";
    EXPECT_NE(error_text([&] {
                  parse_report_json(report_doc("1", months + "}"));
              }).find("totals.by_month add up to 1080000000000000, not to totals.total 1"),
              std::string::npos);
    // Keys are input too: shown escaped.
    EXPECT_NE(error_text([] {
                  parse_report_json(report_doc("1", "{\"\\u001b[2J\":\"x\"}"));
              }).find("totals.by_month.\\x1B[2J: not an exact decimal amount"),
              std::string::npos);
    // Version 2: the tables' cells are bounded and summed the same way.
    EXPECT_NO_THROW(parse_report_json(report_doc_v2(service_row("AmazonEC2", "1"))));
    EXPECT_NE(error_text([] {
                  parse_report_json(
                      report_doc_v2(service_row("AmazonEC2", "9000000000000000000000000000")));
              })
                  .find("tables[0]: row 'AmazonEC2' column cost: out of range (at most 10^14 in "
                        "magnitude)"),
              std::string::npos);
    EXPECT_NE(error_text([] {
                  parse_report_json(report_doc_v2(service_row("a", "90000000000000") + "," +
                                                  service_row("b", "90000000000000") + "," +
                                                  service_row("total", "1")));
              })
                  .find("table top_services: column cost adds up to 180000000000000, not to its "
                        "total 1"),
              std::string::npos);
    EXPECT_NE(error_text([] {
                  parse_report_json(report_doc_v2(service_row("\\u001b]0;x\\u0007", "x")));
              }).find("tables[0]: row '\\x1B]0;x\\x07' column cost: not an exact decimal amount"),
              std::string::npos);
}

TEST(PdfHostile, AStoreErrorEndsTheBatchWithExitFour) {
    TempDir t;
    const std::string db = t / "s.db";
    const std::string good = known_report(t, db);
    write_file(t / "a.pdf", info_pdf("<</Title (A)>>"));
    write_file(t / "c.pdf", info_pdf("<</Title (C)>>"));
    // The report's totals can no longer be written: a store problem, not the file's.
    {
        store::Database raw(db, store::Database::Mode::read_write_create);
        raw.exec("DROP TABLE report_total");
    }
    RunResult r = run_cli({"import-pdf", "--db", db, t / "a.pdf", good, t / "c.pdf"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("report_total"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("not imported"), std::string::npos) << r.err;
    // The file before it stays imported; the report's transaction was rolled back; the file
    // after it was not tried.
    EXPECT_EQ(query_one(db, "SELECT group_concat(title) FROM archive_document"), "A");
    EXPECT_EQ(r.out.find("c.pdf"), std::string::npos) << r.out;
}

}  // namespace CURCRUNCH_UNITY_ID
